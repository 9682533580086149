/** What a check type's judge decides beyond the transport: a failure (down), or a note and whether it means degraded. */
import type { HeartbeatSummary } from '../../core/heartbeat.js';
import type { Observation, ProbeError } from '../../core/types.js';

export interface Verdict {
  readonly error: ProbeError | null;
  readonly degraded: boolean;
  readonly detail: string | null;
  /** Heartbeat checks: what the result shows of the runs. */
  readonly heartbeat?: HeartbeatSummary;
}

/** Pure: judges an observation the transport completed, against the check's expectations. */
export type Judge<C> = (check: C, observation: Observation, now: Date) => Verdict;

export const pass = (detail: string | null = null): Verdict => ({ error: null, degraded: false, detail });
export const degrade = (detail: string): Verdict => ({ error: null, degraded: true, detail });
export const fail = (kind: ProbeError['kind'], message: string): Verdict => ({
  error: { kind, message },
  degraded: false,
  detail: null,
});
