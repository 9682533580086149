/**
 * One cycle, shared by the probe Lambda and the local runner:
 * probe (bounded concurrency) → record results + metrics → decide transitions → publish events.
 * A failure that concerns one check is logged and recorded, never thrown: the batch goes on.
 */
import { type AlertContext, type CheckState, decide, initialState } from './alert-state.js';
import { mapLimit } from './concurrency.js';
import type { Check } from './config.js';
import type { AlertPublisher, Log, MetricsSink, ResultStore } from './ports.js';
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
}

export interface CycleReport {
  readonly cycleId: string;
  readonly results: readonly CheckResult[];
  /** Events published during this cycle (including ones retried from an earlier cycle's outbox). */
  readonly published: readonly AlertEvent[];
  /** Check ids whose state write lost to a concurrent cycle: that cycle owns the transition. */
  readonly superseded: readonly string[];
}

export async function runCycle(checks: readonly Check[], deps: CycleDeps, now: Date, cycleId: string): Promise<CycleReport> {
  const results = await mapLimit(checks, deps.concurrency ?? 50, deps.runCheck);
  await Promise.all([
    ...results.map((result) => guarded(deps.log, 'result not stored', result.checkId, () => deps.store.putResult(result))),
    guarded(deps.log, 'metrics not sent', undefined, () => deps.metrics.put(results)),
  ]);
  const outcomes = await Promise.all(
    checks.map((check, i) =>
      guarded(deps.log, 'state not updated', check.id, () => advance(check, results[i] as CheckResult, deps, now)),
    ),
  );
  const published = outcomes.flatMap((o) => o?.published ?? []);
  const superseded = outcomes.flatMap((o, i) => (o?.superseded ? [checks[i]?.id ?? ''] : []));
  for (const result of results) {
    deps.log.info('check result', {
      cycleId,
      checkId: result.checkId,
      status: result.status,
      error: result.error,
      totalMs: result.timings.totalMs,
    });
  }
  return { cycleId, results, published, superseded };
}

async function advance(check: Check, result: CheckResult, deps: CycleDeps, now: Date) {
  // Spread over the initial state, so a state stored by an older version gains the newer fields.
  const prev = { ...initialState(check.id), ...(await deps.store.getState(check.id)) };
  const decision = decide(prev, result, check, deps.alertContext, now);
  if (!(await deps.store.putState(decision.next))) {
    deps.log.warn('state changed by a concurrent cycle; leaving this transition to it', { checkId: check.id });
    return { published: [], superseded: true };
  }
  if (decision.opened) {
    await deps.store.openIncident({
      ...decision.opened,
      checkId: check.id,
      endedAt: null,
      cause: decision.next.firstFailure?.error ?? result.error,
      firstFailure: decision.next.firstFailure,
    });
  }
  if (decision.closed) await deps.store.closeIncident(check.id, decision.closed, result.startedAt);
  return { published: await flushOutbox(decision.next, deps), superseded: false };
}

/** Publishes in order and stops at the first failure; what is left stays for the next cycle. */
async function flushOutbox(state: CheckState, deps: CycleDeps): Promise<AlertEvent[]> {
  const sent: AlertEvent[] = [];
  for (const event of state.outbox) {
    try {
      await deps.publisher.publish(event);
      sent.push(event);
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
  if (sent.length > 0) {
    const cleared = { ...state, outbox: state.outbox.slice(sent.length), version: state.version + 1 };
    await deps.store.putState(cleared);
  }
  return sent;
}

async function guarded<T>(log: Log, what: string, checkId: string | undefined, task: () => Promise<T>): Promise<T | undefined> {
  try {
    return await task();
  } catch (error) {
    log.error(what, { checkId, error: String(error), stack: (error as Error)?.stack });
    return undefined;
  }
}
