/**
 * Collects a cycle's results into few store writes: a batch goes when it is full, when it has waited
 * `lingerMs`, or when the cycle says nothing more is coming. Each `add` resolves once its result is
 * written, so a decision still never runs on a result that is not stored.
 */
import { Coalescer } from '../coalescer.js';
import type { ResultStore } from '../ports.js';
import type { CheckResult } from '../types.js';

/** DynamoDB's BatchWriteItem takes 25 items. */
const BATCH_SIZE = 25;

export class ResultBatcher {
  private readonly batches: Coalescer<CheckResult, void> | null;

  constructor(
    private readonly store: ResultStore,
    /** How long a result may wait for others; 0 writes each at once. */
    lingerMs: number,
    sleep: (ms: number) => Promise<void>,
    /** How a batch's write is run: at once, or when the cycle has a quiet moment for it. */
    when: <T>(write: () => Promise<T>) => Promise<T> = (write) => write(),
  ) {
    this.batches =
      lingerMs > 0
        ? new Coalescer(
            async (results) => {
              await when(() => store.putResults(results));
              return [];
            },
            { windowMs: lingerMs, max: BATCH_SIZE, sleep },
          )
        : null;
  }

  add(result: CheckResult): Promise<void> {
    return this.batches ? this.batches.add(result) : this.store.putResult(result);
  }

  /** Writes what is waiting now: nothing more is coming soon. */
  flush(): void {
    this.batches?.flush();
  }
}
