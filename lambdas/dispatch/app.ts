/**
 * The dispatcher Lambda's one job: each message on the dispatch queue names checks whose outbox has
 * something to send (from ingest) or that the dispatcher booked a look at (a group's deadline, a
 * retry). It dispatches them all at once and books the next looks as delayed messages.
 */
import type { SQSEvent } from 'aws-lambda';
import type { DispatchMessage } from '../adapters/sqs.js';
import type { Config } from '../config/parse.js';
import { type DispatchReport, dispatch } from '../core/pipeline/dispatch.js';
import type { AlertPublisher, DispatchQueue, Log, ResultStore } from '../core/ports.js';

export interface DispatcherAppDeps {
  readonly config: Config;
  readonly store: ResultStore;
  readonly publisher: AlertPublisher;
  readonly queue: DispatchQueue;
  readonly log: Log;
  readonly now: () => Date;
}

export function createDispatcherApp(deps: DispatcherAppDeps) {
  const dispatchDeps = { ...deps, checks: deps.config.checks };
  return async (event: SQSEvent): Promise<DispatchReport> => {
    const checkIds = new Set<string>();
    for (const record of event.Records) {
      for (const id of readMessage(record.body, deps.log)) checkIds.add(id);
    }
    const now = deps.now();
    const report = await dispatch([...checkIds], dispatchDeps, now);
    // One message per moment: revisits due together travel together.
    const byTime = new Map<number, string[]>();
    for (const { checkId, at } of report.revisit) byTime.set(at.getTime(), [...(byTime.get(at.getTime()) ?? []), checkId]);
    // A booking that fails throws, so SQS delivers these messages again rather than forgetting a group's deadline.
    for (const [at, ids] of byTime) await deps.queue.request(ids, new Date(at));
    return report;
  };
}

/** The check ids a message names; anything else is logged and skipped (it cannot be dispatched). */
function readMessage(body: string, log: Log): readonly string[] {
  try {
    const ids = (JSON.parse(body) as Partial<DispatchMessage>).checkIds;
    if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) return ids;
  } catch {
    // falls through to the warning
  }
  log.warn('dispatch message not understood; skipped', { length: body.length });
  return [];
}
