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
import { isMultiLocation } from '../locations.js';
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
  /** Probes the check, from `location` when given (the result carries it). */
  readonly runCheck: (check: C, location?: string) => Promise<CheckResult>;
  /**
   * Where each check is probed from in this batch: the producer's location, or (locally) each of the
   * check's. @default once, from no named location
   */
  readonly originsOf?: (check: C) => readonly (string | undefined)[];
  /**
   * Why a location's control probe fails (null: it answers), asked once per batch for each location it
   * probes from; that location's results then carry it and count in no quorum. @default no control probes
   */
  readonly locationFault?: (location: string) => Promise<string | null>;
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
  /** Locations of the batch whose control probe failed, with why. */
  readonly locationFaults: ReadonlyMap<string, string>;
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
  const faults = await controlProbes(checks, deps);
  const probing = mapLimit(slots, deps.concurrency ?? PROBE_CONCURRENCY, async ({ check, offsetMs }) => {
    if (pacing) {
      const wait = startedAt + offsetMs - pacing.monotonicMs();
      if (wait > 0) await pacing.sleep(wait);
    }
    launched++;
    const timed = gate?.probeStarted();
    // One probe per origin: the producer's own location, or (locally) each of the check's locations.
    const origins = deps.originsOf?.(check) ?? [undefined];
    const settled = await Promise.allSettled(origins.map((location) => deps.runCheck(check, location))).finally(timed);
    const results: CheckResult[] = [];
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') {
        const fault = outcome.value.location ? faults.get(outcome.value.location) : undefined;
        results.push(fault ? { ...outcome.value, locationFault: fault } : outcome.value);
      } else if (!(outcome.reason instanceof VigilFault)) throw outcome.reason;
      else {
        deps.log.error('probe skipped: Vigil itself failed', {
          cycleId: batchId,
          checkId: check.id,
          error: outcome.reason.message,
        });
        deps.onFault?.(check.id, outcome.reason);
      }
    }
    for (const result of results) {
      deps.log.info(CHECK_RESULT_LOG, {
        cycleId: batchId,
        checkId: result.checkId,
        ...(result.location ? { location: result.location } : {}),
        status: result.status,
        error: result.error,
        timings: result.timings,
        loopLagMs: result.loopLagMs,
      });
    }
    const kept = results.filter((result) => deps.keeper?.keeps(check, result));
    const taken = results.filter((result) => !kept.includes(result));
    if (taken.length === 0) {
      undecided(check.id);
      return results;
    }
    const { keeper } = deps;
    /** Kept for later when there is a keeper; otherwise logged as what did not happen. */
    const failing = (result: CheckResult, what: string) => async (error: unknown) => {
      if (keeper) keeper.failed(check, result, error);
      else deps.log.error(what, { checkId: check.id, error: String(error), stack: (error as Error)?.stack });
      return undefined;
    };
    const stored = taken.map((result) => writer.add(result).then(() => true, failing(result, 'result not stored')));
    if (--unfinished === 0) writer.flush();
    // The decision waits for the parents' (started earlier: parents come first), not for a probe slot.
    const parents = check.dependsOn.filter((id) => inBatch.has(id)).map((id) => decided.get(id));
    const known = snapshots?.get(check.id);
    // Several origins' results are decided one after another: each is combined with what the others saw.
    const decideAll = async () => {
      let last: IngestOutcome | undefined;
      for (const [i, result] of taken.entries()) {
        const recorded = await stored[i];
        // A result the keeper took back is decided when it is ingested again; without one, decide on anyway.
        if (!recorded && keeper) continue;
        const outcome = await quietly(() => decideOn(check, result, deps, deps.now(), i === 0 ? known : undefined)).catch(
          failing(result, 'state not updated'),
        );
        last = merge(last, outcome);
      }
      return last;
    };
    decided.set(
      check.id,
      Promise.all(parents)
        .then(decideAll)
        .finally(() => deps.onCheckDone?.(check.id)),
    );
    // Unpaced, a slot is held until its results are stored (back-pressure on a slow store); paced, storing
    // waits for quiet moments, which a held slot could keep from coming.
    if (!gate) await Promise.all(stored);
    return results;
  });
  // However probing ended, no start is coming any more: work waiting for the gate must not wait for one.
  const probed = await probing.finally(() => {
    launched = slots.length;
  });
  const results = probed.flat();
  const outcomes = await Promise.all(checks.map((c) => decided.get(c.id)));
  // Metrics say what each check was: a location's own result for one of several is not that, its window's judgement is.
  const combined = new Set(checks.filter(isMultiLocation).map((c) => c.id));
  const told = [...results.filter((r) => !combined.has(r.checkId)), ...outcomes.flatMap((o) => o?.judged ?? [])];
  await guarded(deps.log, 'metrics not sent', undefined, () => deps.metrics.put(told));
  const byId = new Map<string, CheckResult[]>();
  for (const r of results) byId.set(r.checkId, [...(byId.get(r.checkId) ?? []), r]);
  return {
    batchId,
    results: checks.flatMap((c) => byId.get(c.id) ?? []),
    outcomes: outcomes.filter((o): o is IngestOutcome => o !== undefined),
    locationFaults: faults,
  };
}

/** Each location of the batch whose control probe fails, with why. */
async function controlProbes<C extends CheckBase>(checks: readonly C[], deps: BatchDeps<C>): Promise<Map<string, string>> {
  const { locationFault, originsOf } = deps;
  if (!locationFault || !originsOf) return new Map();
  const locations = new Set(checks.flatMap((c) => originsOf(c).filter((l): l is string => l !== undefined)));
  const faults = await Promise.all(
    [...locations].map(async (location) => [location, await locationFault(location).catch((e) => String(e))] as const),
  );
  return new Map(faults.filter((entry): entry is readonly [string, string] => entry[1] !== null));
}

/** What a check's decisions did, several origins' taken together: the last one's outcome, everything held and told. */
function merge(a: IngestOutcome | undefined, b: IngestOutcome | undefined): IngestOutcome | undefined {
  if (!a || !b) return b ?? a;
  const change = a.change && b.change ? { from: a.change.from, to: b.change.to } : (b.change ?? a.change);
  const locations = [...(a.locations ?? []), ...(b.locations ?? [])];
  const judged = [...(a.judged ?? []), ...(b.judged ?? [])];
  const { change: _, ...rest } = b;
  return {
    ...rest,
    held: [...a.held, ...b.held],
    ...(change && change.from !== change.to ? { change } : {}),
    ...(locations.length > 0 ? { locations } : {}),
    ...(judged.length > 0 ? { judged } : {}),
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
