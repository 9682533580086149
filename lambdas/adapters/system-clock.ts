import type { Clock } from '../core/ports.js';

/** The machine's clocks: wall time from Date, intervals from the monotonic performance.now(). */
export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};
