/**
 * The probe Lambda's one job: probe the checks its schedule names and feed each result to ingest.
 * Sub-minute intervals ride on a one-minute schedule: the event says how many runs to make,
 * `intervalMs` apart. Sending alerts is the dispatcher's (lambdas/dispatch), so probing never waits
 * on SNS.
 */

import type { SecretResolver } from '../adapters/secrets.js';
import { runCheck } from '../checks/run.js';
import type { AlertContext } from '../core/alert-state.js';
import type { Config } from '../core/config.js';
import { type BatchReport, probeBatch } from '../core/pipeline/probe-batch.js';
import type { DispatchQueue, Log, MetricsSink, ResultStore } from '../core/ports.js';

/** What each EventBridge rule sends (see lib/probe-schedule.ts). */
export interface ProbeEvent {
  readonly checkIds: readonly string[];
  /** Runs in this invocation, `intervalMs` apart. @default 1 */
  readonly runs?: number;
  readonly intervalMs?: number;
}

export interface ProbeAppDeps {
  readonly config: Config;
  readonly store: ResultStore;
  readonly metrics: MetricsSink;
  readonly dispatch: DispatchQueue;
  readonly log: Log;
  readonly alertContext: AlertContext;
  /** A fresh resolver per invocation: secrets are cached for one invocation only. */
  readonly secretResolver: () => SecretResolver;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Probes in flight at once. @default 50 */
  readonly concurrency?: number;
}

export function createProbeApp(deps: ProbeAppDeps) {
  return async (event: ProbeEvent, invocationId: string): Promise<BatchReport[]> => {
    const wanted = new Set(event.checkIds);
    const checks = deps.config.checks.filter((c) => wanted.has(c.id));
    const missing = event.checkIds.filter((id) => !checks.some((c) => c.id === id));
    if (missing.length > 0) deps.log.warn('schedule names checks the bundled config does not have', { missing });
    const resolveSecret = deps.secretResolver();
    const batchDeps = {
      ...deps,
      maintenance: deps.config.maintenance,
      runCheck: (check: (typeof checks)[number]) => runCheck(check, { resolveSecret, now: deps.now }, { log: deps.log }),
    };
    const runs = Math.max(1, event.runs ?? 1);
    const reports: BatchReport[] = [];
    const first = deps.now().getTime();
    for (let run = 0; run < runs; run++) {
      const wait = first + run * (event.intervalMs ?? 0) - deps.now().getTime();
      if (wait > 0) await deps.sleep(wait);
      reports.push(await probeBatch(checks, batchDeps, `${invocationId}#${run}`));
    }
    return reports;
  };
}
