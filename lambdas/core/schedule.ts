/** When each check is next due in the local runner. Pure: the loop passes the clock in. */
import type { Check } from './config.js';

/** Checks whose interval has passed since they last started and that are not still running. */
export function dueChecks(
  checks: readonly Check[],
  lastStarted: ReadonlyMap<string, number>,
  running: ReadonlySet<string>,
  now: number,
): Check[] {
  return checks.filter((c) => !running.has(c.id) && (lastStarted.get(c.id) ?? Number.NEGATIVE_INFINITY) + c.intervalMs <= now);
}

/** Milliseconds until the next check falls due (at least `floorMs`, so the loop never spins). */
export function msUntilNextDue(
  checks: readonly Check[],
  lastStarted: ReadonlyMap<string, number>,
  now: number,
  floorMs = 25,
): number {
  const next = Math.min(...checks.map((c) => (lastStarted.get(c.id) ?? Number.NEGATIVE_INFINITY) + c.intervalMs));
  return Math.max(floorMs, next - now);
}
