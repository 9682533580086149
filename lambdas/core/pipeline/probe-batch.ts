/**
 * A batch of probes feeding ingest, shared by the probe Lambda and the local runner. Probes run with
 * bounded concurrency and each result is recorded as its probe finishes, not after the slowest one.
 * A check's decision waits only for its parents' decisions in the same batch, so a child sees its
 * parent's state from this same batch; a failure that concerns one check is logged, never thrown.
 *
 * With `pacing` (the probe Lambda), the batch works per cycle rather than per check: starts spread over
 * a window (lambdas/core/spread.ts), states and silences read for all checks at once, results written
 * in batches, and storing and deciding kept out of the moments probes are timed in (./quiet-gate.ts). A state read at the cycle's start that changed meanwhile only costs a retry: its write is
 * conditional, and a lost write is decided again on a fresh read.
 */
import { mapLimit } from '../concurrency.js';
import type { Check } from '../config.js';
import { CHECK_RESULT_LOG, PROBE_CONCURRENCY } from '../contracts.js';
import type { CheckSnapshot, MetricsSink } from '../ports.js';
import { spreadStarts } from '../spread.js';
import type { CheckResult } from '../types.js';
import { decideOn, type IngestDeps, type IngestOutcome } from './ingest.js';
import { guarded } from './outbox.js';
import { QuietGate } from './quiet-gate.js';
import { ResultBatcher } from './result-batcher.js';

export interface BatchDeps extends IngestDeps {
  readonly metrics: MetricsSink;
  readonly runCheck: (check: Check) => Promise<CheckResult>;
  /** The time each decision is made at (one read per result). */
  readonly now: () => Date;
  /** Told as each check's result is decided on (or failed to be): a scheduler can run it again. */
  readonly onCheckDone?: (checkId: string) => void;
  /** Probes in flight at once. @default PROBE_CONCURRENCY (50) */
  readonly concurrency?: number;
  /** Per-cycle work for a batch that runs on its own schedule. @default every check at once, its reads and writes its own */
  readonly pacing?: Pacing;
}

export interface Pacing {
  /** Starts spread evenly over this long. */
  readonly spreadMs: number;
  /**
   * A pause between the cycle's reads and its first probe: a CPU share is metered per scheduler period
   * (100 ms), so after a burst the first probes would otherwise wait for the next period.
   */
  readonly settleMs: number;
  /** How long a result may wait to be written with others. */
  readonly lingerMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A clock for the spread that does not step (performance.now()). */
  readonly monotonicMs: () => number;
}

export interface BatchReport {
  readonly batchId: string;
  readonly results: readonly CheckResult[];
  /** One per check whose decision ran (a storage failure leaves it out, logged). */
  readonly outcomes: readonly IngestOutcome[];
}

export async function probeBatch(checks: readonly Check[], deps: BatchDeps, batchId: string): Promise<BatchReport> {
  const { pacing } = deps;
  const snapshots = pacing ? await readSnapshots(checks, deps) : undefined;
  const startedAt = pacing ? pacing.monotonicMs() + pacing.settleMs : 0;
  const slots = spreadStarts(checks, pacing?.spreadMs ?? 0);
  let launched = 0;
  // Paced, the cycle's own work waits for moments no probe is being timed in (./quiet-gate.ts).
  const gate = pacing
    ? new QuietGate(pacing, () => {
        const next = slots[launched];
        return next ? startedAt + next.offsetMs : null;
      })
    : null;
  const quietly = <T>(task: () => Promise<T>) => (gate ? gate.run(task) : task());
  const writer = new ResultBatcher(deps.store, pacing?.lingerMs ?? 0, pacing?.sleep ?? (async () => {}), quietly);
  const decided = new Map<string, Promise<IngestOutcome | undefined>>();
  const inBatch = new Set(checks.map((c) => c.id));
  let unfinished = checks.length;
  const results = await mapLimit(slots, deps.concurrency ?? PROBE_CONCURRENCY, async ({ check, offsetMs }) => {
    if (pacing) {
      const wait = startedAt + offsetMs - pacing.monotonicMs();
      if (wait > 0) await pacing.sleep(wait);
    }
    launched++;
    const timed = gate?.probeStarted();
    const result = await deps.runCheck(check).finally(timed);
    deps.log.info(CHECK_RESULT_LOG, {
      cycleId: batchId,
      checkId: result.checkId,
      status: result.status,
      error: result.error,
      timings: result.timings,
      loopLagMs: result.loopLagMs,
    });
    const stored = guarded(deps.log, 'result not stored', check.id, () => writer.add(result));
    if (--unfinished === 0) writer.flush();
    // The decision waits for the parents' (started earlier: parents come first), not for a probe slot.
    const parents = check.dependsOn.filter((id) => inBatch.has(id)).map((id) => decided.get(id));
    const known = snapshots?.get(check.id);
    decided.set(
      check.id,
      Promise.all([stored, ...parents])
        .then(() =>
          guarded(deps.log, 'state not updated', check.id, () => quietly(() => decideOn(check, result, deps, deps.now(), known))),
        )
        .finally(() => deps.onCheckDone?.(check.id)),
    );
    // Unpaced, a slot is held until its result is stored (back-pressure on a slow store); paced, storing
    // waits for quiet moments, which a held slot could keep from coming.
    if (!gate) await stored;
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

/** Every check's state and silence in a few requests; on failure each decision reads its own. */
async function readSnapshots(checks: readonly Check[], deps: BatchDeps): Promise<Map<string, CheckSnapshot> | undefined> {
  return guarded(deps.log, 'states not read ahead', undefined, () =>
    deps.store.readSnapshots(
      checks.map((c) => c.id),
      deps.now(),
    ),
  );
}
