/**
 * Collects a cycle's results into few store writes: a batch goes when it is full, when it has waited
 * `lingerMs`, or when the cycle says nothing more is coming. Each `add` resolves once its result is
 * written, so a decision still never runs on a result that is not stored.
 */
import type { ResultStore } from '../ports.js';
import type { CheckResult } from '../types.js';

/** DynamoDB's BatchWriteItem takes 25 items. */
const BATCH_SIZE = 25;

interface Pending {
  readonly results: CheckResult[];
  readonly written: Promise<void>;
  go(): void;
}

export class ResultBatcher {
  private pending: Pending | null = null;

  constructor(
    private readonly store: ResultStore,
    /** How long a result may wait for others; 0 writes each at once. */
    private readonly lingerMs: number,
    private readonly sleep: (ms: number) => Promise<void>,
    /** How a batch's write is run: at once, or when the cycle has a quiet moment for it. */
    private readonly when: <T>(write: () => Promise<T>) => Promise<T> = (write) => write(),
  ) {}

  add(result: CheckResult): Promise<void> {
    if (this.lingerMs <= 0) return this.store.putResult(result);
    const batch = this.pending ?? this.open();
    batch.results.push(result);
    if (batch.results.length >= BATCH_SIZE) batch.go();
    return batch.written;
  }

  /** Writes what is waiting now: nothing more is coming soon. */
  flush(): void {
    this.pending?.go();
  }

  private open(): Pending {
    let go = () => {};
    const started = new Promise<void>((resolve) => {
      go = resolve;
    });
    const results: CheckResult[] = [];
    const batch: Pending = {
      results,
      go: () => {
        if (this.pending === batch) this.pending = null;
        go();
      },
      written: started.then(() => this.when(() => this.store.putResults(results))),
    };
    this.pending = batch;
    // After the caller's turn: a batch flushed at once (the cycle's last result) needs no timer.
    queueMicrotask(() => {
      if (this.pending === batch) void this.sleep(this.lingerMs).then(batch.go);
    });
    return batch;
  }
}
