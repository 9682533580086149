/**
 * A batch of probes feeding ingest, shared by the probe Lambda and the local runner. Probes run with
 * bounded concurrency and each result is recorded the moment its probe finishes, not after the slowest
 * one. A check's decision waits only for its parents' decisions in the same batch, so a child sees its
 * parent's state from this same batch; a failure that concerns one check is logged, never thrown.
 */
import { mapLimit } from '../concurrency.js';
import type { Check } from '../config.js';
import { CHECK_RESULT_LOG, PROBE_CONCURRENCY } from '../contracts.js';
import { dependencyLevels } from '../maintenance.js';
import type { MetricsSink } from '../ports.js';
import type { CheckResult } from '../types.js';
import { decideOn, type IngestDeps, type IngestOutcome, record } from './ingest.js';
import { guarded } from './outbox.js';

export interface BatchDeps extends IngestDeps {
  readonly metrics: MetricsSink;
  readonly runCheck: (check: Check) => Promise<CheckResult>;
  /** The time each decision is made at (one read per result). */
  readonly now: () => Date;
  /** Told as each check's result is decided on (or failed to be): a scheduler can run it again. */
  readonly onCheckDone?: (checkId: string) => void;
  /** Probes in flight at once. @default PROBE_CONCURRENCY (50) */
  readonly concurrency?: number;
}

export interface BatchReport {
  readonly batchId: string;
  readonly results: readonly CheckResult[];
  /** One per check whose decision ran (a storage failure leaves it out, logged). */
  readonly outcomes: readonly IngestOutcome[];
}

export async function probeBatch(checks: readonly Check[], deps: BatchDeps, batchId: string): Promise<BatchReport> {
  const decided = new Map<string, Promise<IngestOutcome | undefined>>();
  const inBatch = new Set(checks.map((c) => c.id));
  const results = await mapLimit(dependencyLevels(checks).flat(), deps.concurrency ?? PROBE_CONCURRENCY, async (check) => {
    const result = await deps.runCheck(check);
    deps.log.info(CHECK_RESULT_LOG, {
      cycleId: batchId,
      checkId: result.checkId,
      status: result.status,
      error: result.error,
      timings: result.timings,
    });
    const stored = guarded(deps.log, 'result not stored', check.id, () => record(result, deps.store));
    // The decision waits for the parents' (started earlier: parents come first), not for a probe slot.
    const parents = check.dependsOn.filter((id) => inBatch.has(id)).map((id) => decided.get(id));
    decided.set(
      check.id,
      Promise.all([stored, ...parents])
        .then(() => guarded(deps.log, 'state not updated', check.id, () => decideOn(check, result, deps, deps.now())))
        .finally(() => deps.onCheckDone?.(check.id)),
    );
    await stored;
    return result;
  });
  const outcomes = await Promise.all(checks.map((c) => decided.get(c.id)));
  await guarded(deps.log, 'metrics not sent', undefined, () => deps.metrics.put(results));
  const byId = new Map(results.map((r) => [r.checkId, r]));
  return {
    batchId,
    results: checks.map((c) => byId.get(c.id) as CheckResult),
    outcomes: outcomes.filter((o): o is IngestOutcome => o !== undefined),
  };
}
