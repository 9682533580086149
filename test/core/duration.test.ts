import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../lambdas/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['30d', 2_592_000_000],
    [' 2s ', 2_000],
    // Whole units from the largest down, as Go and Prometheus write them.
    ['1m30s', 90_000],
    ['1h30m', 5_400_000],
    ['1d12h', 129_600_000],
    ['2m500ms', 120_500],
    ['1h1m1s1ms', 3_661_001],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 's', '10 s', '-1s', '1w', '1e3ms', 'ten seconds', '1s30m', '1m1m', '1.5m30s', '1m30', '1m 30s', 'hm'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [1_500, '1500ms'],
    [10_000, '10s'],
    [90_000, '90s'],
    [300_000, '5m'],
    [7_200_000, '2h'],
  ])('spells %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
