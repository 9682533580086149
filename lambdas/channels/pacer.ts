/**
 * Keeps requests to one channel at least `minIntervalMs` apart (Slack takes about one message a
 * second per webhook), queueing callers in order. State lives as long as the pacer: a CLI run, or a
 * warm Lambda container, which with reserved concurrency 1 is every delivery to its channel.
 */
export interface Pacer {
  wait(key: string, minIntervalMs: number): Promise<void>;
}

export function createPacer(now: () => number, sleep: (ms: number) => Promise<void>): Pacer {
  const queues = new Map<string, Promise<void>>();
  const last = new Map<string, number>();
  return {
    wait(key, minIntervalMs) {
      const previous = queues.get(key) ?? Promise.resolve();
      const turn = previous.then(async () => {
        const due = (last.get(key) ?? Number.NEGATIVE_INFINITY) + minIntervalMs;
        const wait = due - now();
        if (wait > 0) await sleep(wait);
        last.set(key, now());
      });
      queues.set(key, turn);
      return turn;
    },
  };
}
