/**
 * Keeps a cycle's own work (storing results, deciding, writing states) out of the windows its probes are
 * timed in. On a small CPU share (a 512 MB Lambda gets 29% of a vCPU) one state write's marshalling and
 * signing costs tens of milliseconds; done while a probe's response arrives, it is counted as the
 * target's time, and it comes exactly when many checks change state together (a new stack, a shared
 * outage). So that work runs one task at a time, in the order asked, each at a quiet moment: no probe
 * young enough to be answering in flight, and the next planned start far enough off for a task as long
 * as the tasks have taken so far. A probe in flight for several times the usual probe's time is already
 * slow (hanging until its timeout, most likely) and does not hold the work back. Time and waiting come in.
 */

export interface QuietGateClock {
  /** A clock that does not step (performance.now()). */
  monotonicMs(): number;
  sleep(ms: number): Promise<void>;
}

/** What a task is assumed to take before any has run. */
const FIRST_COST_MS = 30;
/** A probe counts as answering for this many times the usual probe's duration, within the bounds below. */
const YOUNG_FACTOR = 4;
const MIN_YOUNG_MS = 100;
const MAX_YOUNG_MS = 2_000;
/** Room before the next start: the expected task time times this, plus a scheduler period's worth. */
const ROOM_FACTOR = 1.5;
const ROOM_EXTRA_MS = 5;
/**
 * How long to wait for a start that is due but has not happened: a timer running late on a throttled
 * CPU (it comes within milliseconds), or a probe waiting for a slot (it comes when a probe ends). Either
 * wakes the gate sooner.
 */
const OVERDUE_WAIT_MS = 50;

export class QuietGate {
  private readonly inFlight = new Set<{ readonly startedAt: number }>();
  private taskMs = FIRST_COST_MS;
  private probeMs: number | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private changed: () => void = () => {};

  constructor(
    private readonly clock: QuietGateClock,
    /** When the next probe of the cycle is planned to start (monotonic ms), or null when none is left. */
    private readonly nextStartAt: () => number | null,
  ) {}

  /** A probe's timed window begins; call what this returns when it ends. */
  probeStarted(): () => void {
    const probe = { startedAt: this.clock.monotonicMs() };
    this.inFlight.add(probe);
    this.changed();
    return () => {
      this.inFlight.delete(probe);
      const took = this.clock.monotonicMs() - probe.startedAt;
      this.probeMs = this.probeMs === null ? took : this.probeMs * 0.8 + took * 0.2;
      this.changed();
    };
  }

  /** Runs `task` after those asked before it, at a quiet moment. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.tail.then(async () => {
      await this.quiet();
      const started = this.clock.monotonicMs();
      try {
        return await task();
      } finally {
        this.taskMs = this.taskMs * 0.7 + (this.clock.monotonicMs() - started) * 0.3;
      }
    });
    this.tail = turn.catch(() => {});
    return turn;
  }

  private youngMs(): number {
    return Math.min(MAX_YOUNG_MS, Math.max(MIN_YOUNG_MS, YOUNG_FACTOR * (this.probeMs ?? MIN_YOUNG_MS)));
  }

  /** How long to wait before it is quiet, or 0 when it is. */
  private waitMs(): number {
    const now = this.clock.monotonicMs();
    const young = this.youngMs();
    const answering = [...this.inFlight].map((p) => young - (now - p.startedAt)).filter((left) => left > 0);
    if (answering.length > 0) return Math.min(...answering);
    const next = this.nextStartAt();
    if (next === null) return 0;
    if (next <= now) return OVERDUE_WAIT_MS;
    const room = this.taskMs * ROOM_FACTOR + ROOM_EXTRA_MS;
    // Too close to the next start: after it, that probe's own window, then look again.
    return next - now >= room ? 0 : Math.max(1, next - now);
  }

  private async quiet(): Promise<void> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) {
      const woken = new Promise<void>((resolve) => {
        this.changed = resolve;
      });
      await Promise.race([this.clock.sleep(wait), woken]);
    }
  }
}
