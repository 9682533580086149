/**
 * The per-check alert state machine, pure: `decide(prev, result, check, context, now, heldBy)`.
 *
 * Two layers. Confirmation turns results into a confirmed status: quiet on blips (a failure streak
 * shorter than failureThreshold only shows as `pending`), so one outage is one `down` and one
 * recovery. Notification then tells channels about the confirmed status when it differs from what
 * they were last told (`notified`), unless something suppresses it: flapping (detected here), a
 * maintenance window or a parent that is down (passed in). Suppressed transitions are returned,
 * not lost, and when the suppression ends the channels are told the net change.
 */
import type { Check } from './config.js';
import type { Hold } from './maintenance.js';
import { BURN_ALERTS, burning, keepBadRuns, objectiveLabel } from './objectives.js';
import type { AlertEvent, AlertKind, CheckResult, Severity } from './types.js';

/** What has been confirmed. `unknown` until the first result. */
export type ConfirmedStatus = 'unknown' | 'up' | 'degraded' | 'down';

/**
 * What a person sees: `pending` is a failure streak still under the threshold; `maintenance`, a check
 * whose alerts a maintenance window or a silence holds.
 */
export type ReportedStatus = ConfirmedStatus | 'pending' | 'maintenance';

export interface Incident {
  readonly id: string;
  readonly startedAt: string;
}

export interface CheckState {
  readonly checkId: string;
  readonly confirmed: ConfirmedStatus;
  /** What channels were last told; differs from `confirmed` while notifications are suppressed. */
  readonly notified: ConfirmedStatus;
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
  /** `startedAt` of the last results decided on, newest last: a result among them arrived twice. */
  readonly seenResults: readonly string[];
  /** Recent results, oldest first, one letter each (u up, d degraded, x down): the flapping window. */
  readonly recent: string;
  readonly flapping: boolean;
  /** Whether channels were told about the current flapping (only once it held an alert back). */
  readonly flapNoticeSent: boolean;
  /** When channels were last told the check is down (for reminders). */
  readonly lastNotifiedAt: string | null;
  /** Bumped by one on every write; writes are conditional on it, so a transition happens once. */
  readonly version: number;
  /** Events decided but not yet confirmed published; retried by the next cycle. */
  readonly outbox: readonly AlertEvent[];
  /** What held the check's alerts back from outside at its last result, if anything. */
  readonly held: Hold['kind'] | null;
  /** The cycle publishing the outbox, if any: no other cycle publishes from it until `until`. */
  readonly publishing: { readonly by: string; readonly until: string } | null;
  /** Per objective (in the check's order), when its bad runs of the last 3 days started (epoch ms). */
  readonly badRuns: readonly (readonly number[])[];
  /** The burn alerts firing, as "<objective index>/<long window>". */
  readonly burning: readonly string[];
  /** Heartbeat checks: the newest judgement decided on, as reports recorded since the check's first look. */
  readonly heartbeat: { readonly since: string; readonly reports: number } | null;
}

/** Deployment facts an event carries besides the check itself. */
export interface AlertContext {
  readonly stackName: string;
  readonly dashboardUrl: string | null;
}

export interface Decision {
  readonly next: CheckState;
  /** Events to publish now. */
  readonly events: readonly AlertEvent[];
  /** Events that would have been published but for a suppression, with why. */
  readonly suppressed: readonly { readonly event: AlertEvent; readonly reason: string }[];
  /** Set when this result confirmed an outage: the incident to record. */
  readonly opened: Incident | null;
  /** Set when this result ended an outage. */
  readonly closed: Incident | null;
}

export function initialState(checkId: string): CheckState {
  return {
    checkId,
    confirmed: 'unknown',
    notified: 'unknown',
    failures: 0,
    successes: 0,
    degradedRuns: 0,
    upRuns: 0,
    firstFailure: null,
    incident: null,
    lastResultAt: null,
    seenResults: [],
    recent: '',
    flapping: false,
    flapNoticeSent: false,
    lastNotifiedAt: null,
    version: 0,
    outbox: [],
    held: null,
    publishing: null,
    badRuns: [],
    burning: [],
    heartbeat: null,
  };
}

export function reportedStatus(state: CheckState): ReportedStatus {
  if (state.held === 'maintenance' || state.held === 'silence') return 'maintenance';
  if (state.confirmed !== 'down' && state.failures > 0) return 'pending';
  return state.confirmed;
}

export function dedupKey(stackName: string, checkId: string): string {
  return `vigil/${stackName}/${checkId}`;
}

/** One key per objective and alert: each burn is its own incident in PagerDuty, resolved on its own. */
export function burnDedupKey(stackName: string, checkId: string, objective: number, window: string): string {
  return `${dedupKey(stackName, checkId)}/burn/${objective}/${window}`;
}

const LETTER = { up: 'u', degraded: 'd', down: 'x' } as const;
/** Enough to catch a retried push or a redelivered batch; a result older than these is decided on. */
const SEEN_RESULTS = 10;

/**
 * A heartbeat's report and its scheduled look race: the look may have judged the runs just before a
 * report that has been decided on since. Its judgement is older, whatever its timestamp says.
 */
export function outdatedJudgement(prev: CheckState, result: CheckResult): boolean {
  const seen = prev.heartbeat;
  const judged = result.heartbeat;
  return !!seen && !!judged && judged.since === seen.since && judged.reports < seen.reports;
}

/** What every result moves on: a state that differs from the last only in these need not be written. */
const BOOKKEEPING = new Set<keyof CheckState>(['version', 'lastResultAt', 'seenResults']);

/**
 * True when the decision changed nothing that matters: a steady check (up past its thresholds, or down
 * and already told) whose state need not be written. Replaying such a result would decide the same, so
 * not recording it among `seenResults` loses nothing.
 */
export function changesNothing(prev: CheckState, decision: Decision): boolean {
  if (decision.events.length > 0 || decision.opened || decision.closed || decision.suppressed.length > 0) return false;
  const keys = new Set([...Object.keys(prev), ...Object.keys(decision.next)] as (keyof CheckState)[]);
  return [...keys].every((key) => BOOKKEEPING.has(key) || JSON.stringify(prev[key]) === JSON.stringify(decision.next[key]));
}

/** Share of neighbouring results in the window that switch between down and not down. */
function changeRate(recent: string): number {
  if (recent.length < 2) return 0;
  let changes = 0;
  for (let i = 1; i < recent.length; i++) if ((recent[i] === 'x') !== (recent[i - 1] === 'x')) changes++;
  return changes / (recent.length - 1);
}

export function decide(
  prev: CheckState,
  result: CheckResult,
  check: Check,
  context: AlertContext,
  now: Date,
  heldBy: Hold | null = null,
): Decision {
  const confirmed = confirm(prev, result, check);
  const flap = detectFlapping(prev, confirmed.state, check);
  let state: CheckState = {
    ...confirmed.state,
    recent: flap.recent,
    flapping: flap.flapping,
    held: heldBy?.kind ?? null,
    version: prev.version + 1,
  };

  const make = (kind: AlertKind, severity: Severity, fields: Partial<AlertEvent> = {}): AlertEvent => ({
    version: 1,
    kind,
    checkId: check.id,
    checkName: check.name,
    severity,
    dedupKey: dedupKey(context.stackName, check.id),
    incidentId: state.incident?.id ?? null,
    incidentStartedAt: state.incident?.startedAt ?? null,
    from: null,
    note: null,
    at: now.toISOString(),
    result,
    dashboardUrl: context.dashboardUrl,
    runbookUrl: check.runbookUrl,
    ...fields,
  });

  const transition = notificationFor(prev.notified, state.confirmed, prev.incident, check, make);
  const reason = heldBy?.reason ?? (state.flapping ? 'flapping' : null);
  // Flapping is announced only once it holds an alert back: blips that never confirm stay silent.
  const notices: AlertEvent[] = [];
  if (reason === 'flapping' && transition && !prev.flapNoticeSent) {
    notices.push(make('flapping', 'warning', { note: flap.note }));
    state = { ...state, flapNoticeSent: true };
  }
  if (flap.ended && prev.flapNoticeSent) {
    notices.push(make('flapping', 'warning', { note: flap.note }));
    state = { ...state, flapNoticeSent: false };
  }
  const events: AlertEvent[] = [];
  const suppressed: { event: AlertEvent; reason: string }[] = [];
  if (transition && reason) {
    // Recorded when it happens, not again on every cycle the suppression lasts.
    if (state.confirmed !== prev.confirmed) suppressed.push({ event: transition, reason });
  } else if (transition) {
    events.push(transition);
  }
  if (!reason && state.confirmed !== prev.notified) {
    state = { ...state, notified: state.confirmed, lastNotifiedAt: state.confirmed === 'down' ? now.toISOString() : null };
  } else if (!reason && isReminderDue(state, check, now)) {
    events.push(make('reminder', check.severity, { note: `still down since ${state.incident?.startedAt ?? 'the last alert'}` }));
    state = { ...state, lastNotifiedAt: now.toISOString() };
  }
  const burns = burnAlerts(prev, result, check, now, make, context);
  state = { ...state, badRuns: burns.badRuns, burning: burns.burning };
  // A flapping notice is itself a notice, suppressed only from outside (maintenance, a parent down); so
  // are burn alerts, which count runs, not the blips flapping is about.
  const published = heldBy ? [] : [...notices, ...events, ...burns.events];
  if (heldBy) for (const notice of [...notices, ...burns.events]) suppressed.push({ event: notice, reason: heldBy.reason });
  return {
    next: { ...state, outbox: [...prev.outbox, ...published] },
    events: published,
    suppressed,
    opened: confirmed.opened,
    closed: confirmed.closed,
  };
}

/**
 * Each objective's bad runs, and which of its burn alerts (lambdas/core/objectives.ts) start or stop
 * with this result: a `burn` when one starts, a `recovered` from `burn` when it stops.
 */
function burnAlerts(
  prev: CheckState,
  result: CheckResult,
  check: Check,
  now: Date,
  make: (kind: AlertKind, severity: Severity, fields?: Partial<AlertEvent>) => AlertEvent,
  context: AlertContext,
) {
  const events: AlertEvent[] = [];
  const burningNow: string[] = [];
  const badRuns = check.objectives.map((objective, index) => {
    const kept = keepBadRuns(objective, check.intervalMs, prev.badRuns[index] ?? [], result, now);
    for (const alert of BURN_ALERTS) {
      const key = `${index}/${alert.long}`;
      const { burning: isBurning, rate } = burning(objective, check.intervalMs, kept, alert, now);
      const was = prev.burning.includes(key);
      if (isBurning) burningNow.push(key);
      if (isBurning === was) continue;
      const label = objectiveLabel(objective);
      const shown = Math.round(rate * 10) / 10;
      const burn = { objective: index, window: alert.long, label, rate: shown, threshold: alert.rate };
      const fields = {
        burn,
        incidentId: null,
        incidentStartedAt: null,
        dedupKey: burnDedupKey(context.stackName, check.id, index, alert.long),
      };
      events.push(
        isBurning
          ? make('burn', alert.severity, {
              ...fields,
              note: `${label}: budget burning ${shown}× over ${alert.long} (alerts at ${alert.rate}×)`,
            })
          : make('recovered', alert.severity, {
              ...fields,
              from: 'burn',
              note: `${label}: budget no longer burning ${alert.rate}× over ${alert.long}`,
            }),
      );
    }
    return kept;
  });
  return { badRuns, burning: burningNow, events };
}

interface Confirmation {
  readonly state: CheckState;
  readonly opened: Incident | null;
  readonly closed: Incident | null;
}

/** Counts streaks and moves the confirmed status once a streak reaches its threshold. */
function confirm(prev: CheckState, result: CheckResult, check: Check): Confirmation {
  const isDown = result.status === 'down';
  // Streaks count no further than the check's thresholds ask, so a steady check's state stops changing.
  const cap = Math.max(check.failureThreshold, check.successThreshold, check.degradedThreshold);
  const streak = (n: number) => Math.min(n + 1, cap);
  const counted: CheckState = {
    ...prev,
    failures: isDown ? streak(prev.failures) : 0,
    successes: isDown ? 0 : streak(prev.successes),
    degradedRuns: result.status === 'degraded' ? streak(prev.degradedRuns) : 0,
    upRuns: result.status === 'up' ? streak(prev.upRuns) : 0,
    firstFailure: isDown ? (prev.failures === 0 ? result : prev.firstFailure) : null,
    lastResultAt: result.startedAt,
    seenResults: [...prev.seenResults, result.startedAt].slice(-SEEN_RESULTS),
    heartbeat: result.heartbeat ? { since: result.heartbeat.since, reports: result.heartbeat.reports } : prev.heartbeat,
  };
  if (prev.confirmed === 'down') {
    if (counted.successes < check.successThreshold) return { state: counted, opened: null, closed: null };
    const to = result.status === 'degraded' ? 'degraded' : 'up';
    return { state: { ...counted, confirmed: to, incident: null }, opened: null, closed: prev.incident };
  }
  if (counted.failures >= check.failureThreshold) {
    const startedAt = counted.firstFailure?.startedAt ?? result.startedAt;
    const incident = { id: `${check.id}/${startedAt}`, startedAt };
    return { state: { ...counted, confirmed: 'down', incident }, opened: incident, closed: null };
  }
  if (prev.confirmed !== 'degraded' && counted.degradedRuns >= check.degradedThreshold) {
    return { state: { ...counted, confirmed: 'degraded' }, opened: null, closed: null };
  }
  if (
    (prev.confirmed === 'degraded' && counted.upRuns >= check.successThreshold) ||
    (prev.confirmed === 'unknown' && result.status === 'up')
  ) {
    return { state: { ...counted, confirmed: 'up' }, opened: null, closed: null };
  }
  return { state: counted, opened: null, closed: null };
}

/** The event that tells channels about a move from what they know to what is confirmed, if any. */
function notificationFor(
  notified: ConfirmedStatus,
  confirmed: ConfirmedStatus,
  previousIncident: Incident | null,
  check: Check,
  make: (kind: AlertKind, severity: Severity, fields?: Partial<AlertEvent>) => AlertEvent,
): AlertEvent | null {
  if (confirmed === notified || confirmed === 'unknown') return null;
  if (confirmed === 'down') return make('down', check.severity);
  if (notified === 'down') {
    const incident = previousIncident ? { incidentId: previousIncident.id, incidentStartedAt: previousIncident.startedAt } : {};
    return make('recovered', check.severity, { from: 'down', ...incident });
  }
  if (confirmed === 'degraded') return make('degraded', check.degradedSeverity);
  if (notified === 'degraded') return make('recovered', check.degradedSeverity, { from: 'degraded' });
  return null;
}

function isReminderDue(state: CheckState, check: Check, now: Date): boolean {
  if (check.repeatIntervalMs === null || state.notified !== 'down' || state.confirmed !== 'down' || !state.lastNotifiedAt)
    return false;
  return now.getTime() - Date.parse(state.lastNotifiedAt) >= check.repeatIntervalMs;
}

interface Flapping {
  readonly recent: string;
  readonly flapping: boolean;
  readonly ended: boolean;
  /** Describes the window as it stands, for a notice. */
  readonly note: string;
}

/** Above the high watermark over a full window: flapping; below the low one: over. */
function detectFlapping(prev: CheckState, next: CheckState, check: Check): Flapping {
  const window = check.flapping?.window ?? 0;
  const letter = next.failures > 0 ? LETTER.down : next.degradedRuns > 0 ? LETTER.degraded : LETTER.up;
  const recent = window > 0 ? `${prev.recent}${letter}`.slice(-window) : '';
  const rate = changeRate(recent);
  const percent = `${Math.round(rate * 100)}%`;
  const changes = Math.round(rate * Math.max(0, recent.length - 1));
  const holding = `flapping: changed state ${changes} times in the last ${recent.length} checks (${percent}); alerts held until it settles`;
  if (!check.flapping || recent.length < window) return { recent, flapping: prev.flapping, ended: false, note: holding };
  if (!prev.flapping && rate > check.flapping.high) return { recent, flapping: true, ended: false, note: holding };
  if (prev.flapping && rate < check.flapping.low) {
    return {
      recent,
      flapping: false,
      ended: true,
      note: `stopped flapping (${percent} over the last ${recent.length} checks); now ${next.confirmed}`,
    };
  }
  return { recent, flapping: prev.flapping, ended: false, note: holding };
}
