import { describe, expect, it } from 'vitest';
import { toMetricData } from '../../lambdas/adapters/cloudwatch.js';
import { judgeRun } from '../../lambdas/core/objectives.js';
import { reportRow } from '../../lambdas/core/report.js';
import { countedLatencyMs, HEAVY_LAG_MS } from '../../lambdas/core/trusted-latency.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { failingResult } from '../support/events.js';

const DAY = 86_400_000;
const run = (status: CheckResult['status'], totalMs: number, loopLagMs = 0): CheckResult => ({
  ...failingResult,
  status,
  error: status === 'down' ? failingResult.error : null,
  timings: { ...failingResult.timings, totalMs },
  loopLagMs,
});

describe('latency counts only runs timed without heavy event-loop lag', () => {
  it('draws the line at HEAVY_LAG_MS: just under counts, at it does not', () => {
    expect(countedLatencyMs(run('up', 40, HEAVY_LAG_MS - 0.1))).toBe(40);
    expect(countedLatencyMs(run('up', 40, HEAVY_LAG_MS))).toBeNull();
    expect(countedLatencyMs(run('degraded', 900))).toBe(900);
    expect(countedLatencyMs(run('down', 5_000))).toBeNull();
    expect(countedLatencyMs({ ...run('up', 40), loopLagMs: undefined })).toBe(40);
  });

  it('writes no Latency datum for a lagged run, and still its Availability', () => {
    const data = toMetricData([run('up', 40), run('up', 300, 25), run('down', 5_000, 25)]);
    expect(data.map((d) => [d.MetricName, d.Value])).toEqual([
      ['Availability', 1],
      ['Latency', 40],
      ['Availability', 1],
      ['Availability', 0],
    ]);
  });

  it('leaves lagged runs out of the report’s percentiles and counts them in its uptime', () => {
    const results = [...Array.from({ length: 10 }, (_, i) => run('up', 100 + i)), run('up', 2_000, 40), run('down', 50, 40)];
    const row = reportRow({ id: 'api', name: 'API', intervalMs: 60_000 }, results, [], new Date(0), new Date(DAY));
    expect(row.runs).toBe(12);
    expect(row.uptimePercent).toBeCloseTo((11 / 12) * 100, 2);
    expect(row.latencyMs).toEqual({ p50: 104, p95: 109, p99: 109 });
  });

  it('neither meets nor misses a latency objective with a lagged run; availability still judges it', () => {
    const latency = { latency: { percent: 95, under: 200, includeDown: true }, window: 30 * DAY };
    const availability = { availability: 99.9, window: 30 * DAY };
    expect(judgeRun(latency, run('up', 500, 30))).toBeNull();
    expect(judgeRun(latency, run('up', 500))).toBe(false);
    expect(judgeRun(latency, run('down', 50, 30))).toBe(false);
    expect(judgeRun(availability, run('up', 500, 30))).toBe(true);
  });
});
