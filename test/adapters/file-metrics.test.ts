import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileMetricsSink } from '../../lambdas/adapters/local/file-metrics.js';
import { failingResult } from '../support/events.js';

const answered = { ...failingResult, status: 'up', error: null } as const;

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
});
