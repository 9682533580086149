/** The ★ `vigil check --json` document and its exit code. Pure. */
import type { CheckResult, CheckStatus } from './types.js';

export interface CheckReport {
  readonly results: readonly CheckResult[];
  readonly summary: Readonly<Record<CheckStatus, number>>;
}

export function summarize(results: readonly CheckResult[]): CheckReport {
  const summary = { up: 0, degraded: 0, down: 0 };
  for (const result of results) summary[result.status]++;
  return { results, summary };
}
