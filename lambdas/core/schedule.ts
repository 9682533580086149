/** When each check is next due in the local runner. Pure: the runner passes its monotonic clock in. */
import type { Check } from './config.js';

/** The checks that are still running, which are never due again until they finish. */
export interface Running {
  has(checkId: string): boolean;
}

/** Checks whose interval has passed since they last started and that are not still running. */
export function dueChecks(
  checks: readonly Check[],
  lastStarted: ReadonlyMap<string, number>,
  running: Running,
  now: number,
): Check[] {
  return checks.filter((c) => !running.has(c.id) && (lastStarted.get(c.id) ?? Number.NEGATIVE_INFINITY) + c.intervalMs <= now);
}

/** When the next check that is not running falls due (monotonic ms); +Infinity when every check runs. */
export function nextDueAt(checks: readonly Check[], lastStarted: ReadonlyMap<string, number>, running: Running): number {
  return Math.min(
    ...checks.filter((c) => !running.has(c.id)).map((c) => (lastStarted.get(c.id) ?? Number.NEGATIVE_INFINITY) + c.intervalMs),
  );
}
