/**
 * Paces a run's probe starts to what this process can time. Started as fast as a concurrency limit
 * allows, a large run's responses arrive in waves, queue behind each other's callbacks, and each
 * timing grows by its wait: 2,000 checks on a 100 ms target, 200 at a time, measured p50 170 ms with
 * the event loop 45 ms late. Started at a fixed rate, a run is slower than it needs to be on a fast
 * machine and still too fast on a slow one. So each start follows the one before by what a probe has
 * cost the main thread so far in this run: work arrives no faster than the thread has been doing it,
 * and responses are read as they come. The average includes the run's first, coldest probes, so as the
 * JIT warms up the pace keeps a little room. On that run: p50 103 ms, the loop 3-5 ms late, and sooner done.
 */

/** What the pacer reads and waits on; the real one is the event loop's (`loopClock`). */
export interface PacerClock {
  /** Monotonic ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Ms the main thread has been busy since the clock was made. */
  busyMs(): number;
}

export interface PaceOptions {
  /** The gap until enough probes have finished to measure their cost. */
  readonly initialGapMs: number;
  /** Finished probes before their measured cost sets the pace. */
  readonly sample: number;
  /** Whatever the measure says, no start waits longer than this after the one before. */
  readonly maxGapMs: number;
}

export const PACE: PaceOptions = { initialGapMs: 1, sample: 20, maxGapMs: 20 };

/**
 * Pure: the gap before the next start. A probe's cost is split between its start (building and sending
 * the request) and its finish (reading and judging the response); counting a started probe as half of
 * one and a finished one as the other half estimates the cost whichever side is heavier.
 */
export function startGap(busyMs: number, started: number, finished: number, options: PaceOptions): number {
  if (finished < options.sample) return options.initialGapMs;
  return Math.min(options.maxGapMs, (2 * busyMs) / (started + finished));
}

export class StartPacer {
  private nextAt: number;
  private started = 0;
  private finished = 0;

  constructor(
    private readonly clock: PacerClock = loopClock(),
    private readonly options: PaceOptions = PACE,
  ) {
    this.nextAt = clock.now();
  }

  /**
   * Runs `task` in its turn: the current gap after the turn before it, never earlier. Turns are given
   * out as callers ask, so they start in the order asked.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + startGap(this.clock.busyMs(), this.started, this.finished, this.options);
    // A timer counts from the loop's cached time, which a long turn leaves behind: it can fire early.
    for (let left = at - now; left > 0; left = at - this.clock.now()) await this.clock.sleep(left);
    this.started++;
    try {
      return await task();
    } finally {
      this.finished++;
    }
  }
}

/** The event loop's clock: `performance.now()`, timers, and the loop's utilization since it was made. */
export function loopClock(): PacerClock {
  const since = performance.eventLoopUtilization();
  return {
    now: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    busyMs: () => performance.eventLoopUtilization(since).active,
  };
}
