import { describe, expect, it } from 'vitest';
import { ResultBatcher } from '../../lambdas/core/pipeline/result-batcher.js';
import type { ResultStore } from '../../lambdas/core/ports.js';
import type { CheckResult } from '../../lambdas/core/types.js';

const result = (checkId: string) => ({ checkId, status: 'up', startedAt: '2026-11-23T10:00:00.000Z' }) as unknown as CheckResult;

function recordingStore() {
  const writes: string[][] = [];
  const store = {
    putResult: async (r: CheckResult) => void writes.push([r.checkId]),
    putResults: async (rs: readonly CheckResult[]) => void writes.push(rs.map((r) => r.checkId)),
  } as unknown as ResultStore;
  return { store, writes };
}

/** A sleep that ends when the test says so. */
function manualSleep() {
  const waiting: (() => void)[] = [];
  return { sleep: () => new Promise<void>((resolve) => waiting.push(resolve)), wake: () => waiting.shift()?.() };
}

describe('ResultBatcher', () => {
  it('writes what arrived within the linger in one request, and resolves each add only once written', async () => {
    const { store, writes } = recordingStore();
    const timer = manualSleep();
    const batcher = new ResultBatcher(store, 1_000, timer.sleep);
    let written = 0;
    const adds = ['a', 'b', 'c'].map((id) => batcher.add(result(id)).then(() => written++));
    await Promise.resolve();
    expect(writes).toEqual([]);
    expect(written).toBe(0);
    timer.wake();
    await Promise.all(adds);
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('writes a full batch of 25 at once, and what is left when told nothing more is coming', async () => {
    const { store, writes } = recordingStore();
    const batcher = new ResultBatcher(store, 60_000, manualSleep().sleep);
    const adds = Array.from({ length: 27 }, (_, i) => batcher.add(result(`c${i}`)));
    await Promise.all(adds.slice(0, 25));
    expect(writes.map((w) => w.length)).toEqual([25]);
    batcher.flush();
    await Promise.all(adds);
    expect(writes.map((w) => w.length)).toEqual([25, 2]);
  });

  it('writes each result on its own without a linger', async () => {
    const { store, writes } = recordingStore();
    const batcher = new ResultBatcher(store, 0, manualSleep().sleep);
    await Promise.all([batcher.add(result('a')), batcher.add(result('b'))]);
    expect(writes).toEqual([['a'], ['b']]);
  });

  it('passes a failed write to every result in the batch', async () => {
    const store = { putResults: async () => Promise.reject(new Error('throttled')) } as unknown as ResultStore;
    const batcher = new ResultBatcher(store, 10, async () => {});
    const adds = [batcher.add(result('a')), batcher.add(result('b'))];
    for (const add of adds) await expect(add).rejects.toThrow('throttled');
  });
});
