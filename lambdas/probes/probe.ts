import type { Check, SecretRef } from '../core/config.js';
import type { Observation } from '../core/types.js';

/** What a probe may use besides its check: everything with I/O or a clock comes in here. */
export interface ProbeContext {
  readonly resolveSecret: (ref: SecretRef) => Promise<string>;
  readonly now: () => Date;
}

/** One per check type: performs the I/O and reports what it saw. Must never throw for target behaviour. */
export type Probe<C extends Check> = (check: C, context: ProbeContext) => Promise<Observation>;

/** Milliseconds since `start` (a performance.now() mark), rounded to 0.1 ms. */
export function since(start: number, end = performance.now()): number {
  return Math.round((end - start) * 10) / 10;
}
