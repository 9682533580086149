import { describe, expect, it } from 'vitest';
import { initialState } from '../../lambdas/core/check-state.js';
import type { IncidentRecord } from '../../lambdas/core/ports.js';
import { percentile, reportRow } from '../../lambdas/core/report.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { failingResult } from '../support/events.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const SINCE = new Date('2026-11-21T12:00:00.000Z');
const MINUTE = 60_000;
const run = (status: CheckResult['status'], totalMs: number, startedAt = SINCE.toISOString()): CheckResult => ({
  ...failingResult,
  status,
  timings: { ...failingResult.timings, totalMs },
  startedAt,
});
/** Runs every `everyMs` from `from` on, given as their statuses. */
const spaced = (statuses: readonly CheckResult['status'][], from: Date, everyMs: number) =>
  statuses.map((status, i) => run(status, 100, new Date(from.getTime() + i * everyMs).toISOString()));
const incident = (startedAt: string, endedAt: string | null): IncidentRecord => ({
  id: `api/${startedAt}`,
  startedAt,
  checkId: 'api',
  endedAt,
  durationMs: null,
  cause: null,
  firstFailure: null,
  notifications: [],
});

describe('reportRow', () => {
  it('computes uptime over runs, latency percentiles over available runs, and downtime inside the period', () => {
    // Every 14.4 minutes on a 15-minute interval: watched the whole day.
    const results = [
      ...Array.from({ length: 97 }, (_, i) => run('up', 100 + i)),
      run('degraded', 900),
      run('down', 5000),
      run('down', 5000),
    ].map((r, i) => ({ ...r, startedAt: new Date(SINCE.getTime() + i * 14.4 * MINUTE).toISOString() }));
    const row = reportRow(
      { id: 'api', name: 'API', intervalMs: 15 * MINUTE },
      results,
      [
        incident('2026-11-21T11:00:00.000Z', '2026-11-21T12:30:00.000Z'), // 30 min inside the period
        incident('2026-11-22T11:50:00.000Z', null), // ongoing: 10 min so far
        incident('2026-11-20T10:00:00.000Z', '2026-11-20T11:00:00.000Z'), // before the period
      ],
      SINCE,
      NOW,
    );
    expect(row).toEqual({
      checkId: 'api',
      name: 'API',
      runs: 100,
      uptimePercent: 98,
      latencyMs: { p50: 148, p95: 193, p99: 900 },
      incidents: 2,
      downtimeMs: 40 * 60_000,
      // No state stored: nothing says what it is now.
      state: 'unknown',
      lastCheckedAt: results.at(-1)?.startedAt,
      watchedMs: 24 * 60 * MINUTE,
      unwatched: [],
    });
  });

  it('has no uptime or latency without runs', () => {
    expect(reportRow({ id: 'x', name: 'x', intervalMs: MINUTE }, [], [], SINCE, NOW)).toMatchObject({
      runs: 0,
      uptimePercent: null,
      latencyMs: { p50: null, p95: null, p99: null },
      state: 'unknown',
      lastCheckedAt: null,
      watchedMs: 0,
      unwatched: [{ from: SINCE.toISOString(), to: NOW.toISOString() }],
    });
  });

  it('counts no downtime after the monitor stopped: the check is unknown, the time unwatched', () => {
    // Watched from 10:00 to 11:00 every minute; down from 10:30; the monitor stopped at 11:00.
    const from = new Date('2026-11-22T10:00:00.000Z');
    const results = spaced([...Array(30).fill('up'), ...Array(31).fill('down')], from, MINUTE);
    const state = { ...initialState('api'), confirmed: 'down' as const, lastResultAt: '2026-11-22T11:00:00.000Z' };
    const row = reportRow(
      { id: 'api', name: 'API', intervalMs: MINUTE },
      results,
      [incident('2026-11-22T10:32:00.000Z', null)],
      SINCE,
      NOW,
      state,
    );
    // 10:32 to the last look at 11:00, plus the two intervals that look vouches for.
    expect(row.downtimeMs).toBe(30 * MINUTE);
    expect(row.state).toBe('unknown');
    expect(row.lastCheckedAt).toBe('2026-11-22T11:00:00.000Z');
    expect(row.watchedMs).toBe(62 * MINUTE);
    expect(row.unwatched).toEqual([
      { from: SINCE.toISOString(), to: '2026-11-22T10:00:00.000Z' },
      { from: '2026-11-22T11:02:00.000Z', to: NOW.toISOString() },
    ]);
  });

  it('shows the stored state while the last look is under two intervals old', () => {
    const results = spaced(['up', 'down'], new Date(NOW.getTime() - 2 * MINUTE), MINUTE);
    const state = { ...initialState('api'), confirmed: 'up' as const, failures: 1, lastResultAt: results[1]?.startedAt ?? null };
    const row = reportRow({ id: 'api', name: 'API', intervalMs: MINUTE }, results, [], SINCE, NOW, state);
    expect(row.state).toBe('pending');
  });

  it.each([
    [[], 50, null],
    [[5], 99, 5],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 75, 3],
    [[1, 2, 3, 4], 100, 4],
  ])('percentile(%j, %i) = %j', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});
