/**
 * The per-check alert state machine, pure: `decide(prev, result, check, context, now)`.
 * Quiet on blips (a failure streak shorter than failureThreshold only shows as `pending`),
 * loud once on real outages (one `down`, one `recovered`). DynamoDB only stores its states.
 */
import type { Check } from './config.js';
import type { AlertEvent, AlertKind, CheckResult, Severity } from './types.js';

/** What has been confirmed and notified. `unknown` until the first result. */
export type ConfirmedStatus = 'unknown' | 'up' | 'degraded' | 'down';

/** What a person sees: `pending` is a failure streak still under the threshold. */
export type ReportedStatus = ConfirmedStatus | 'pending';

export interface Incident {
  readonly id: string;
  readonly startedAt: string;
}

export interface CheckState {
  readonly checkId: string;
  readonly confirmed: ConfirmedStatus;
  /** Consecutive `down` results. */
  readonly failures: number;
  /** Consecutive results that were not `down` (what ends an outage). */
  readonly successes: number;
  /** Consecutive `degraded` results. */
  readonly degradedRuns: number;
  /** Consecutive `up` results. */
  readonly upRuns: number;
  /** The first down result of the current failure streak: an incident's cause. */
  readonly firstFailure: CheckResult | null;
  readonly incident: Incident | null;
  readonly lastResultAt: string | null;
  /** Bumped by one on every write; writes are conditional on it, so a transition happens once. */
  readonly version: number;
  /** Events decided but not yet confirmed published; retried by the next cycle. */
  readonly outbox: readonly AlertEvent[];
}

/** Deployment facts an event carries besides the check itself. */
export interface AlertContext {
  readonly stackName: string;
  readonly dashboardUrl: string | null;
}

export interface Decision {
  readonly next: CheckState;
  readonly events: readonly AlertEvent[];
  /** Set when this result confirmed an outage: the incident to record. */
  readonly opened: Incident | null;
  /** Set when this result ended an outage. */
  readonly closed: Incident | null;
}

export function initialState(checkId: string): CheckState {
  return {
    checkId,
    confirmed: 'unknown',
    failures: 0,
    successes: 0,
    degradedRuns: 0,
    upRuns: 0,
    firstFailure: null,
    incident: null,
    lastResultAt: null,
    version: 0,
    outbox: [],
  };
}

export function reportedStatus(state: CheckState): ReportedStatus {
  if (state.confirmed !== 'down' && state.failures > 0) return 'pending';
  return state.confirmed;
}

export function dedupKey(stackName: string, checkId: string): string {
  return `vigil/${stackName}/${checkId}`;
}

export function decide(prev: CheckState, result: CheckResult, check: Check, context: AlertContext, now: Date): Decision {
  const isDown = result.status === 'down';
  const counted: CheckState = {
    ...prev,
    failures: isDown ? prev.failures + 1 : 0,
    successes: isDown ? 0 : prev.successes + 1,
    degradedRuns: result.status === 'degraded' ? prev.degradedRuns + 1 : 0,
    upRuns: result.status === 'up' ? prev.upRuns + 1 : 0,
    firstFailure: isDown ? (prev.failures === 0 ? result : prev.firstFailure) : null,
    lastResultAt: result.startedAt,
    version: prev.version + 1,
  };
  const event = (kind: AlertKind, severity: Severity, incident: Incident | null, from: AlertEvent['from']): AlertEvent => ({
    version: 1,
    kind,
    checkId: check.id,
    checkName: check.name,
    severity,
    dedupKey: dedupKey(context.stackName, check.id),
    incidentId: incident?.id ?? null,
    incidentStartedAt: incident?.startedAt ?? null,
    from,
    at: now.toISOString(),
    result,
    dashboardUrl: context.dashboardUrl,
    runbookUrl: check.runbookUrl,
  });
  const settle = (
    next: CheckState,
    emitted: AlertEvent[],
    opened: Incident | null = null,
    closed: Incident | null = null,
  ): Decision => ({
    next: { ...next, outbox: [...prev.outbox, ...emitted] },
    events: emitted,
    opened,
    closed,
  });

  if (prev.confirmed === 'down') {
    if (counted.successes < check.successThreshold) return settle(counted, []);
    const recoveredTo = result.status === 'degraded' ? 'degraded' : 'up';
    return settle(
      { ...counted, confirmed: recoveredTo, incident: null },
      [event('recovered', check.severity, prev.incident, 'down')],
      null,
      prev.incident,
    );
  }
  if (counted.failures >= check.failureThreshold) {
    const startedAt = counted.firstFailure?.startedAt ?? result.startedAt;
    const incident = { id: `${check.id}/${startedAt}`, startedAt };
    return settle({ ...counted, confirmed: 'down', incident }, [event('down', check.severity, incident, null)], incident);
  }
  // Degradation is a warning, never a page; it needs the same streak as an outage to be believed.
  if (prev.confirmed !== 'degraded' && counted.degradedRuns >= check.failureThreshold) {
    return settle({ ...counted, confirmed: 'degraded' }, [event('degraded', 'warning', null, null)]);
  }
  if (prev.confirmed === 'degraded' && counted.upRuns >= check.successThreshold) {
    return settle({ ...counted, confirmed: 'up' }, [event('recovered', 'warning', null, 'degraded')]);
  }
  if (prev.confirmed === 'unknown' && result.status === 'up') return settle({ ...counted, confirmed: 'up' }, []);
  return settle(counted, []);
}
