/**
 * Paces a run's probe starts to what this process can time. Started as fast as a concurrency limit
 * allows, a large run's responses arrive in waves, queue behind each other's callbacks, and each
 * timing grows by its wait: 2,000 checks on a 100 ms target, 200 at a time, measured p50 170 ms with
 * the event loop 45 ms late. Started at a fixed rate, a run is slower than it needs to be on a fast
 * machine and still too fast on a slow one. So each start follows the one before by what a probe has
 * cost the main thread so far in this run: work arrives no faster than the thread has been doing it,
 * and responses are read as they come. The average includes the run's first, coldest probes, so as the
 * JIT warms up the pace keeps a little room. On that run: p50 102-104 ms, the loop 2-5 ms late, and sooner done.
 */

import { setTimeout as sleep } from 'node:timers/promises';

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
  /** At most this long's worth of starts goes at once, after a timer that fired late. */
  readonly burstMs: number;
}

export const PACE: PaceOptions = { initialGapMs: 1, sample: 20, maxGapMs: 20, burstMs: 2 };

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
  private readonly waiting: (() => void)[] = [];
  /** Starts owed: one a gap, up to `burstMs` worth, so a stalled loop does not release every overdue start at once. */
  private tokens = 1;
  private refilledAt: number;
  private pumping = false;
  private started = 0;
  private finished = 0;

  constructor(private readonly clock: PacerClock = loopClock()) {
    this.refilledAt = clock.now();
  }

  /** Runs `task` in its turn, the current gap after the start before it. Turns go in the order asked. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      void this.pump();
    });
    this.started++;
    try {
      return await task();
    } finally {
      this.finished++;
    }
  }

  /**
   * Lets waiting starts go as the gap allows. Timers fire a millisecond apart at best, and can fire
   * early (they count from the loop's cached time) or late (a busy loop): so starts are counted from
   * the time that really passed, and a gap under a millisecond lets several go on one timer.
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const gap = startGap(this.clock.busyMs(), this.started, this.finished, PACE);
        const now = this.clock.now();
        const owed = gap > 0 ? (now - this.refilledAt) / gap : Number.POSITIVE_INFINITY;
        this.tokens = Math.min(Math.max(1, PACE.burstMs / gap), this.tokens + owed);
        this.refilledAt = now;
        for (; this.tokens >= 1 && this.waiting.length > 0; this.tokens--) this.waiting.shift()?.();
        if (this.waiting.length > 0) await this.clock.sleep((1 - this.tokens) * gap);
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** The event loop's clock: `performance.now()`, timers, and the loop's utilization since it was made. */
function loopClock(): PacerClock {
  const since = performance.eventLoopUtilization();
  return {
    now: () => performance.now(),
    sleep: async (ms) => {
      await sleep(ms);
    },
    busyMs: () => performance.eventLoopUtilization(since).active,
  };
}
