import type { HeartbeatReader } from '../../core/ports.js';
import type { SecretRef } from '../../core/schema-parts.js';
import type { ProbeError, Timings } from '../../core/types.js';
import type { FailedObservation, Observation } from './observation.js';

/** What a probe may use besides its check: everything with I/O or a clock comes in here. */
export interface ProbeContext {
  readonly resolveSecret: (ref: SecretRef) => Promise<string>;
  readonly now: () => Date;
  /** Where heartbeat checks' reported runs are read; without it a heartbeat is judged as never reported. */
  readonly heartbeats?: HeartbeatReader;
  /** The location probing (its name goes in each request's identity); none without configured locations. */
  readonly location?: string;
}

/** One per check type: performs the I/O and reports what it saw. Must never throw for target behaviour. */
export type Probe<C, O extends Observation = Observation> = (check: C, context: ProbeContext) => Promise<O | FailedObservation>;

/** Milliseconds since `start` (a performance.now() mark), rounded to 0.1 ms. */
export function since(start: number, end = performance.now()): number {
  return Math.round((end - start) * 10) / 10;
}

export const noTimings = (totalMs: number): Timings => ({
  dnsMs: null,
  connectMs: null,
  tlsMs: null,
  ttfbMs: null,
  transferMs: null,
  totalMs,
});

/** What a probe saw that failed before its type saw anything of its own. */
export function failedObservation(startedAt: string, timings: Timings, error: ProbeError): FailedObservation {
  return { startedAt, timings, error };
}
