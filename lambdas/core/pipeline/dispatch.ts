/**
 * The dispatcher (docs/architecture.md): owns what happens to an outbox after ingest filled it.
 * It sends grouped outages as one notification once the group's window has closed (to the second,
 * whatever the checks' interval), publishes the rest in order, and says when it wants to look again:
 * at a group's deadline, when another dispatcher's claim lapses, or after a failed publish. Each
 * transition is published once: the outbox is claimed by a conditional write before publishing.
 */
import { randomUUID } from 'node:crypto';
import type { CheckState } from '../check-state.js';
import { mapLimit } from '../concurrency.js';
import { dependencyLevels } from '../maintenance.js';
import type { AlertPublisher, Log, ResultStore } from '../ports.js';
import type { CheckBase } from '../schema-parts.js';
import { type AlertEvent, eventIdOf } from '../types.js';
import { readState } from './ingest.js';
import { claimedElsewhere, guarded, noteOnIncident, waitsForGroup } from './outbox.js';

export interface DispatchDeps {
  readonly store: ResultStore;
  readonly publisher: AlertPublisher;
  readonly log: Log;
  /** Every configured check: groups are flushed as a whole, whichever member asked. */
  readonly checks: readonly CheckBase[];
  /** Wait before an event that failed to publish is tried again. @default 30 s */
  readonly retryAfterMs?: number;
}

/** A check the dispatcher wants to look at again, and when. */
export interface Revisit {
  readonly checkId: string;
  readonly at: Date;
}

export interface DispatchReport {
  readonly published: readonly AlertEvent[];
  readonly revisit: readonly Revisit[];
}

/**
 * How long a claim on an outbox holds. Publishing takes seconds; a claim still there after this
 * belongs to a dispatcher that died, and the next one sends its events again (at least once).
 */
const PUBLISH_CLAIM_MS = 2 * 60_000;
const DEFAULT_RETRY_AFTER_MS = 30_000;
const CLAIM_ATTEMPTS = 3;
const SENDS_AT_ONCE = 20;
const RELEASE_ATTEMPTS = 5;

export async function dispatch(checkIds: readonly string[], deps: DispatchDeps, now: Date): Promise<DispatchReport> {
  const wanted = new Set(checkIds);
  const named = deps.checks.filter((c) => wanted.has(c.id));
  const groupNames = new Set(named.flatMap((c) => (c.group !== null && c.groupWaitMs > 0 ? [c.group] : [])));
  const members = deps.checks.filter((c) => c.group !== null && groupNames.has(c.group));
  const targets = [...new Set([...named, ...members])];
  const groupMembers = (group: string) => members.filter((c) => c.group === group);
  const retryAt = new Date(now.getTime() + (deps.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
  const revisit: Revisit[] = [];
  const published: AlertEvent[] = [];
  for (const group of groupNames) {
    const due = await guarded(deps.log, 'group not flushed', undefined, () => flushGroup(group, groupMembers(group), deps, now));
    // A store that failed mid-flush: the group's members are looked at again, or its deadline would be lost.
    revisit.push(...(due ?? groupMembers(group).map((c) => ({ checkId: c.id, at: retryAt }))));
  }
  // Parents before children: a parent's recovery goes out before the outage of a child it no longer holds.
  for (const level of dependencyLevels(targets)) {
    const sent = await mapLimit(level, SENDS_AT_ONCE, (check) =>
      guarded(deps.log, 'outbox not sent', check.id, () => sendOutbox(check, deps, now)),
    );
    sent.forEach((outcome, i) => {
      // The store failed while sending: what is in the outbox stays there, and is looked at again.
      if (!outcome) revisit.push({ checkId: (level[i] as CheckBase).id, at: retryAt });
      else {
        published.push(...outcome.published);
        if (outcome.revisit) revisit.push(outcome.revisit);
      }
    });
  }
  return { published, revisit };
}

/**
 * When the group's first waiting outage is `groupWait` old: one notification for every member whose
 * outbox starts with a waiting down. It replaces the first member's down (a conditional write, so of two
 * dispatchers one does it) and the others' downs are dropped. Before then: when to come back.
 */
async function flushGroup(name: string, members: readonly CheckBase[], deps: DispatchDeps, now: Date): Promise<Revisit[]> {
  const states = await Promise.all(members.map(async (check) => ({ check, state: await readState(check.id, deps.store) })));
  const waiting = states.flatMap(({ check, state }) => {
    const head = state.outbox[0];
    return head && waitsForGroup(head, check) ? [{ check, state, down: head }] : [];
  });
  const first = waiting.sort((a, b) => a.down.at.localeCompare(b.down.at))[0];
  if (!first) return [];
  const deadline = Date.parse(first.down.at) + first.check.groupWaitMs;
  if (deadline > now.getTime()) return [{ checkId: first.check.id, at: new Date(deadline) }];
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
  const grouped: CheckState = {
    ...first.state,
    outbox: [{ ...first.down, group }, ...first.state.outbox.slice(1)],
    version: first.state.version + 1,
  };
  if (!(await deps.store.putState(grouped))) return [{ checkId: first.check.id, at: now }];
  // The grouped event is safe in the first member's outbox; the others' downs can go.
  for (const member of waiting) {
    if (member === first) continue;
    const cleared = { ...member.state, outbox: member.state.outbox.slice(1), version: member.state.version + 1 };
    // A member whose state moved on under us keeps its down; a later flush includes it.
    if (!(await deps.store.putState(cleared))) deps.log.warn('group member changed while flushing', { checkId: member.check.id });
  }
  return [];
}

interface Sent {
  readonly published: readonly AlertEvent[];
  readonly revisit: Revisit | null;
}

/** Claims the check's outbox, publishes it in order up to the first failure or waiting down, and releases it. */
async function sendOutbox(check: CheckBase, deps: DispatchDeps, now: Date): Promise<Sent> {
  const by = randomUUID();
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const state = await readState(check.id, deps.store);
    const head = state.outbox[0];
    if (!head || waitsForGroup(head, check)) return { published: [], revisit: null };
    if (claimedElsewhere(state, now)) {
      return { published: [], revisit: { checkId: check.id, at: new Date(Date.parse(state.publishing?.until ?? '')) } };
    }
    const claimed: CheckState = {
      ...state,
      publishing: { by, until: new Date(now.getTime() + PUBLISH_CLAIM_MS).toISOString() },
      version: state.version + 1,
    };
    if (await deps.store.putState(claimed)) return publishClaimed(claimed, check, by, deps, now);
  }
  // Ingest kept writing under us; the next look (or the next result) sends it.
  return { published: [], revisit: { checkId: check.id, at: now } };
}

async function publishClaimed(state: CheckState, check: CheckBase, by: string, deps: DispatchDeps, now: Date): Promise<Sent> {
  const sent: AlertEvent[] = [];
  let failed = false;
  for (const event of state.outbox) {
    if (waitsForGroup(event, check)) break;
    try {
      await deps.publisher.publish(event);
    } catch (error) {
      deps.log.error('alert not published; will retry', { checkId: event.checkId, kind: event.kind, error: String(error) });
      failed = true;
      break;
    }
    sent.push(event);
    await noteOnIncident(event, { kind: event.kind, at: event.at }, deps);
    deps.log.info('alert published', { checkId: event.checkId, kind: event.kind, incidentId: event.incidentId });
  }
  await guarded(deps.log, 'outbox not cleared', state.checkId, () => releaseClaim(state, sent, by, deps.store, deps.log));
  const retryAt = new Date(now.getTime() + (deps.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
  return { published: sent, revisit: failed ? { checkId: check.id, at: retryAt } : null };
}

/**
 * Removes `sent` from the outbox and drops this claim, over whatever ingest wrote in the meantime (it
 * may add events, never removes claimed ones). Should every attempt lose, the claim lapses and the
 * events go out again: at least once rather than lost.
 */
async function releaseClaim(
  written: CheckState,
  sent: readonly AlertEvent[],
  by: string,
  store: ResultStore,
  log: Log,
): Promise<void> {
  const sentIds = new Set(sent.map(eventIdOf));
  const isSent = (event: AlertEvent) => sentIds.has(eventIdOf(event));
  let state = written;
  for (let attempt = 0; attempt < RELEASE_ATTEMPTS; attempt++) {
    const released: CheckState = {
      ...state,
      outbox: state.outbox.filter((event) => !isSent(event)),
      publishing: state.publishing?.by === by ? null : state.publishing,
      version: state.version + 1,
    };
    if (await store.putState(released)) return;
    state = await readState(written.checkId, store);
  }
  log.warn('outbox not cleared after publishing; its events go out again when the claim lapses', {
    checkId: written.checkId,
  });
}
