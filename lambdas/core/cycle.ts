/**
 * One cycle, shared by the probe Lambda and the local runner:
 * probe (bounded concurrency) → record results + metrics → decide transitions → publish events.
 * A failure that concerns one check is logged and recorded, never thrown: the batch goes on.
 */
import { randomUUID } from 'node:crypto';
import { type AlertContext, type CheckState, decide, initialState, reportedStatus } from './alert-state.js';
import { mapLimit } from './concurrency.js';
import type { Check, MaintenanceWindow } from './config.js';
import { dependencyLevels, suppressionFor } from './maintenance.js';
import type { AlertPublisher, Log, MetricsSink, NotificationEntry, ResultStore } from './ports.js';
import type { AlertEvent, CheckResult } from './types.js';

export interface CycleDeps {
  readonly store: ResultStore;
  readonly metrics: MetricsSink;
  readonly publisher: AlertPublisher;
  readonly runCheck: (check: Check) => Promise<CheckResult>;
  readonly log: Log;
  readonly alertContext: AlertContext;
  /** Probes in flight at once. @default 50 */
  readonly concurrency?: number;
  /** From the config: when alerts are held. @default none */
  readonly maintenance?: readonly MaintenanceWindow[];
}

export interface CycleReport {
  readonly cycleId: string;
  readonly results: readonly CheckResult[];
  /** Events published during this cycle (including ones retried from an earlier cycle's outbox). */
  readonly published: readonly AlertEvent[];
  /** Check ids whose state write lost to a concurrent cycle: that cycle owns the transition. */
  readonly superseded: readonly string[];
  /** Alerts held back (maintenance, a parent down, flapping), with why. */
  readonly held: readonly { readonly event: AlertEvent; readonly reason: string }[];
}

export async function runCycle(checks: readonly Check[], deps: CycleDeps, now: Date, cycleId: string): Promise<CycleReport> {
  const results = await mapLimit(checks, deps.concurrency ?? 50, deps.runCheck);
  await Promise.all([
    ...results.map((result) => guarded(deps.log, 'result not stored', result.checkId, () => deps.store.putResult(result))),
    guarded(deps.log, 'metrics not sent', undefined, () => deps.metrics.put(results)),
  ]);
  // Parents before children, so a child sees its parent's state from this same cycle.
  const resultOf = new Map(results.map((r) => [r.checkId, r]));
  const outcomeOf = new Map<string, Awaited<ReturnType<typeof advance>> | undefined>();
  for (const level of dependencyLevels(checks)) {
    await Promise.all(
      level.map(async (check) => {
        const result = resultOf.get(check.id) as CheckResult;
        outcomeOf.set(check.id, await guarded(deps.log, 'state not updated', check.id, () => advance(check, result, deps, now)));
      }),
    );
  }
  const outcomes = checks.map((check) => outcomeOf.get(check.id));
  const grouped = await guarded(deps.log, 'group not flushed', undefined, () => flushGroups(checks, deps, now));
  const published = [...outcomes.flatMap((o) => o?.published ?? []), ...(grouped ?? [])];
  const superseded = outcomes.flatMap((o, i) => (o?.superseded ? [checks[i]?.id ?? ''] : []));
  const held = outcomes.flatMap((o) => o?.held ?? []);
  for (const result of results) {
    deps.log.info('check result', {
      cycleId,
      checkId: result.checkId,
      status: result.status,
      error: result.error,
      timings: result.timings,
    });
  }
  return { cycleId, results, published, superseded, held };
}

async function advance(check: Check, result: CheckResult, deps: CycleDeps, now: Date) {
  const prev = await readState(check.id, deps);
  const held = await holds(check, deps, now);
  const decision = decide(prev, result, check, deps.alertContext, now, held.hold);
  const claim = randomUUID();
  const next = claimOutbox(decision.next, check, now, claim);
  if (!(await deps.store.putState(next))) {
    deps.log.warn('state changed by a concurrent cycle; leaving this transition to it', { checkId: check.id });
    return { published: [], superseded: true, held: [] };
  }
  if (reportedStatus(next) !== reportedStatus(prev)) {
    deps.log.info('check state changed', { checkId: check.id, from: reportedStatus(prev), to: reportedStatus(next) });
  }
  if (decision.opened) {
    await deps.store.openIncident({
      ...decision.opened,
      checkId: check.id,
      endedAt: null,
      durationMs: null,
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
  return { published: await publishClaimed(next, check, claim, deps), superseded: false, held: decision.suppressed };
}

/** A down of a grouped check waits in its outbox for the group's window; flushGroups sends it. */
function waitsForGroup(event: AlertEvent, check: Check): boolean {
  return check.group !== null && check.groupWaitMs > 0 && event.kind === 'down' && !event.group;
}

/**
 * For each group whose first waiting outage is `groupWait` old: one notification for all the
 * group's checks whose outbox starts with a waiting down. It replaces the first member's down (a
 * conditional write, so of two concurrent cycles one sends it) and the others' downs are dropped.
 */
async function flushGroups(checks: readonly Check[], deps: CycleDeps, now: Date): Promise<AlertEvent[]> {
  const claim = randomUUID();
  const groups = new Map<string, Check[]>();
  for (const check of checks) {
    if (check.group !== null && check.groupWaitMs > 0) groups.set(check.group, [...(groups.get(check.group) ?? []), check]);
  }
  const sent: AlertEvent[] = [];
  for (const [name, members] of groups) {
    const states = await Promise.all(members.map(async (check) => ({ check, state: await readState(check.id, deps) })));
    const waiting = states.flatMap(({ check, state }) => {
      const head = state.outbox[0];
      return head && waitsForGroup(head, check) ? [{ check, state, down: head }] : [];
    });
    const first = waiting.sort((a, b) => a.down.at.localeCompare(b.down.at))[0];
    if (!first || Date.parse(first.down.at) + first.check.groupWaitMs > now.getTime()) continue;
    const group = {
      name,
      members: waiting.map(({ check, down }) => ({
        checkId: check.id,
        checkName: check.name,
        dedupKey: down.dedupKey,
        incidentId: down.incidentId,
        incidentStartedAt: down.incidentStartedAt,
        message: down.result?.error?.message ?? null,
      })),
    };
    const grouped = claimOutbox(
      { ...first.state, outbox: [{ ...first.down, group }, ...first.state.outbox.slice(1)], version: first.state.version + 1 },
      first.check,
      now,
      claim,
    );
    if (!(await deps.store.putState(grouped))) continue;
    // The grouped event is safe in the first member's outbox; the others' downs can go before it is sent.
    const cleared = await Promise.all(
      waiting
        .filter((member) => member !== first)
        .map(async (w) => {
          const state = claimOutbox(
            { ...w.state, outbox: w.state.outbox.slice(1), version: w.state.version + 1 },
            w.check,
            now,
            claim,
          );
          // A member whose state moved on under us keeps its down; a later flush includes it.
          return (await deps.store.putState(state)) ? { check: w.check, state } : null;
        }),
    );
    sent.push(...(await publishClaimed(grouped, first.check, claim, deps)));
    for (const member of cleared) if (member) sent.push(...(await publishClaimed(member.state, member.check, claim, deps)));
  }
  return sent;
}

/** The stored state over the initial one, so a state stored by an older version gains the newer fields. */
async function readState(checkId: string, deps: CycleDeps): Promise<CheckState> {
  return { ...initialState(checkId), ...(await deps.store.getState(checkId)) };
}

/** Why the check's alerts are held now (or null), and the open incidents of its parents that are down. */
async function holds(check: Check, deps: CycleDeps, now: Date) {
  const [silence, parents] = await Promise.all([
    deps.store.activeSilence(check.id, now),
    Promise.all(check.dependsOn.map(async (id) => ({ id, state: await deps.store.getState(id) }))),
  ]);
  const down = parents.filter((p) => p.state?.confirmed === 'down');
  return {
    hold: suppressionFor(check, now, { windows: deps.maintenance ?? [], silence, downParents: down.map((p) => p.id) }),
    parentIncidents: down.flatMap((p) => (p.state?.incident ? [{ checkId: p.id, startedAt: p.state.incident.startedAt }] : [])),
  };
}

/** Adds an entry to the incident an event belongs to (each member's, for a grouped one); a failure here loses no alert. */
async function noteOnIncident(event: AlertEvent, entry: NotificationEntry, deps: CycleDeps): Promise<void> {
  const members = event.group?.members ?? [event];
  const noted = event.group ? { ...entry, group: event.group.name } : entry;
  for (const { checkId, incidentStartedAt } of members) {
    if (!incidentStartedAt) continue;
    await guarded(deps.log, 'incident not updated', checkId, () =>
      deps.store.recordNotification(checkId, incidentStartedAt, noted),
    );
  }
}

/**
 * How long a cycle's claim on an outbox holds. Publishing takes seconds; a claim still there after
 * this belongs to an invocation that died, and the next cycle sends its events again.
 */
const PUBLISH_CLAIM_MS = 2 * 60_000;

/**
 * Claims the outbox for the cycle writing `state`, when it has something to publish now and no other
 * cycle's claim is in force. The claim goes in the same conditional write as the state, so of two
 * cycles reading one state only one publishes, and a cycle that reads the state while its events are
 * being published leaves them alone: each transition is published once.
 */
function claimOutbox(state: CheckState, check: Check, now: Date, claim: string): CheckState {
  const head = state.outbox[0];
  const claimedElsewhere = state.publishing !== null && Date.parse(state.publishing.until) > now.getTime();
  if (!head || waitsForGroup(head, check) || claimedElsewhere) return state;
  return { ...state, publishing: { by: claim, until: new Date(now.getTime() + PUBLISH_CLAIM_MS).toISOString() } };
}

/**
 * Publishes in order, when `state` (as written) holds this cycle's claim, and stops at the first failure
 * or a down waiting for its group; the rest waits for a later cycle. Then takes the sent events out of the
 * outbox and gives up the claim.
 */
async function publishClaimed(state: CheckState, check: Check, claim: string, deps: CycleDeps): Promise<AlertEvent[]> {
  if (state.publishing?.by !== claim) return [];
  const sent: AlertEvent[] = [];
  for (const event of state.outbox) {
    if (waitsForGroup(event, check)) break;
    try {
      await deps.publisher.publish(event);
      sent.push(event);
      await noteOnIncident(event, { kind: event.kind, at: event.at }, deps);
      deps.log.info('alert published', { checkId: event.checkId, kind: event.kind, incidentId: event.incidentId });
    } catch (error) {
      deps.log.error('alert not published; will retry next cycle', {
        checkId: event.checkId,
        kind: event.kind,
        error: String(error),
      });
      break;
    }
  }
  await guarded(deps.log, 'outbox not cleared', state.checkId, () => releaseClaim(state, sent, claim, deps));
  return sent;
}

const RELEASE_ATTEMPTS = 5;

/**
 * Removes `sent` from the outbox and drops this cycle's claim, over whatever other cycles wrote in the
 * meantime (they may have added events, never removed claimed ones). Should every attempt lose, the
 * claim lapses and the events go out again: at least once rather than lost.
 */
async function releaseClaim(written: CheckState, sent: readonly AlertEvent[], claim: string, deps: CycleDeps): Promise<void> {
  const isSent = (event: AlertEvent) => sent.some((s) => s.kind === event.kind && s.at === event.at);
  let state = written;
  for (let attempt = 0; attempt < RELEASE_ATTEMPTS; attempt++) {
    const released: CheckState = {
      ...state,
      outbox: state.outbox.filter((event) => !isSent(event)),
      publishing: state.publishing?.by === claim ? null : state.publishing,
      version: state.version + 1,
    };
    if (await deps.store.putState(released)) return;
    state = await readState(written.checkId, deps);
  }
  deps.log.warn('outbox not cleared after publishing; its events go out again when the claim lapses', {
    checkId: written.checkId,
  });
}

async function guarded<T>(log: Log, what: string, checkId: string | undefined, task: () => Promise<T>): Promise<T | undefined> {
  try {
    return await task();
  } catch (error) {
    log.error(what, { checkId, error: String(error), stack: (error as Error)?.stack });
    return undefined;
  }
}
