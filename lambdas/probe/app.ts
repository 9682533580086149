/**
 * The probe Lambda's one job: run the cycle for the checks its schedule names. Sub-minute
 * intervals ride on a one-minute schedule: the event says how many runs to make, `intervalMs` apart.
 */

import type { SecretResolver } from '../adapters/secrets.js';
import type { AlertContext } from '../core/alert-state.js';
import type { Config } from '../core/config.js';
import { type CycleReport, runCycle } from '../core/cycle.js';
import type { AlertPublisher, Log, MetricsSink, ResultStore } from '../core/ports.js';
import { runCheck } from '../probes/index.js';

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
  readonly publisher: AlertPublisher;
  readonly log: Log;
  readonly alertContext: AlertContext;
  /** A fresh resolver per invocation: secrets are cached for one invocation only. */
  readonly secretResolver: () => SecretResolver;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

export function createProbeApp(deps: ProbeAppDeps) {
  return async (event: ProbeEvent, cycleId: string): Promise<CycleReport[]> => {
    const wanted = new Set(event.checkIds);
    const checks = deps.config.checks.filter((c) => wanted.has(c.id));
    const missing = event.checkIds.filter((id) => !checks.some((c) => c.id === id));
    if (missing.length > 0) deps.log.warn('schedule names checks the bundled config does not have', { missing });
    const resolveSecret = deps.secretResolver();
    const cycleDeps = {
      ...deps,
      maintenance: deps.config.maintenance,
      runCheck: (check: (typeof checks)[number]) => runCheck(check, { resolveSecret, now: deps.now }, { log: deps.log }),
    };
    const runs = Math.max(1, event.runs ?? 1);
    const reports: CycleReport[] = [];
    const first = deps.now().getTime();
    for (let run = 0; run < runs; run++) {
      const wait = first + run * (event.intervalMs ?? 0) - deps.now().getTime();
      if (wait > 0) await deps.sleep(wait);
      reports.push(await runCycle(checks, cycleDeps, deps.now(), `${cycleId}#${run}`));
    }
    return reports;
  };
}
