import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FileMetricsSink } from '../../lambdas/adapters/local/file-metrics.js';
import { failingResult } from '../support/events.js';

const answered = { ...failingResult, status: 'up', error: null } as const;

// The sink's appends, counted: what it gathers must reach the file as one write.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, appendFile: vi.fn(actual.appendFile) };
});
beforeEach(() => {
  vi.mocked(appendFile).mockClear();
});

describe('FileMetricsSink', () => {
  it('keeps the file bounded: past its size it rolls over to .1, replacing the one before', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-metrics-')), 'metrics.jsonl');
    const sink = new FileMetricsSink(file, { maxBytes: 2_000 });
    for (let i = 0; i < 40; i++) await sink.put([answered]);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(statSync(file).size).toBeLessThan(2_000 + 500);
    expect(statSync(`${file}.1`).size).toBeLessThan(2_000 + 500);
    const last = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
    expect(JSON.parse(last)).toMatchObject({ namespace: 'Vigil', metric: 'Latency', checkId: 'api' });
  });

  it('appends the lines that arrive within its window as one write, each put resolving once its lines are in', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-metrics-')), 'metrics.jsonl');
    const sink = new FileMetricsSink(file, { coalesceMs: 30 });
    const first = sink.put([{ ...answered, checkId: 'a' }]);
    const second = sink.put([{ ...answered, checkId: 'b' }]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(existsSync(file)).toBe(false);
    await Promise.all([first, second]);
    expect(appendFile).toHaveBeenCalledTimes(1);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => `${l.checkId} ${l.metric}`)).toEqual(['a Availability', 'a Latency', 'b Availability', 'b Latency']);
  });

  it('fails the puts of a write that failed, and writes later ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-metrics-'));
    const sink = new FileMetricsSink(join(dir, 'missing', 'metrics.jsonl'), { coalesceMs: 10 });
    await expect(sink.put([answered])).rejects.toThrow(/ENOENT/);
    mkdirSync(join(dir, 'missing'));
    await sink.put([answered]);
    expect(
      readFileSync(join(dir, 'missing', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(2);
  });

  it('writes batches one after another, in order, however many lines come at once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-metrics-')), 'metrics.jsonl');
    const sink = new FileMetricsSink(file, { coalesceMs: 20 });
    const many = Array.from({ length: 1_300 }, (_, i) => ({ ...answered, checkId: `c${i}` }));
    // The first write is slow (a busy disk): the batches behind it wait for it.
    const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
    vi.mocked(appendFile).mockImplementationOnce(async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return actual.appendFile(...args);
    });
    await sink.put(many);
    // 2,600 lines: batches of 1,000, 1,000 and 600.
    expect(appendFile).toHaveBeenCalledTimes(3);
    const ids = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).checkId);
    expect(ids).toEqual(many.flatMap((r) => [r.checkId, r.checkId]));
  });
});
