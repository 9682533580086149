import { describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../../lambdas/core/ports.js';
import { percentile, reportRow } from '../../lambdas/core/report.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { failingResult } from '../support/events.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const SINCE = new Date('2026-11-21T12:00:00.000Z');
const run = (status: CheckResult['status'], totalMs: number): CheckResult => ({
  ...failingResult,
  status,
  timings: { ...failingResult.timings, totalMs },
});
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
    const results = [
      ...Array.from({ length: 97 }, (_, i) => run('up', 100 + i)),
      run('degraded', 900),
      run('down', 5000),
      run('down', 5000),
    ];
    const row = reportRow(
      { id: 'api', name: 'API' },
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
    });
  });

  it('has no uptime or latency without runs', () => {
    expect(reportRow({ id: 'x', name: 'x' }, [], [], SINCE, NOW)).toMatchObject({
      runs: 0,
      uptimePercent: null,
      latencyMs: { p50: null, p95: null, p99: null },
    });
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
