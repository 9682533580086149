/**
 * Requests that arrive close together go out as one: the first `add` opens a batch, which goes when it
 * holds `max` items, when it has waited `windowMs`, or on `flush()`. Each `add` resolves with its own
 * item's answer, or rejects with the batch's error. A store that takes many small requests a second
 * (a result written, a state read per decision) then pays for a request's overhead once per batch.
 */
interface Batch<T, R> {
  readonly items: T[];
  readonly sent: Promise<readonly R[]>;
  go(): void;
}

export class Coalescer<T, R> {
  private pending: Batch<T, R> | null = null;

  constructor(
    /** Sends a batch; answers in the items' order. */
    private readonly send: (items: readonly T[]) => Promise<readonly R[]>,
    private readonly options: {
      readonly windowMs: number;
      readonly max: number;
      readonly sleep: (ms: number) => Promise<void>;
    },
  ) {}

  add(item: T): Promise<R> {
    const batch = this.pending ?? this.open();
    const index = batch.items.push(item) - 1;
    const answer = batch.sent.then((answers) => answers[index] as R);
    if (batch.items.length >= this.options.max) batch.go();
    return answer;
  }

  /** Sends what is waiting now: nothing more is coming soon. */
  flush(): void {
    this.pending?.go();
  }

  private open(): Batch<T, R> {
    let go = () => {};
    const started = new Promise<void>((resolve) => {
      go = resolve;
    });
    const items: T[] = [];
    const batch: Batch<T, R> = {
      items,
      go: () => {
        if (this.pending === batch) this.pending = null;
        go();
      },
      sent: started.then(() => this.send(items)),
    };
    this.pending = batch;
    // After the caller's turn: a batch flushed or filled at once needs no timer.
    queueMicrotask(() => {
      if (this.pending === batch) void this.options.sleep(this.options.windowMs).then(batch.go);
    });
    return batch;
  }
}
