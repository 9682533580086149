/**
 * A batch of probes feeding ingest, shared by the probe Lambda and the local runner. Probes run with
 * bounded concurrency and each result is recorded as its probe finishes, not after the slowest one.
 * A check's decision waits only for its parents' decisions in the same batch, so a child sees its
 * parent's state from this same batch; a failure that concerns one check is logged, never thrown.
 *
 * With `pacing` (the probe Lambda), the batch works per cycle rather than per check: starts spread over
 * a window (lambdas/core/spread.ts), states and silences read for all checks at once, results written
 * in batches, and storing and deciding kept out of the moments probes are timed in (./quiet-gate.ts). A
 * state read at the cycle's start that changed meanwhile only costs a retry: its write is conditional,
 * and a lost write is decided again on a fresh read.
 */
import { mapLimit } from '../concurrency.js';
import { CHECK_RESULT_LOG, PROBE_CONCURRENCY } from '../contracts.js';
import { VigilFault } from '../errors.js';
import type { CheckSnapshot, MetricsSink } from '../ports.js';
import type { CheckBase } from '../schema-parts.js';
import { spreadStarts } from '../spread.js';
import type { CheckResult } from '../types.js';
import { decideOn, type IngestDeps, type IngestOutcome } from './ingest.js';
import { guarded } from './outbox.js';
import { QuietGate } from './quiet-gate.js';
import { ResultBatcher } from './result-batcher.js';

export interface BatchDeps<C extends CheckBase = CheckBase> extends IngestDeps {
  readonly metrics: MetricsSink;
  readonly runCheck: (check: C) => Promise<CheckResult>;
  /** The time each decision is made at (one read per result). */
  readonly now: () => Date;
  /** Told as each check's result is decided on (or failed to be): a scheduler can run it again. */
  readonly onCheckDone?: (checkId: string) => void;
  /** Probes in flight at once. @default PROBE_CONCURRENCY (50) */
  readonly concurrency?: number;
  /** Per-cycle work for a batch that runs on its own schedule. @default every check at once, its reads and writes its own */
  readonly pacing?: Pacing;
  /**
   * Where results go that the store could not take (locally: kept and ingested again, in order, once it
   * answers). Without it such a result is logged as not stored or not decided, an error (in AWS, one that
   * raises the Vigil-itself alarm).
   */
  readonly keeper?: ResultKeeper<C>;
  /** Told when Vigil itself could not probe a check: there is no result, and nothing about the target to judge. */
  readonly onFault?: (checkId: string, fault: VigilFault) => void;
}

export interface ResultKeeper<C extends CheckBase = CheckBase> {
  /** True when it kept the result instead of it being ingested now (the store is down, or older results of the check wait). */
  keeps(check: C, result: CheckResult): boolean;
  /** A result the store failed to record or decide on, to be ingested again. */
  failed(check: C, result: CheckResult, error: unknown): void;
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
  /** What was probed, in the batch's order; a check Vigil could not probe (a VigilFault) has none. */
  readonly results: readonly CheckResult[];
  /** One per check whose decision ran (a storage failure leaves it out, logged). */
  readonly outcomes: readonly IngestOutcome[];
}

export async function probeBatch<C extends CheckBase>(
  checks: readonly C[],
  deps: BatchDeps<C>,
  batchId: string,
): Promise<BatchReport> {
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
  /** A check with nothing to decide now: its children do not wait for it, and it may run again. */
  const undecided = (checkId: string) => {
    if (--unfinished === 0) writer.flush();
    decided.set(checkId, Promise.resolve(undefined));
    deps.onCheckDone?.(checkId);
  };
  const probing = mapLimit(slots, deps.concurrency ?? PROBE_CONCURRENCY, async ({ check, offsetMs }) => {
    if (pacing) {
      const wait = startedAt + offsetMs - pacing.monotonicMs();
      if (wait > 0) await pacing.sleep(wait);
    }
    launched++;
    const timed = gate?.probeStarted();
    let result: CheckResult;
    try {
      result = await deps.runCheck(check).finally(timed);
    } catch (error) {
      if (!(error instanceof VigilFault)) throw error;
      deps.log.error('probe skipped: Vigil itself failed', { cycleId: batchId, checkId: check.id, error: error.message });
      deps.onFault?.(check.id, error);
      undecided(check.id);
      return null;
    }
    deps.log.info(CHECK_RESULT_LOG, {
      cycleId: batchId,
      checkId: result.checkId,
      status: result.status,
      error: result.error,
      timings: result.timings,
      loopLagMs: result.loopLagMs,
    });
    if (deps.keeper?.keeps(check, result)) {
      undecided(check.id);
      return result;
    }
    const { keeper } = deps;
    /** Kept for later when there is a keeper; otherwise logged as what did not happen. */
    const failing = (what: string) => async (error: unknown) => {
      if (keeper) keeper.failed(check, result, error);
      else deps.log.error(what, { checkId: check.id, error: String(error), stack: (error as Error)?.stack });
      return undefined;
    };
    const stored = writer.add(result).then(() => true, failing('result not stored'));
    if (--unfinished === 0) writer.flush();
    // The decision waits for the parents' (started earlier: parents come first), not for a probe slot.
    const parents = check.dependsOn.filter((id) => inBatch.has(id)).map((id) => decided.get(id));
    const known = snapshots?.get(check.id);
    decided.set(
      check.id,
      Promise.all([stored, ...parents])
        // A result the keeper took back is decided when it is ingested again; without one, decide on anyway.
        .then(([recorded]) =>
          recorded || !keeper
            ? quietly(() => decideOn(check, result, deps, deps.now(), known)).catch(failing('state not updated'))
            : undefined,
        )
        .finally(() => deps.onCheckDone?.(check.id)),
    );
    // Unpaced, a slot is held until its result is stored (back-pressure on a slow store); paced, storing
    // waits for quiet moments, which a held slot could keep from coming.
    if (!gate) await stored;
    return result;
  });
  // However probing ended, no start is coming any more: work waiting for the gate must not wait for one.
  const probed = await probing.finally(() => {
    launched = slots.length;
  });
  const results = probed.filter((r): r is CheckResult => r !== null);
  const outcomes = await Promise.all(checks.map((c) => decided.get(c.id)));
  await guarded(deps.log, 'metrics not sent', undefined, () => deps.metrics.put(results));
  const byId = new Map(results.map((r) => [r.checkId, r]));
  return {
    batchId,
    results: checks.flatMap((c) => byId.get(c.id) ?? []),
    outcomes: outcomes.filter((o): o is IngestOutcome => o !== undefined),
  };
}

/** Every check's state and silence in a few requests; on failure each decision reads its own. */
async function readSnapshots<C extends CheckBase>(
  checks: readonly C[],
  deps: BatchDeps<C>,
): Promise<Map<string, CheckSnapshot> | undefined> {
  return guarded(deps.log, 'states not read ahead', undefined, () =>
    deps.store.readSnapshots(
      checks.map((c) => c.id),
      deps.now(),
    ),
  );
}
