/** Simulated time for the local runner: the test moves the clock; the runner does what falls due. */
import type { Clock } from '../../lambdas/core/ports.js';
import type { LocalRunner } from '../../lambdas/local/runner.js';

export interface SimClock extends Clock {
  /** Sets both clocks `ms` later. */
  advance(ms: number): void;
  /** Steps a wall-clock jump (an NTP correction) without moving the monotonic clock. */
  stepWall(ms: number): void;
}

export function simClock(startIso = '2026-11-22T10:00:00.000Z'): SimClock {
  let wall = Date.parse(startIso);
  let mono = 0;
  return {
    now: () => new Date(wall),
    monotonicMs: () => mono,
    advance: (ms) => {
      wall += ms;
      mono += ms;
    },
    stepWall: (ms) => {
      wall += ms;
    },
  };
}

/**
 * Runs `runner` for `ms` of simulated time: jumps to each moment something falls due, starts it and
 * waits for it (and whatever it started) to finish. Real I/O still happens; only waiting is skipped.
 */
export async function runFor(runner: LocalRunner, clock: SimClock, ms: number): Promise<void> {
  const end = clock.monotonicMs() + ms;
  for (let sameMoment = 0; ; sameMoment++) {
    if (sameMoment > 1_000) throw new Error(`the runner keeps finding work due at ${clock.now().toISOString()}`);
    runner.startDue();
    await runner.idle();
    const wait = runner.msUntilDue();
    if (wait === 0) continue;
    if (clock.monotonicMs() + wait > end) break;
    clock.advance(wait);
    sameMoment = 0;
  }
  clock.advance(end - clock.monotonicMs());
}
