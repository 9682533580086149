/** The one entry point for probing: probe a check with its type's probe, judge it, never throw. */
import type { Log } from '../core/ports.js';
import type { CheckResult } from '../core/types.js';
import type { CheckRuntime } from './check-type.js';
import type { Check } from './registry.js';
import { CHECK_RUNTIMES } from './runtimes.js';
import { faultBehind, ownFault } from './shared/classify.js';
import { LoopLag } from './shared/loop-lag.js';
import type { Observation } from './shared/observation.js';
import { noTimings, type ProbeContext } from './shared/probe.js';
import { fail, judged, resultOf } from './shared/verdict.js';

export type { ProbeContext } from './shared/probe.js';

// CHECK_RUNTIMES pairs each type with its own runtime, so a check's runtime takes it and makes the observation its judge reads.
const runtimeOf = (check: Check) => CHECK_RUNTIMES[check.type] as unknown as CheckRuntime<Check, Observation>;

export interface RunOptions {
  /** Waits between retries; tests pass a fake. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where an internal error's stack goes. */
  readonly log?: Log;
}

/**
 * Probes and judges a check. A down result is confirmed by up to `check.retries` immediate
 * re-probes, `retryDelayMs` apart; the first result that is not down, or the last, counts. Throws only
 * a VigilFault: Vigil itself could not probe (too many open files, its store did not answer), which
 * says nothing about the target.
 */
export async function runCheck(check: Check, context: ProbeContext, options: RunOptions = {}): Promise<CheckResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let result = await probeOnce(check, context, options.log);
  for (let retry = 1; retry <= check.retries && result.status === 'down'; retry++) {
    await sleep(check.retryDelayMs);
    result = await probeOnce(check, context, options.log);
  }
  // Its origin: which location saw this (results of several locations are combined at ingest).
  return context.location ? { ...result, location: context.location } : result;
}

/** Pure: the result of an observation, judged by the check's type (./shared/verdict.ts). */
export function evaluateCheck(check: Check, seen: Observation, now: Date): CheckResult {
  return judged(check, seen, runtimeOf(check).judge, now);
}

/** The process's one event-loop watch: every probe in flight shares it. */
const loopLag = new LoopLag();

async function probeOnce(check: Check, context: ProbeContext, log: Log | undefined): Promise<CheckResult> {
  const startedAt = context.now();
  try {
    let loopLagMs = 0;
    const began = loopLag.begin();
    const seen = await runtimeOf(check)
      .probe(check, context)
      .finally(() => {
        loopLagMs = loopLag.end(began);
      });
    const fault = faultBehind(seen.error);
    if (fault) throw fault;
    const result = evaluateCheck(check, seen, context.now());
    // A heartbeat's look reads the store and times nothing, so no lag can distort it.
    return runtimeOf(check).untimed ? result : { ...result, loopLagMs };
  } catch (error) {
    const fault = ownFault(error);
    if (fault) throw fault;
    // A bug in Vigil must not take the batch down: it becomes this check's `internal` result.
    log?.error('probe failed with an internal error', {
      checkId: check.id,
      error: String(error),
      stack: (error as Error)?.stack,
    });
    const seen = { startedAt: startedAt.toISOString(), timings: noTimings(0), error: null };
    return resultOf(check, seen, fail('internal', `internal error: ${(error as Error)?.message ?? String(error)}`));
  }
}
