/** What a check type's judge decides beyond the transport: a failure (down), or a note and whether it means degraded. */
import type { HeartbeatSummary } from '../../core/heartbeat.js';
import type { CheckResult, CheckStatus, ProbeError } from '../../core/types.js';
import { bounded } from '../../core/untrusted.js';
import type { FailedObservation, Observation } from './observation.js';

export interface Verdict {
  readonly error: ProbeError | null;
  readonly degraded: boolean;
  readonly detail: string | null;
  /** Heartbeat checks: what the result shows of the runs. */
  readonly heartbeat?: HeartbeatSummary;
}

/** Pure: judges an observation the transport completed (its `error` null), against the check's expectations. */
export type Judge<C, O extends Observation = Observation> = (check: C, observation: O, now: Date) => Verdict;

export const pass = (detail: string | null = null): Verdict => ({ error: null, degraded: false, detail });
export const degrade = (detail: string): Verdict => ({ error: null, degraded: true, detail });
export const fail = (kind: ProbeError['kind'], message: string): Verdict => ({
  error: { kind, message },
  degraded: false,
  detail: null,
});

/**
 * Pure: a transport error decides on its own; otherwise `judge` does. Messages quote what the target
 * sent, so they are bounded here, where a result is made: a huge Location header or JSON value cannot
 * grow the stored state past DynamoDB's item limit or an alert past a provider's.
 */
export function judged<C extends { readonly id: string }, O extends Observation>(
  check: C,
  seen: O | FailedObservation,
  judge: Judge<C, O>,
  now: Date,
): CheckResult {
  // Only a failed observation has an error and none of the type's own fields.
  return resultOf(check, seen, seen.error ? { error: seen.error, degraded: false, detail: null } : judge(check, seen as O, now));
}

/** The result of an observation once its verdict is known, target's text bounded. */
export function resultOf(check: { readonly id: string }, seen: Observation, verdict: Verdict): CheckResult {
  const status: CheckStatus = verdict.error ? 'down' : verdict.degraded ? 'degraded' : 'up';
  return {
    checkId: check.id,
    status,
    error: verdict.error && { kind: verdict.error.kind, message: bounded(verdict.error.message) },
    httpStatus: seen.httpStatus ?? null,
    timings: seen.timings,
    startedAt: seen.startedAt,
    detail: verdict.detail === null ? null : bounded(verdict.detail),
    ...(verdict.heartbeat ? { heartbeat: verdict.heartbeat } : {}),
  };
}
