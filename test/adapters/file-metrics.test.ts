import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileMetricsSink } from '../../lambdas/adapters/local/file-metrics.js';
import { failingResult } from '../support/events.js';

const answered = { ...failingResult, status: 'up', error: null } as const;

describe('FileMetricsSink', () => {
  it('keeps the file bounded: past its size it rolls over to .1, replacing the one before', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-metrics-')), 'metrics.jsonl');
    const sink = new FileMetricsSink(file, 2_000);
    for (let i = 0; i < 40; i++) await sink.put([answered]);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(statSync(file).size).toBeLessThan(2_000 + 500);
    expect(statSync(`${file}.1`).size).toBeLessThan(2_000 + 500);
    const last = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
    expect(JSON.parse(last)).toMatchObject({ namespace: 'Vigil', metric: 'Latency', checkId: 'api' });
  });
});
