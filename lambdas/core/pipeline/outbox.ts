/**
 * The outbox of a check's state: events decided but not yet sent. Ingest appends to it in the same
 * conditional write as the decision; the dispatcher claims it, publishes, then removes what it sent.
 */
import type { Telling } from '../check-state.js';
import type { Log, NotificationEntry, ResultStore } from '../ports.js';
import type { CheckBase } from '../schema-parts.js';
import type { AlertEvent } from '../types.js';

/** A down of a grouped check waits in its outbox for the group's window; the dispatcher sends it as one. */
export function waitsForGroup(event: AlertEvent, check: CheckBase): boolean {
  return check.group !== null && check.groupWaitMs > 0 && event.kind === 'down' && !event.group;
}

/** Adds an entry to the incident an event belongs to (each member's, for a grouped one); a failure here loses no alert. */
export async function noteOnIncident(
  event: AlertEvent,
  entry: NotificationEntry,
  deps: { readonly store: ResultStore; readonly log: Log },
): Promise<void> {
  const members = event.group?.members ?? [event];
  const noted = event.group ? { ...entry, group: event.group.name } : entry;
  for (const { checkId, incidentStartedAt } of members) {
    if (!incidentStartedAt) continue;
    await guarded(deps.log, 'incident not updated', checkId, () =>
      deps.store.recordNotification(checkId, incidentStartedAt, noted),
    );
  }
}

/** Runs `task`; a failure is logged with what did not happen and becomes undefined, so the batch goes on. */
export async function guarded<T>(
  log: Log,
  what: string,
  checkId: string | undefined,
  task: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await task();
  } catch (error) {
    log.error(what, { checkId, error: String(error), stack: (error as Error)?.stack });
    return undefined;
  }
}

/** Whether another dispatcher's claim on the outbox is still in force at `now`. */
export function claimedElsewhere(state: Telling, now: Date): boolean {
  return state.publishing !== null && Date.parse(state.publishing.until) > now.getTime();
}
