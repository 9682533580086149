/**
 * When each check is next due in the local runner. Pure: the runner passes its monotonic clock in.
 *
 * Checks due together would start in one burst, and their responses would queue on one event loop and
 * be timed through each other. So each check starts at a stable point of its interval (its phase, from a
 * hash of its id), as the probe Lambda spreads a cycle (lambdas/core/spread.ts): the first run at the
 * runner's start plus the phase, each next one an interval after the last started. The checks of one
 * interval spread over PHASE_STEP_MS each, at most the interval and PHASE_WINDOW_MS: a few checks start
 * within milliseconds of the start, 200 every second over the whole second.
 */
import type { Check } from './config.js';
import { stableHash } from './spread.js';

/** Room each check of an interval gets: about what a probe's start and end cost the event loop. */
const PHASE_STEP_MS = 5;
/** Phases spread over at most this much of an interval, so a check with a long interval still starts soon. */
const PHASE_WINDOW_MS = 10_000;

/** The checks that are still running, which are never due again until they finish. */
export interface Running {
  has(checkId: string): boolean;
}

/**
 * Where in its interval a check starts, from the runner's start, among `sharing` checks of that interval:
 * the same on every run and every start of the same config.
 */
export function phaseOf(check: Pick<Check, 'id' | 'intervalMs'>, sharing: number): number {
  const window = Math.min(check.intervalMs, PHASE_WINDOW_MS, sharing * PHASE_STEP_MS);
  return Math.floor((spreadBits(stableHash(check.id)) / 2 ** 32) * window);
}

/** Each check's phase (check id → ms). */
export function phases(checks: readonly Pick<Check, 'id' | 'intervalMs'>[]): Map<string, number> {
  const sharing = new Map<number, number>();
  for (const c of checks) sharing.set(c.intervalMs, (sharing.get(c.intervalMs) ?? 0) + 1);
  return new Map(checks.map((c) => [c.id, phaseOf(c, sharing.get(c.intervalMs) ?? 1)]));
}

/** MurmurHash3's finaliser: ids that differ in their last character differ in every bit, the high ones too. */
function spreadBits(hash: number): number {
  let h = hash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** When the runner started (monotonic ms), and each check's phase from then (`phases`). */
export interface Start {
  readonly at: number;
  readonly phases: ReadonlyMap<string, number>;
}

/** When a check is next due (monotonic ms). */
export function dueAt(check: Check, lastStarted: ReadonlyMap<string, number>, start: Start): number {
  const last = lastStarted.get(check.id);
  return last === undefined ? start.at + (start.phases.get(check.id) ?? 0) : last + check.intervalMs;
}

/** Checks whose time has come that are not still running. */
export function dueChecks(
  checks: readonly Check[],
  lastStarted: ReadonlyMap<string, number>,
  running: Running,
  now: number,
  start: Start,
): Check[] {
  return checks.filter((c) => !running.has(c.id) && dueAt(c, lastStarted, start) <= now);
}

/** When the next check that is not running falls due (monotonic ms); +Infinity when every check runs. */
export function nextDueAt(
  checks: readonly Check[],
  lastStarted: ReadonlyMap<string, number>,
  running: Running,
  start: Start,
): number {
  return Math.min(...checks.filter((c) => !running.has(c.id)).map((c) => dueAt(c, lastStarted, start)));
}
