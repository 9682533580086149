/**
 * The probe Lambda's one job: probe the checks its schedule names and feed each result to ingest.
 * Sub-minute intervals ride on a one-minute schedule: the event says how many runs to make,
 * `intervalMs` apart. Sending alerts is the dispatcher's (lambdas/dispatch), so probing never waits
 * on SNS.
 */

import { runCheck } from '../checks/run.js';
import { controlProbe } from '../config/control-probe.js';
import type { Check, Config } from '../config/parse.js';
import type { AlertContext } from '../core/alert-state.js';
import { guarded } from '../core/pipeline/outbox.js';
import { type BatchReport, probeBatch } from '../core/pipeline/probe-batch.js';
import { sealAfterCycle } from '../core/pipeline/rollups.js';
import type {
  DispatchQueue,
  HeartbeatReader,
  Log,
  MetricsSink,
  ResultStore,
  RollupStore,
  SecretResolver,
} from '../core/ports.js';

/** What each EventBridge rule sends (see lib/probe-schedule.ts). */
export interface ProbeEvent {
  readonly checkIds: readonly string[];
  /** Runs in this invocation, `intervalMs` apart. @default 1 */
  readonly runs?: number;
  readonly intervalMs?: number;
  /** Each run's starts spread over this long (lib/stack-config.ts sizes it). @default 0 */
  readonly spreadMs?: number;
}

/** How long a result waits to be written with others from the same run. */
const RESULT_LINGER_MS = 1_000;
/**
 * Lambda meters a function's CPU share per 100 ms period: after the cycle's reads the first probe
 * waits a few periods, or it would be timed through a throttled one. A sandbox's first cycle waits
 * longer: its warm-up and first AWS calls leave the JIT compiling in the background.
 */
const SETTLE_MS = 250;
const COLD_SETTLE_MS = 1_000;

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
  /** performance.now(): spreading starts must not follow a stepping wall clock. */
  readonly monotonicMs: () => number;
  /** Probes in flight at once. @default 50 */
  readonly concurrency?: number;
  /** Where heartbeat checks' reported runs are read. @default none: they are judged as never reported */
  readonly heartbeats?: HeartbeatReader;
  /**
   * Where the hour just over is rolled up, by the first invocation past its grace, after its probes
   * (lambdas/core/pipeline/rollups.ts). @default none: reports read results where rollups are missing
   */
  readonly rollups?: RollupStore;
  /** Run once before a sandbox's first cycle (lambdas/checks/warm-up.ts). @default nothing */
  readonly warmUp?: (checks: readonly Check[]) => Promise<void>;
  /** The location this probe is (its stack's, lib/): every result carries it. @default none, the one unnamed location */
  readonly location?: string;
}

export function createProbeApp(deps: ProbeAppDeps) {
  let warmed = false;
  return async (event: ProbeEvent, invocationId: string): Promise<BatchReport[]> => {
    const wanted = new Set(event.checkIds);
    const checks = deps.config.checks.filter((c) => wanted.has(c.id));
    const missing = event.checkIds.filter((id) => !checks.some((c) => c.id === id));
    if (missing.length > 0) deps.log.warn('schedule names checks the bundled config does not have', { missing });
    const resolveSecret = deps.secretResolver();
    const cold = !warmed;
    if (cold) {
      warmed = true;
      await guarded(deps.log, 'warm-up failed', undefined, async () => deps.warmUp?.(checks));
    }
    const { location } = deps;
    const context = { resolveSecret, now: deps.now, ...(deps.heartbeats ? { heartbeats: deps.heartbeats } : {}) };
    const batchDeps = {
      ...deps,
      maintenance: deps.config.maintenance,
      runCheck: (check: (typeof checks)[number], from?: string) =>
        runCheck(check, from ? { ...context, location: from } : context, { log: deps.log }),
      ...(location
        ? {
            originsOf: () => [location],
            locationFault: controlProbe(
              deps.config.locations.filter((l) => l.name === location),
              context,
            ),
          }
        : {}),
    };
    const runs = Math.max(1, event.runs ?? 1);
    const reports: BatchReport[] = [];
    const first = deps.now().getTime();
    for (let run = 0; run < runs; run++) {
      const wait = first + run * (event.intervalMs ?? 0) - deps.now().getTime();
      if (wait > 0) await deps.sleep(wait);
      const pacing = {
        spreadMs: event.spreadMs ?? 0,
        settleMs: cold && run === 0 ? COLD_SETTLE_MS : SETTLE_MS,
        lingerMs: RESULT_LINGER_MS,
        sleep: deps.sleep,
        monotonicMs: deps.monotonicMs,
      };
      const report = await probeBatch(checks, { ...batchDeps, pacing }, `${invocationId}#${run}`);
      reports.push(report);
      // The home stack's alarm on this says the location stopped, or its network, or its way home did: Vigil's
      // trouble, not the targets'. Up only when its control probe answers and every check it probed was decided.
      if (location) {
        const up = !report.locationFaults.has(location) && report.outcomes.length === checks.length;
        await guarded(deps.log, 'location metric not sent', undefined, async () =>
          deps.metrics.putLocation?.(location, up, deps.now()),
        );
      }
    }
    // After the probes, so no timing waits on it; the schedule comes every minute, or every interval when longer.
    if (deps.rollups) {
      const rateMs = Math.max(60_000, event.intervalMs ?? 60_000);
      // A check probed from several locations is sealed by the probe of its first one, not by each.
      const mine = checks.filter((c) => c.locations[0] === location);
      await sealAfterCycle(deps.rollups, mine, new Date(first), rateMs, deps.log);
    }
    return reports;
  };
}
