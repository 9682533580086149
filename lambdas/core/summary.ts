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

/** 0 when every check is up or degraded, 1 when any is down. */
export function exitCodeFor(report: CheckReport): 0 | 1 {
  return report.summary.down > 0 ? 1 : 0;
}
