/**
 * When each check is next due in the local runner. Pure: the runner passes its monotonic clock in.
 *
 * Checks due together would start in one burst, and their responses would queue on one event loop and
 * be timed through each other. So each check starts at a stable point of its interval (its phase), spread
 * as the probe Lambda spreads a cycle (lambdas/core/spread.ts): the first run at the runner's start plus
 * the phase, and every next one at the phase again, an interval on. A start that came late does not move
 * the next one for good: were each next run an interval after the last start, every few milliseconds a busy
 * loop starts late would shift its check, and checks that started late together would stay together,
 * drifting into bursts (200 checks that started 5 ms apart went 3 to 15 at once within a minute). The checks
 * of one interval spread over PHASE_STEP_MS each, at most the interval and PHASE_WINDOW_MS: a few checks
 * start within milliseconds of the start, 200 every second over the whole second.
 */
import type { CheckBase } from './schema-parts.js';
import { spreadStarts } from './spread.js';

/** Room each check of an interval gets: about what a probe's start and end cost the event loop. */
const PHASE_STEP_MS = 5;
/** Phases spread over at most this much of an interval, so a check with a long interval still starts soon. */
const PHASE_WINDOW_MS = 10_000;

/** How much of its interval a late check moves back toward its phase in one run: its runs stay at least 95% of an interval apart. */
const CATCH_UP = 0.05;

/**
 * Where in its interval each check starts, from the runner's start (check id → ms): the checks of one
 * interval spread evenly over min(interval, PHASE_WINDOW_MS, PHASE_STEP_MS each), parents first, in the
 * order the probe Lambda spreads a cycle (`spreadStarts`), so a config starts its checks the same way in
 * both and at the same points every time.
 */
export function phases(checks: readonly CheckBase[]): Map<string, number> {
  const byInterval = new Map<number, CheckBase[]>();
  for (const c of checks) byInterval.set(c.intervalMs, [...(byInterval.get(c.intervalMs) ?? []), c]);
  const offsets = new Map<string, number>();
  for (const [intervalMs, sharing] of byInterval) {
    const window = Math.min(intervalMs, PHASE_WINDOW_MS, sharing.length * PHASE_STEP_MS);
    for (const { check, offsetMs } of spreadStarts(sharing, window)) offsets.set(check.id, offsetMs);
  }
  return offsets;
}

/** When the runner started (monotonic ms, a whole one), and each check's phase from then (`phases`). */
export interface Start {
  readonly at: number;
  readonly phases: ReadonlyMap<string, number>;
}

/**
 * When a check is next due (monotonic ms): its phase in the interval after the one its last run started in.
 * A run that started late (the loop was busy, or its last run outlasted the interval) comes back to its phase
 * by at most CATCH_UP of its interval a run: to snap back at once would follow a late run by a short gap.
 * Checks that a stall made late together start together until each is back at its phase: after a stall
 * of a whole interval, for up to 1 / CATCH_UP runs.
 */
export function dueAt(check: CheckBase, lastStarted: ReadonlyMap<string, number>, start: Start): number {
  const first = start.at + (start.phases.get(check.id) ?? 0);
  const last = lastStarted.get(check.id);
  if (last === undefined) return first;
  const interval = check.intervalMs;
  const nextPhase = first + (Math.floor((last - first) / interval) + 1) * interval;
  return Math.max(nextPhase, last + interval * (1 - CATCH_UP));
}

/**
 * The checks waiting for their next run, soonest first (a binary heap), and when each last started. A
 * check taken to run waits again only once released: never due while it runs. Each wake of a runner
 * looks at the top instead of computing every check's due time, so many checks cost a runner no more
 * per start than a few.
 */
export class DueQueue<C extends CheckBase> {
  private readonly heap: { readonly at: number; readonly check: C }[] = [];
  private readonly lastStarted = new Map<string, number>();
  /** Check id → when it is due, for the checks waiting. */
  private readonly waiting = new Map<string, number>();

  /** Every check waiting for its first run, at its phase after `start`. */
  constructor(
    checks: readonly C[],
    private readonly start: Start,
  ) {
    for (const check of checks) this.push(check);
  }

  /** When the soonest waiting check is due (monotonic ms); +Infinity when every check runs. */
  nextAt(): number {
    return this.atOf(0);
  }

  /** When a check is next due; null while it runs, or for a check this queue does not have. */
  dueAt(checkId: string): number | null {
    return this.waiting.get(checkId) ?? null;
  }

  /** When a check taken to run will be due once released: its phase after its last start. */
  dueAfterRun(check: C): number {
    return dueAt(check, this.lastStarted, this.start);
  }

  /** Takes every check due by `now` to run, started at `now`. */
  takeDue(now: number): C[] {
    const due: C[] = [];
    while (this.atOf(0) <= now) {
      const { check } = this.pop();
      this.waiting.delete(check.id);
      this.lastStarted.set(check.id, now);
      due.push(check);
    }
    return due;
  }

  /** A check taken to run is done: it waits for its next run, due by its phase after its last start. */
  release(check: C): void {
    if (!this.waiting.has(check.id)) this.push(check);
  }

  private push(check: C): void {
    const at = this.dueAfterRun(check);
    this.waiting.set(check.id, at);
    this.heap.push({ at, check });
    let i = this.heap.length - 1;
    while (i > 0 && this.atOf((i - 1) >> 1) > at) {
      this.swap(i, (i - 1) >> 1);
      i = (i - 1) >> 1;
    }
  }

  /** The soonest entry, taken off the heap (which is not empty). */
  private pop(): { readonly at: number; readonly check: C } {
    this.swap(0, this.heap.length - 1);
    const top = this.heap.pop() as { readonly at: number; readonly check: C };
    for (let i = 0; ; ) {
      const least = [2 * i + 1, 2 * i + 2].reduce((best, child) => (this.atOf(child) < this.atOf(best) ? child : best), i);
      if (least === i) return top;
      this.swap(i, least);
      i = least;
    }
  }

  /** The due time at a place in the heap; +Infinity past its end. */
  private atOf(i: number): number {
    return this.heap[i]?.at ?? Number.POSITIVE_INFINITY;
  }

  private swap(i: number, j: number): void {
    const heap = this.heap;
    [heap[i], heap[j]] = [heap[j] as (typeof heap)[number], heap[i] as (typeof heap)[number]];
  }
}
