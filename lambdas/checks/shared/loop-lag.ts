/**
 * How late this process's event loop ran while a probe was in flight. A response that arrives while
 * the loop is busy (other probes' callbacks, the JIT, a throttled CPU share) is read late, and its
 * timings grow by that much: the lag says how far a timing can be trusted. A timer ticks every few
 * milliseconds while any probe is in flight (and not otherwise); each tick notes how late it fired.
 * Timers run before I/O callbacks in a loop iteration, so a stall that delayed a response is noted
 * before the probe that read the response asks. What a lag means for a result's latency is decided in
 * lambdas/core/trusted-latency.ts.
 */

const PERIOD_MS = 5;
/** Ticks remembered: at one per period, 40 s of history, longer than any probe's timeout is useful for. */
const SAMPLES = 8192;

export class LoopLag {
  private readonly at = new Float64Array(SAMPLES);
  private readonly late = new Float64Array(SAMPLES);
  private next = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A probe starts: the time to pass to `end`. */
  begin(): number {
    if (this.inFlight++ === 0) {
      this.lastTick = this.now();
      this.timer = setInterval(() => this.tick(), PERIOD_MS);
      // Never what keeps a process alive.
      this.timer.unref();
    }
    return this.now();
  }

  /** A probe ended: the most the loop ran late while it was in flight, in ms (0.1 ms steps). */
  end(began: number): number {
    const lag = this.worstSince(began);
    if (--this.inFlight === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    return Math.round(lag * 10) / 10;
  }

  private tick(): void {
    const now = this.now();
    this.at[this.next] = now;
    this.late[this.next] = Math.max(0, now - this.lastTick - PERIOD_MS);
    this.next = (this.next + 1) % SAMPLES;
    this.lastTick = now;
  }

  private worstSince(began: number): number {
    let worst = 0;
    // Newest first, back to the probe's start.
    for (let i = 1; i <= SAMPLES; i++) {
      const slot = (this.next - i + SAMPLES) % SAMPLES;
      const at = this.at[slot] as number;
      if (at < began || at === 0) break;
      worst = Math.max(worst, this.late[slot] as number);
    }
    return worst;
  }
}
