/**
 * Results the monitor could not ingest because its store did not answer (hung, dead, a full disk): kept
 * in memory, per check in the order they were probed, and ingested in that order once the store answers
 * again, so an outage during the fault is decided (and pages once) afterwards, and nothing decides on a
 * state it could not read. Bounded: past `perCheck` a check's oldest kept result is dropped, and counted.
 */

import type { Check } from '../config/parse.js';
import { mapLimit } from '../core/concurrency.js';
import { dependencyLevels } from '../core/maintenance.js';
import type { ResultKeeper } from '../core/pipeline/probe-batch.js';
import type { CheckResult } from '../core/types.js';

export interface HeldResultsOptions {
  /** Whether the store is answering now; while it is not, every result is kept. */
  readonly storeAnswers: () => boolean;
  /** Told when the store failed to take a result. */
  readonly onStoreFailure: (error: unknown) => void;
  /** A check's results kept at most (heldPerCheck: a fleet's share of HELD_RESULTS). */
  readonly perCheck: number;
}

/** About 10 MB of results across the fleet (a result is about 1 KB). */
export const HELD_RESULTS = 10_000;
/** Enough to decide an outage (a few failures to confirm it, a few successes to end it) for any fleet. */
const MIN_PER_CHECK = 20;
/** Checks re-ingested at once; each check's results still go one after another. */
const CHECKS_AT_ONCE = 20;

export function heldPerCheck(checks: number): number {
  return Math.max(MIN_PER_CHECK, Math.floor(HELD_RESULTS / Math.max(1, checks)));
}

export class HeldResults implements ResultKeeper {
  private readonly byCheck = new Map<string, { readonly check: Check; readonly results: CheckResult[] }>();
  /** Every result ever kept, and dropped for the bound: a fault's share is the difference across it. */
  kept = 0;
  dropped = 0;

  constructor(private readonly options: HeldResultsOptions) {}

  keeps(check: Check, result: CheckResult): boolean {
    // Behind older results of its check even when the store answers: a check's results are decided in order.
    if (this.options.storeAnswers() && !this.byCheck.has(check.id)) return false;
    this.add(check, result);
    return true;
  }

  failed(check: Check, result: CheckResult, error: unknown): void {
    this.add(check, result);
    this.options.onStoreFailure(error);
  }

  /** Results waiting. */
  get size(): number {
    let count = 0;
    for (const { results } of this.byCheck.values()) count += results.length;
    return count;
  }

  /**
   * Ingests what is kept, each check's results in order and parents before children (a child's outage
   * during the fault is then held by its parent's, as it would have been). A check whose result the store
   * fails again keeps it and the rest; true when nothing is left.
   */
  async drain(ingest: (check: Check, result: CheckResult) => Promise<void>): Promise<boolean> {
    const levels = dependencyLevels([...this.byCheck.values()].map((entry) => entry.check));
    for (const level of levels) {
      await mapLimit(level, CHECKS_AT_ONCE, async (check) => {
        const entry = this.byCheck.get(check.id);
        // Results probed meanwhile join the end of the queue and are drained too.
        while (entry && entry.results.length > 0) {
          const [next] = entry.results;
          try {
            await ingest(check, next as CheckResult);
          } catch (error) {
            this.options.onStoreFailure(error);
            return;
          }
          entry.results.shift();
        }
        this.byCheck.delete(check.id);
      });
    }
    return this.byCheck.size === 0;
  }

  private add(check: Check, result: CheckResult): void {
    const entry = this.byCheck.get(check.id) ?? { check, results: [] };
    this.byCheck.set(check.id, entry);
    entry.results.push(result);
    this.kept++;
    if (entry.results.length > this.options.perCheck) {
      entry.results.shift();
      this.dropped++;
    }
  }
}
