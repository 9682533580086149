import { describe, expect, it } from 'vitest';
import { initialState } from '../../lambdas/core/check-state.js';
import { gapsBetween, overlapMs, statusNow, watchedSpans } from '../../lambdas/core/watch.js';

const MINUTE = 60_000;
const NOW = new Date('2026-11-22T12:00:00.000Z');

describe('staleness', () => {
  it.each([
    // Looks every minute: one continuous stretch, the last vouching for two intervals.
    [[0, 1, 2], 0, 10, [{ from: 0, to: 4 }]],
    // A look five minutes after the one before: the three minutes past two intervals were not watched.
    [
      [0, 5],
      0,
      10,
      [
        { from: 0, to: 2 },
        { from: 5, to: 7 },
      ],
    ],
    // A look just before the period vouches for its start; nothing vouches past `until`.
    [[-1, 0], 0, 1, [{ from: 0, to: 1 }]],
    [[], 0, 10, []],
  ])('looks at %j (minutes) watch %j..%j as %j', (looks, since, until, spans) => {
    const m = (n: number) => n * MINUTE;
    const got = watchedSpans(looks.map(m), MINUTE, m(since), m(until));
    expect(got).toEqual(spans.map((s) => ({ from: m(s.from), to: m(s.to) })));
  });

  it('finds the gaps between watched stretches and how much of a stretch they cover', () => {
    const watched = [
      { from: 10, to: 20 },
      { from: 30, to: 40 },
    ];
    expect(gapsBetween(watched, 0, 50)).toEqual([
      { from: 0, to: 10 },
      { from: 20, to: 30 },
      { from: 40, to: 50 },
    ]);
    expect(overlapMs(watched, 15, 35)).toBe(10);
  });

  it('is unknown past two intervals without a look, and before the first', () => {
    const state = (lastResultAt: string) => ({ ...initialState('api'), confirmed: 'down' as const, lastResultAt });
    expect(statusNow(state('2026-11-22T11:58:00.000Z'), MINUTE, NOW)).toEqual({
      status: 'down',
      lastCheckedAt: '2026-11-22T11:58:00.000Z',
    });
    expect(statusNow(state('2026-11-22T11:57:59.000Z'), MINUTE, NOW).status).toBe('unknown');
    expect(statusNow(null, MINUTE, NOW)).toEqual({ status: 'unknown', lastCheckedAt: null });
    // The newest result counts when the state has not caught up with it.
    expect(statusNow(state('2026-11-22T11:00:00.000Z'), MINUTE, NOW, '2026-11-22T11:59:30.000Z')).toEqual({
      status: 'down',
      lastCheckedAt: '2026-11-22T11:59:30.000Z',
    });
  });
});
