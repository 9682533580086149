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

import type {
  Burns,
  CheckState,
  ConfirmedStatus,
  FlapWindow,
  Incident,
  Ledger,
  OpenIncident,
  Streaks,
  Telling,
} from './check-state.js';
import { formatDuration } from './duration.js';
import type { Hold } from './maintenance.js';
import { alertWindows, BURN_ALERTS, burning, historyFromTimestamps, judgeRun, objectiveLabel, recordRun } from './objectives.js';
import type { CheckBase } from './schema-parts.js';
import { type AlertEvent, type AlertKind, type CheckResult, SEVERITIES, type Severity } from './types.js';

/** Deployment facts an event carries besides the check itself. */
export interface AlertContext {
  readonly stackName: string;
  readonly dashboardUrl: string | null;
}

export interface Decision {
  readonly next: CheckState;
  /** Events to publish now. */
  readonly events: readonly AlertEvent[];
  /** Events that would have been published but for a suppression or an open incident they joined, with why. */
  readonly suppressed: readonly { readonly event: AlertEvent; readonly reason: string }[];
  /** Events the outbox had no room for (publishing kept failing): recorded on the incident instead. */
  readonly dropped: readonly AlertEvent[];
  /** Set when this result confirmed an outage: the incident to record. */
  readonly opened: Incident | null;
  /** Set when this result ended an outage. */
  readonly closed: Incident | null;
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
export function outdatedJudgement(prev: Ledger, result: CheckResult): boolean {
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
  check: CheckBase,
  context: AlertContext,
  now: Date,
  heldBy: Hold | null = null,
): Decision {
  const confirmed = confirm(prev, result, check);
  const flap = detectFlapping(prev, confirmed.state, check);
  const burns = burnChanges(prev, result, check, now);
  let state: CheckState = {
    ...confirmed.state,
    recent: flap.recent,
    flapping: flap.flapping,
    held: heldBy?.kind ?? null,
    version: prev.version + 1,
    burnHistory: burns.history,
    burning: burns.burning,
    separateBurns: burns.separate,
    badRuns: undefined,
  };
  const at = now.toISOString();
  const key = dedupKey(context.stackName, check.id);
  let incident = openIncidentOf(prev, check);
  let opened: Incident | null = null;
  let closed: Incident | null = null;

  const make = (kind: AlertKind, severity: Severity, fields: Partial<AlertEvent> = {}): AlertEvent => ({
    version: 1,
    eventId: '',
    kind,
    checkId: check.id,
    checkName: check.name,
    severity,
    dedupKey: key,
    incidentId: incident?.id ?? null,
    incidentStartedAt: incident?.startedAt ?? null,
    from: null,
    note: null,
    at,
    result,
    dashboardUrl: context.dashboardUrl,
    runbookUrl: check.runbookUrl,
    ...fields,
  });
  const events: AlertEvent[] = [];
  const suppressed: { event: AlertEvent; reason: string }[] = [];
  const joined = (event: AlertEvent) => suppressed.push({ event, reason: `joined incident ${incident?.id}` });
  /** An incident's end goes out whenever its start did: a hold keeps back what was not said yet, never this. */
  const resolve = (event: AlertEvent, startWasSent: boolean, holding: string | null) => {
    // Only flapping (a hold from inside, not from outside) keeps an end back: it is not over yet.
    const onlyFlapping = holding !== null && !heldBy;
    if (startWasSent && !onlyFlapping) events.push(event);
    else suppressed.push({ event, reason: startWasSent ? (holding ?? 'flapping') : 'its alert was never sent' });
  };

  /** The state once channels know the confirmed status. */
  const channelsKnow = (): CheckState => ({
    ...state,
    notified: state.confirmed,
    lastNotifiedAt: state.confirmed === 'down' ? at : null,
  });
  /**
   * Ends the open incident with `event` at the severity it was paged at (so it reaches every channel its
   * page did); what channels know then is the check's confirmed status.
   */
  const endIncident = (event: AlertEvent, holdingReason: string | null) => {
    resolve({ ...event, severity: incident?.severity ?? event.severity }, incident?.told ?? true, holdingReason);
    closed = incident;
    incident = null;
    state = channelsKnow();
  };

  if (confirmed.outageStarted && !incident) {
    const startedAt = state.firstFailure?.startedAt ?? result.startedAt;
    incident = { id: `${check.id}/${startedAt}`, startedAt, openedBy: 'down', told: false, severity: check.severity };
    opened = incident;
  }

  const transition = notificationFor(prev.notified, state.confirmed, check, make);
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
  if (transition?.kind === 'down' && incident?.told && outranks(incident.severity, check.severity)) {
    // A burn already paged for this incident: the outage is part of it, not another page.
    joined(transition);
    state = channelsKnow();
  } else if (transition?.kind === 'down') {
    if (!reason) {
      events.push(transition);
      if (incident) incident = { ...incident, told: true, severity: higher(incident.severity, check.severity) };
      state = channelsKnow();
    } else if (state.confirmed !== prev.confirmed) {
      // Recorded when it happens, not again on every cycle the suppression lasts.
      suppressed.push({ event: transition, reason });
    }
  } else if (transition?.kind === 'recovered' && transition.from === 'down') {
    // The incident goes on while a burn this very run feeds still burns (answered, but too slowly): back
    // up is not over then. Burns the outage fed (its failed runs) end with it.
    const carrier = burns.current.find((b) => !b.separate && b.badNow);
    if (incident && carrier) {
      joined(transition);
      incident = { ...incident, openedBy: carrier.key };
      state = channelsKnow();
    } else if (!reason || heldBy) {
      endIncident(transition, reason);
    } else if (state.confirmed !== prev.confirmed) {
      suppressed.push({ event: transition, reason });
    }
  } else if (transition?.kind === 'recovered') {
    if (!reason || heldBy) {
      resolve(transition, true, reason);
      state = channelsKnow();
    } else if (state.confirmed !== prev.confirmed) suppressed.push({ event: transition, reason });
  } else if (transition) {
    if (!reason) {
      events.push(transition);
      state = channelsKnow();
    } else if (state.confirmed !== prev.confirmed) suppressed.push({ event: transition, reason });
  } else if (!reason && isReminderDue(state, check, now)) {
    events.push(make('reminder', check.severity, { note: `still down since ${incident?.startedAt ?? 'the last alert'}` }));
    state = { ...state, lastNotifiedAt: at };
  }
  // An outage that ended without its alert ever going out (held throughout) closes all the same.
  if (confirmed.outageEnded && incident?.openedBy === 'down' && !incident.told) {
    closed = incident;
    incident = null;
  }

  for (const burn of burns.started) {
    const event = make('burn', burn.severity, { burn: burn.fields, note: burn.note });
    if (incident) {
      if (incident.told && !outranks(incident.severity, burn.severity) && !heldBy) {
        // Escalates an incident told at a lower severity: the page it did not get yet.
        events.push(event);
        incident = { ...incident, severity: burn.severity };
      } else if (incident.told && !outranks(incident.severity, burn.severity) && heldBy) {
        // Held like any new alert; it goes out when the hold ends, if it still burns (below).
        suppressed.push({ event, reason: heldBy.reason });
      } else joined(event);
      continue;
    }
    incident = {
      id: `${check.id}/${result.startedAt}`,
      startedAt: result.startedAt,
      openedBy: burn.key,
      told: !heldBy,
      severity: burn.severity,
    };
    opened = incident;
    const opening = make('burn', burn.severity, { burn: burn.fields, note: burn.note });
    if (heldBy) suppressed.push({ event: opening, reason: heldBy.reason });
    else events.push(opening);
  }
  for (const burn of burns.stopped.filter((b) => b.separate)) {
    // Paged by an older version under a key of its own: ended under that key.
    const event = make('recovered', burn.severity, { from: 'burn', burn: burn.fields, note: burn.note });
    events.push({ ...event, dedupKey: burnDedupKey(context.stackName, check.id, burn.fields.objective, burn.fields.window) });
  }
  // The burn that opened the incident burns no more (it stopped, or its objective left the config): the
  // incident ends, unless the check is down, which carries it on.
  const opener = incident?.openedBy;
  if (incident && opener !== 'down' && !burns.current.some((b) => b.key === opener)) {
    if (state.confirmed === 'down') incident = { ...incident, openedBy: 'down' };
    else {
      const stopped = burns.stopped.find((b) => b.key === opener);
      const fields = stopped
        ? { burn: stopped.fields, note: stopped.note }
        : { note: 'the objective that opened it is no longer in the config' };
      endIncident(make('recovered', incident.severity ?? check.severity, { from: 'burn', ...fields }), null);
    }
  }
  // A hold that kept an opening burn back has ended while it still burns: its page goes out now.
  if (incident && !incident.told && !heldBy && incident.openedBy !== 'down') {
    const burn = burns.current.find((b) => b.key === incident?.openedBy);
    if (burn) {
      events.push(make('burn', burn.severity, { burn: burn.fields, note: burn.note }));
      incident = { ...incident, told: true };
    }
  }
  // Told at a lower severity than a burn now asks (it started under a hold, or the outage's page went out
  // only now): the page it has not had.
  const above =
    incident?.told && !heldBy ? burns.current.find((b) => !b.separate && !outranks(incident?.severity, b.severity)) : null;
  if (incident && above) {
    events.push(make('burn', above.severity, { burn: above.fields, note: above.note }));
    incident = { ...incident, severity: above.severity };
  }
  state = { ...state, incident };

  // A flapping notice is itself a notice, suppressed only from outside (maintenance, a parent down).
  const published = [...(heldBy ? [] : notices), ...events].map((event, i) => ({
    ...event,
    eventId: `${check.id}@${at}#${state.version}.${i}`,
  }));
  if (heldBy) for (const notice of notices) suppressed.push({ event: notice, reason: heldBy.reason });
  const outbox = capOutbox([...prev.outbox, ...published]);
  return {
    next: { ...state, outbox: outbox.kept },
    events: published,
    suppressed,
    dropped: outbox.dropped,
    opened: opened && { id: opened.id, startedAt: opened.startedAt },
    closed: closed && { id: closed.id, startedAt: closed.startedAt },
  };
}

const severityRank = (severity: Severity) => SEVERITIES.indexOf(severity);
/** Whether what channels were told at `told` covers an alert at `severity`. */
const outranks = (told: Severity | undefined, severity: Severity) => severityRank(told ?? 'critical') >= severityRank(severity);
const higher = (a: Severity | undefined, b: Severity) => (outranks(a, b) ? (a ?? b) : b);

/** The check's open incident, with what older states did not keep filled in: those were all outages. */
function openIncidentOf(prev: CheckState, check: CheckBase): OpenIncident | null {
  if (!prev.incident) return null;
  return {
    openedBy: 'down',
    told: prev.notified === 'down',
    severity: check.severity,
    ...prev.incident,
  };
}

/** The most events an outbox keeps while publishing fails; a state item must stay small whatever happens. */
export const MAX_OUTBOX = 20;
/** What goes first when it is full: news that a later event makes stale, before any start or end. */
const DROP_FIRST: readonly AlertKind[] = ['reminder', 'flapping', 'degraded'];

function capOutbox(outbox: readonly AlertEvent[]): { kept: AlertEvent[]; dropped: AlertEvent[] } {
  const kept = [...outbox];
  const dropped: AlertEvent[] = [];
  while (kept.length > MAX_OUTBOX) {
    const stale = kept.findIndex((e) => DROP_FIRST.includes(e.kind) || (e.kind === 'recovered' && e.from === 'degraded'));
    dropped.push(...kept.splice(stale >= 0 ? stale : 0, 1));
  }
  return { kept, dropped };
}

interface BurnChange {
  /** "<objective index>/<alert name>", as `CheckState.burning` keeps it. */
  readonly key: string;
  readonly severity: Severity;
  readonly fields: NonNullable<AlertEvent['burn']>;
  readonly note: string;
  /** An alert an older version paged under its own key. */
  readonly separate: boolean;
  /** This result is one of the objective's bad runs. */
  readonly badNow: boolean;
}

/**
 * Each objective's history after this result, and which of its burn alerts (lambdas/core/objectives.ts)
 * start or stop with it.
 */
function burnChanges(prev: Burns & Pick<Telling, 'separateBurns'>, result: CheckResult, check: CheckBase, now: Date) {
  const current: BurnChange[] = [];
  const started: BurnChange[] = [];
  const stopped: BurnChange[] = [];
  const history = check.objectives.map((objective, index) => {
    const before =
      prev.burnHistory[index] ?? historyFromTimestamps(objective, check.intervalMs, prev.badRuns?.[index] ?? [], now);
    const after = recordRun(objective, check.intervalMs, before, result, now);
    const label = objectiveLabel(objective);
    // A run the objective does not count (a down one, for latency) says nothing of it: its alerts stay as they were.
    const judged = judgeRun(objective, result);
    const counted = judged !== null;
    for (const alert of BURN_ALERTS) {
      const key = `${index}/${alert.name}`;
      const measured = burning(objective, check.intervalMs, after, alert, now);
      const isBurning = counted ? measured.burning : prev.burning.includes(key);
      const rate = measured.rate;
      const longWindow = formatDuration(alertWindows(objective, check.intervalMs, alert).longMs);
      const shown = Math.round(rate * 10) / 10;
      const change = {
        key,
        severity: alert.severity,
        fields: { objective: index, window: alert.name, longWindow, label, rate: shown, threshold: alert.rate },
        separate: prev.separateBurns.includes(key),
        badNow: judged === false,
      };
      const burningNow = { ...change, note: `${label}: budget burning ${shown}× over ${longWindow} (alerts at ${alert.rate}×)` };
      if (isBurning) current.push(burningNow);
      if (isBurning === prev.burning.includes(key)) continue;
      if (isBurning) started.push(burningNow);
      else stopped.push({ ...change, note: `${label}: budget no longer burning ${alert.rate}× over ${longWindow}` });
    }
    return after;
  });
  const burningNow = current.map((b) => b.key);
  return {
    history,
    burning: burningNow,
    separate: prev.separateBurns.filter((key) => burningNow.includes(key)),
    current,
    started,
    stopped,
  };
}

interface Confirmation {
  readonly state: CheckState;
  /** This result confirmed an outage, or ended one. */
  readonly outageStarted: boolean;
  readonly outageEnded: boolean;
}

/** Counts streaks and moves the confirmed status once a streak reaches its threshold. */
function confirm(prev: CheckState, result: CheckResult, check: CheckBase): Confirmation {
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
  const none = { outageStarted: false, outageEnded: false };
  if (prev.confirmed === 'down') {
    if (counted.successes < check.successThreshold) return { state: counted, ...none };
    const to = result.status === 'degraded' ? 'degraded' : 'up';
    return { state: { ...counted, confirmed: to }, outageStarted: false, outageEnded: true };
  }
  if (counted.failures >= check.failureThreshold) {
    return { state: { ...counted, confirmed: 'down' }, outageStarted: true, outageEnded: false };
  }
  if (prev.confirmed !== 'degraded' && counted.degradedRuns >= check.degradedThreshold) {
    return { state: { ...counted, confirmed: 'degraded' }, ...none };
  }
  if (
    (prev.confirmed === 'degraded' && counted.upRuns >= check.successThreshold) ||
    (prev.confirmed === 'unknown' && result.status === 'up')
  ) {
    return { state: { ...counted, confirmed: 'up' }, ...none };
  }
  return { state: counted, ...none };
}

/** The event that tells channels about a move from what they know to what is confirmed, if any. */
function notificationFor(
  notified: ConfirmedStatus,
  confirmed: ConfirmedStatus,
  check: CheckBase,
  make: (kind: AlertKind, severity: Severity, fields?: Partial<AlertEvent>) => AlertEvent,
): AlertEvent | null {
  if (confirmed === notified || confirmed === 'unknown') return null;
  if (confirmed === 'down') return make('down', check.severity);
  if (notified === 'down') return make('recovered', check.severity, { from: 'down' });
  if (confirmed === 'degraded') return make('degraded', check.degradedSeverity);
  if (notified === 'degraded') return make('recovered', check.degradedSeverity, { from: 'degraded' });
  return null;
}

function isReminderDue(state: Streaks & Telling, check: CheckBase, now: Date): boolean {
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
function detectFlapping(prev: FlapWindow, next: Streaks, check: CheckBase): Flapping {
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
