/**
 * Which runs' timings are the target's latency. A run timed while Vigil's own event loop ran late
 * (`loopLagMs`, lambdas/checks/shared/loop-lag.ts) may be that much too slow: the lateness is Vigil's,
 * not the target's. Such a run still counts for availability (the target answered, or did not), but its
 * time is left out of everything that reads latency: the `Latency` metric (so the dashboard's
 * percentiles and latency objectives), `vigil report`'s percentiles, latency objectives and their burn
 * alerts, and the monitor's Prometheus histogram. One threshold, here, for all of them. Pure.
 */
import type { CheckResult } from './types.js';

/** A loop lag from which a run's timings are not the target's alone, in ms. */
export const HEAVY_LAG_MS = 10;

/** Whether the run was timed under heavy event-loop lag. */
export function timedUnderLag(result: Pick<CheckResult, 'loopLagMs'>): boolean {
  return (result.loopLagMs ?? 0) >= HEAVY_LAG_MS;
}

/**
 * The run's total time as latency counts it, or null when it does not count: a heartbeat's result times
 * nothing, a down run's time is how fast it failed, and a run timed under heavy lag is Vigil's time too.
 */
export function countedLatencyMs(
  result: Pick<CheckResult, 'status' | 'heartbeat' | 'loopLagMs'> & { readonly timings: { readonly totalMs: number } },
): number | null {
  if (result.heartbeat || result.status === 'down' || timedUnderLag(result)) return null;
  return result.timings.totalMs;
}
