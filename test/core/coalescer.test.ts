import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../lambdas/core/coalescer.js';

/** A sleep that ends when the test says so. */
function manualSleep() {
  const waiting: (() => void)[] = [];
  return { sleep: () => new Promise<void>((resolve) => waiting.push(resolve)), wake: () => waiting.shift()?.() };
}

describe('Coalescer', () => {
  it('answers each item with its own answer from one request, sent when the window ends', async () => {
    const sent: number[][] = [];
    const timer = manualSleep();
    const squares = new Coalescer(
      async (items: readonly number[]) => {
        sent.push([...items]);
        return items.map((n) => n * n);
      },
      { windowMs: 50, max: 10, sleep: timer.sleep },
    );
    const answers = Promise.all([3, 1, 2].map((n) => squares.add(n)));
    await Promise.resolve();
    expect(sent).toEqual([]);
    timer.wake();
    expect(await answers).toEqual([9, 1, 4]);
    expect(sent).toEqual([[3, 1, 2]]);
  });

  it('sends a full batch at once and opens the next, which waits for its own window', async () => {
    const sent: number[][] = [];
    const timer = manualSleep();
    const echo = new Coalescer(
      async (items: readonly number[]) => {
        sent.push([...items]);
        return items;
      },
      { windowMs: 50, max: 2, sleep: timer.sleep },
    );
    const first = [echo.add(1), echo.add(2)];
    const third = echo.add(3);
    expect(await Promise.all(first)).toEqual([1, 2]);
    expect(sent).toEqual([[1, 2]]);
    timer.wake(); // the first batch's window, already sent: nothing happens
    timer.wake();
    expect(await third).toBe(3);
    expect(sent).toEqual([[1, 2], [3]]);
  });

  it('rejects every item of a batch that failed, and the next batch is sent anew', async () => {
    let fail = true;
    const flaky = new Coalescer(
      async (items: readonly string[]) => {
        if (fail) throw new Error('store down');
        return items.map((i) => i.toUpperCase());
      },
      { windowMs: 1, max: 10, sleep: async () => {} },
    );
    const failed = [flaky.add('a'), flaky.add('b')];
    for (const add of failed) await expect(add).rejects.toThrow('store down');
    fail = false;
    expect(await flaky.add('c')).toBe('C');
  });
});
