/**
 * The one way in for every result (docs/architecture.md): probed, pushed, or from another location.
 * record → combine (several locations' results into one judged per window, ./combine.ts) → confirm and
 * decide → state and outbox in one conditional write → incidents → ask the dispatcher to send. Idempotent
 * per result: a result already decided on (its `startedAt`, and its location when several are combined,
 * among the state's last ones) is stored again at the same key and changes nothing else. Order is not used to
 * judge that, so a wall clock stepped back does not freeze decisions; a heartbeat's judgement carries
 * how many reports it saw, and one older than a report already decided on is stale.
 */
import { type AlertContext, changesNothing, type Decision, decide, outdatedJudgement } from '../alert-state.js';
import { type CheckState, initialState, type ReportedStatus, reportedStatus } from '../check-state.js';
import { suppressionFor } from '../maintenance.js';
import type { CheckSnapshot, DispatchQueue, Log, ResultStore } from '../ports.js';
import type { CheckBase, MaintenanceWindow } from '../schema-parts.js';
import type { AlertEvent, CheckResult } from '../types.js';
import { arrivalId, combine, type LocationNews } from './combine.js';
import { guarded, noteOnIncident } from './outbox.js';

export interface IngestDeps {
  readonly store: ResultStore;
  readonly log: Log;
  readonly alertContext: AlertContext;
  /** Where a state with something to send is announced. */
  readonly dispatch: DispatchQueue;
  /** From the config: when alerts are held. @default none */
  readonly maintenance?: readonly MaintenanceWindow[];
}

export interface HeldAlert {
  readonly event: AlertEvent;
  readonly reason: string;
}

export interface IngestOutcome {
  readonly checkId: string;
  /**
   * What the decision did: `stale` for a result seen before, `superseded` when writers kept winning over it,
   * `waiting` for a location's result taken in while its window waits for the other locations.
   */
  readonly outcome: 'decided' | 'stale' | 'superseded' | 'waiting';
  /** Alerts held back (maintenance, silence, a parent down, flapping), with why. */
  readonly held: readonly HeldAlert[];
  /** Set when what a person sees changed (pending and maintenance included). */
  readonly change?: { readonly from: ReportedStatus; readonly to: ReportedStatus };
  /** Locations that stopped counting for the check, or count again (Vigil's own trouble, never the target's). */
  readonly locations?: readonly LocationNews[];
  /**
   * Windows judged from several locations' results: what the check was, which metrics and people are told
   * (each location's own result is stored beside it, for its own uptime and latency).
   */
  readonly judged?: readonly CheckResult[];
}

/** Stores the result where reports and incidents read it; safe to repeat (same key). */
export async function record(result: CheckResult, store: ResultStore): Promise<void> {
  await store.putResult(result);
}

/** Records and decides: what a pushed result or a single probe goes through. */
export async function ingest(check: CheckBase, result: CheckResult, deps: IngestDeps, now: Date): Promise<IngestOutcome> {
  await record(result, deps.store);
  return decideOn(check, result, deps, now);
}

/**
 * The decision half of ingest, for a result already recorded (the probe batch records first, then waits
 * for parents). `known` is the check's state and silence as read ahead for a whole cycle: used for the
 * first attempt only, since a conditional write that loses is decided again on what won.
 */
export async function decideOn(
  check: CheckBase,
  result: CheckResult,
  deps: IngestDeps,
  now: Date,
  known?: CheckSnapshot,
): Promise<IngestOutcome> {
  // The state item is also written by the dispatcher (claims) and by concurrent producers: a write that
  // loses is decided again on what won, so no result is dropped and none is counted twice.
  for (let attempt = 1; ; attempt++) {
    const ahead = attempt === 1 ? known : undefined;
    const prev = ahead ? withDefaults(check.id, ahead.state) : await readState(check.id, deps.store);
    if (prev.seenResults.includes(arrivalId(check, result)) || outdatedJudgement(prev, result)) {
      return { checkId: check.id, outcome: 'stale', held: [] };
    }
    const combined = combine(prev, result, check, now);
    const news = combined.news.length > 0 ? { locations: combined.news } : {};
    if (!combined.judged) {
      if (await deps.store.putState({ ...combined.state, version: prev.version + 1 })) {
        tellLocations(combined.news, deps);
        return { checkId: check.id, outcome: 'waiting', held: [], ...news };
      }
    } else {
      const judged = combined.judged;
      const held = await holds(check, deps, now, ahead);
      const decision = decide(combined.state, judged, check, deps.alertContext, now, held.hold);
      // A steady check's state is not written again: most results of a healthy fleet cost one write, not two.
      if (changesNothing(prev, decision) || (await deps.store.putState(decision.next))) {
        tellLocations(combined.news, deps);
        // Several locations' window, judged: stored beside what each saw, for reports and objectives.
        if (judged !== result)
          await guarded(deps.log, 'combined result not stored', check.id, () => deps.store.putResult(judged));
        return {
          ...(await afterDecision(check, judged, prev, decision, held, deps, now)),
          ...news,
          ...(judged === result ? {} : { judged: [judged] }),
        };
      }
    }
    if (attempt >= DECIDE_ATTEMPTS) {
      deps.log.error('state not updated: it kept changing under this result', { checkId: check.id, attempts: attempt });
      return { checkId: check.id, outcome: 'superseded', held: [] };
    }
  }
}

const DECIDE_ATTEMPTS = 5;

/** A location that stopped counting is Vigil's trouble: logged for the operator (in AWS its own alarm pages, lib/). */
function tellLocations(news: readonly LocationNews[], deps: IngestDeps): void {
  for (const n of news) {
    if (n.available) deps.log.info('location available again', { checkId: n.checkId, location: n.location });
    else deps.log.warn('location unavailable', { checkId: n.checkId, location: n.location, reason: n.reason });
  }
}

/** Records what a decision that won its write opened, closed and held, and tells the dispatcher. */
async function afterDecision(
  check: CheckBase,
  result: CheckResult,
  prev: CheckState,
  decision: Decision,
  held: Awaited<ReturnType<typeof holds>>,
  deps: IngestDeps,
  now: Date,
): Promise<IngestOutcome> {
  const next = decision.next;
  const change = { from: reportedStatus(prev), to: reportedStatus(next) };
  if (change.from !== change.to) deps.log.info('check state changed', { checkId: check.id, ...change });
  if (decision.opened) {
    await deps.store.openIncident({
      ...decision.opened,
      checkId: check.id,
      endedAt: null,
      durationMs: null,
      // An incident a burn opened has no failing run to blame: its burn alert, noted on it, says why.
      cause: next.firstFailure?.error ?? result.error,
      firstFailure: next.firstFailure,
      notifications: [],
    });
  }
  if (decision.closed) await deps.store.closeIncident(check.id, decision.closed, result.startedAt);
  for (const { event, reason } of decision.suppressed) {
    deps.log.info('alert held', { checkId: check.id, kind: event.kind, reason });
    const entry = { kind: event.kind, at: event.at, heldBy: reason };
    await noteOnIncident(event, entry, deps);
    // Folded into the outage of each parent that is down: the incident that paged lists what else it took down.
    for (const parent of held.parentIncidents) {
      await guarded(deps.log, 'incident not updated', parent.checkId, () =>
        deps.store.recordNotification(parent.checkId, parent.startedAt, { ...entry, checkId: check.id }),
      );
    }
  }
  for (const event of decision.dropped) {
    deps.log.error('alert dropped: the outbox is full while publishing fails', { checkId: check.id, kind: event.kind });
    await noteOnIncident(event, { kind: event.kind, at: event.at, heldBy: 'outbox full: publishing kept failing' }, deps);
  }
  // Leftovers of a failed send are announced again with every result until they go out.
  if (next.outbox.length > 0) {
    await guarded(deps.log, 'dispatcher not told', check.id, () => deps.dispatch.request([check.id], now));
  }
  return {
    checkId: check.id,
    outcome: 'decided',
    held: decision.suppressed,
    ...(change.from !== change.to ? { change } : {}),
  };
}

/** The stored state over the initial one, so a state stored by an older version gains the newer fields. */
export async function readState(checkId: string, store: ResultStore): Promise<CheckState> {
  return withDefaults(checkId, await store.getState(checkId));
}

/** The stored state over the initial one; burns an older version was paging under keys of their own stay on them. */
const withDefaults = (checkId: string, stored: CheckState | null): CheckState => ({
  ...initialState(checkId),
  ...stored,
  separateBurns: stored?.separateBurns ?? stored?.burning ?? [],
});

/** Why the check's alerts are held now (or null), and the open incidents of its parents that are down. */
async function holds(check: CheckBase, deps: IngestDeps, now: Date, known: CheckSnapshot | undefined) {
  const [silence, parents] = await Promise.all([
    // A silence read at the cycle's start may have ended since.
    known
      ? known.silence && Date.parse(known.silence.until) > now.getTime()
        ? known.silence
        : null
      : deps.store.activeSilence(check.id, now),
    Promise.all(check.dependsOn.map(async (id) => ({ id, state: await deps.store.getState(id) }))),
  ]);
  const down = parents.filter((p) => p.state?.confirmed === 'down');
  return {
    hold: suppressionFor(check, now, { windows: deps.maintenance ?? [], silence, downParents: down.map((p) => p.id) }),
    parentIncidents: down.flatMap((p) => (p.state?.incident ? [{ checkId: p.id, startedAt: p.state.incident.startedAt }] : [])),
  };
}
