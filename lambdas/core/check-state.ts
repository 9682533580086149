/**
 * What Vigil keeps per check between results, by concern. The store keeps it as one item, written
 * conditionally on `version`, so a transition happens once (docs/architecture.md, "One outage, one
 * page: the incident"); `decide` (alert-state.ts) moves it on with each result, the dispatcher
 * (pipeline/dispatch.ts) empties its outbox. A function that reads one concern takes only that part.
 */
import type { Hold } from './maintenance.js';
import type { BurnHistory } from './objectives.js';
import type { AlertEvent, CheckResult, Severity } from './types.js';

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

/**
 * The check's open incident as its state keeps it: the unit of paging (docs/architecture.md, "One
 * outage, one page: the incident"). Fields an older state lacks are filled in by `openIncidentOf` in alert-state.ts.
 */
export interface OpenIncident extends Incident {
  /** What opened it: `down`, or the burn alert ("<objective index>/<alert>") that did. */
  readonly openedBy?: string;
  /** Whether its opening alert went out: only then does its end. */
  readonly told?: boolean;
  /** The highest severity channels were told of it at: a later alert above it still pages. */
  readonly severity?: Severity;
}

/** Which check, which write, which results were already decided on. */
export interface Ledger {
  readonly checkId: string;
  /** Bumped by one on every write; writes are conditional on it, so a transition happens once. */
  readonly version: number;
  /** `startedAt` of the last results decided on, newest last: a result among them arrived twice. */
  readonly seenResults: readonly string[];
  readonly lastResultAt: string | null;
  /** Heartbeat checks: the newest judgement decided on, as reports recorded since the check's first look. */
  readonly heartbeat: { readonly since: string; readonly reports: number } | null;
}

/** Results counted into streaks, and the status the streaks confirmed: quiet on blips. */
export interface Streaks {
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
}

/** What channels were told, what holds them back, and what waits to be told. */
export interface Telling {
  /** What channels were last told; differs from `confirmed` while notifications are suppressed. */
  readonly notified: ConfirmedStatus;
  /** When channels were last told the check is down (for reminders). */
  readonly lastNotifiedAt: string | null;
  /** The open incident: from the first alert of an outage or a burn to its end. */
  readonly incident: OpenIncident | null;
  /** What held the check's alerts back from outside at its last result, if anything. */
  readonly held: Hold['kind'] | null;
  /** Events decided but not yet confirmed published; retried by the next cycle. */
  readonly outbox: readonly AlertEvent[];
  /** The cycle publishing the outbox, if any: no other cycle publishes from it until `until`. */
  readonly publishing: { readonly by: string; readonly until: string } | null;
  /** Whether channels were told about the current flapping (only once it held an alert back). */
  readonly flapNoticeSent: boolean;
  /** Burn alerts an older version paged under a key of their own, still burning: they end under that key. */
  readonly separateBurns: readonly string[];
}

/** The flapping window: recent results and whether they flap. */
export interface FlapWindow {
  /** Recent results, oldest first, one letter each (u up, d degraded, x down). */
  readonly recent: string;
  readonly flapping: boolean;
}

/** The check's objectives: bad runs per burn window and the burn alerts they fire. */
export interface Burns {
  /** Per objective (in the check's order), its bad runs counted per burn window. */
  readonly burnHistory: readonly BurnHistory[];
  /** Written by older versions (bad runs' timestamps); read once into `burnHistory`, then dropped. */
  readonly badRuns?: readonly (readonly number[])[];
  /** The burn alerts firing, as "<objective index>/<alert name>". */
  readonly burning: readonly string[];
}

export interface CheckState extends Ledger, Streaks, Telling, FlapWindow, Burns {}

export function initialState(checkId: string): CheckState {
  return {
    checkId,
    version: 0,
    seenResults: [],
    lastResultAt: null,
    heartbeat: null,
    confirmed: 'unknown',
    failures: 0,
    successes: 0,
    degradedRuns: 0,
    upRuns: 0,
    firstFailure: null,
    notified: 'unknown',
    lastNotifiedAt: null,
    incident: null,
    held: null,
    outbox: [],
    publishing: null,
    flapNoticeSent: false,
    separateBurns: [],
    recent: '',
    flapping: false,
    burnHistory: [],
    burning: [],
  };
}

export function reportedStatus(state: Pick<CheckState, 'confirmed' | 'failures' | 'held'>): ReportedStatus {
  if (state.held === 'maintenance' || state.held === 'silence') return 'maintenance';
  if (state.confirmed !== 'down' && state.failures > 0) return 'pending';
  return state.confirmed;
}
