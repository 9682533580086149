/** The Prometheus text the monitor serves (lambdas/local/prometheus.ts, monitor-metrics.ts), read back by a strict reader. */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../lambdas/core/types.js';
import { CheckBoard } from '../../lambdas/local/check-board.js';
import { monitorFamilies } from '../../lambdas/local/monitor-metrics.js';
import { exposition, Histogram } from '../../lambdas/local/prometheus.js';
import { failingResult } from '../support/events.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';

const HOSTILE = 'a "quoted" \\ back\nslash} name, é';

const result = (checkId: string, status: CheckResult['status'], totalMs: number, loopLagMs = 0): CheckResult => ({
  ...failingResult,
  checkId,
  status,
  error: status === 'down' ? failingResult.error : null,
  timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: totalMs - 2, transferMs: 1, totalMs },
  startedAt: '2026-11-22T10:00:00.000Z',
  loopLagMs,
});

describe('the exposition', () => {
  it('escapes label values and help, and writes histograms cumulatively up to +Inf', () => {
    const histogram = new Histogram([0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) histogram.observe(v);
    const text = exposition([
      { name: 'x_up', help: 'a help\nwith a \\ in it', type: 'gauge', samples: [{ labels: { check: HOSTILE }, value: 1 }] },
      { name: 'x_seconds', help: 'h', type: 'histogram', series: [{ labels: { check: HOSTILE }, histogram }] },
      { name: 'x_total', help: 'none yet', type: 'counter', samples: [] },
    ]);
    expect(text).toContain('x_up{check="a \\"quoted\\" \\\\ back\\nslash} name, é"} 1\n');
    expect(text).toContain('# HELP x_up a help\\nwith a \\\\ in it\n');
    const families = parsePrometheusText(text);
    expect(families.get('x_up')).toMatchObject({ type: 'gauge', help: 'a help\nwith a \\ in it' });
    expect(families.get('x_up')?.samples[0]?.labels).toEqual({ check: HOSTILE });
    expect(families.get('x_total')).toMatchObject({ type: 'counter', samples: [] });
    const buckets = families.get('x_seconds')?.samples.filter((s) => s.name === 'x_seconds_bucket');
    expect(buckets?.map((s) => [s.labels.le, s.value])).toEqual([
      ['0.1', 2],
      ['1', 3],
      ['+Inf', 4],
    ]);
    expect(sampleValue(families, 'x_seconds_sum')).toBeCloseTo(3.65);
    expect(sampleValue(families, 'x_seconds_count')).toBe(4);
  });

  it('is checked by a reader that refuses what the format does not allow', () => {
    const read = (text: string) => () => parsePrometheusText(text);
    expect(read('# TYPE a gauge\na{l="x"y"} 1\n')).toThrow(/expected , or }/);
    expect(read('# TYPE a gauge\na{l="\\t"} 1\n')).toThrow(/bad escape/);
    expect(read('# TYPE a gauge\na 1')).toThrow(/line feed/);
    expect(read('# TYPE a gauge\na one\n')).toThrow(/bad value/);
    expect(read('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n')).toThrow(/not together/);
    const histogram = (buckets: string) => read(`# TYPE h histogram\n${buckets}h_sum 1\nh_count 2\n`);
    expect(histogram('h_bucket{le="1"} 2\nh_bucket{le="2"} 1\nh_bucket{le="+Inf"} 2\n')).toThrow(/not cumulative/);
    expect(histogram('h_bucket{le="1"} 2\n')).toThrow(/no \+Inf bucket/);
    expect(histogram('h_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\n')).toThrow(/is not _count/);
  });
});

describe('the monitor’s metrics', () => {
  it('says what the board saw: up per check, durations of counted runs by phase, results and alerts', () => {
    const board = new CheckBoard([
      { id: 'api', name: HOSTILE, type: 'http' },
      { id: 'db', name: 'Database', type: 'tcp' },
      { id: 'never', name: 'Not run yet', type: 'tcp' },
    ]);
    board.result(result('api', 'up', 40));
    board.result(result('api', 'degraded', 900));
    board.result(result('api', 'up', 3_000, 25)); // timed under lag: counted as a result, not as a duration
    board.result(result('db', 'down', 5));
    board.alerted({ kind: 'down' }, ['chat', 'pager']);
    board.alerted({ kind: 'down' }, ['chat']);
    const families = parsePrometheusText(exposition(monitorFamilies(board)));
    const api = { check: 'api', name: HOSTILE };
    expect(sampleValue(families, 'vigil_check_up', api)).toBe(1);
    expect(sampleValue(families, 'vigil_check_up', { check: 'db' })).toBe(0);
    expect(sampleValue(families, 'vigil_check_up', { check: 'never' })).toBeUndefined();
    expect(sampleValue(families, 'vigil_check_last_run_timestamp_seconds', { check: 'db' })).toBe(
      Date.parse('2026-11-22T10:00:00.000Z') / 1000,
    );
    expect(sampleValue(families, 'vigil_check_results_total', { check: 'api', status: 'up' })).toBe(2);
    expect(sampleValue(families, 'vigil_check_results_total', { check: 'api', status: 'degraded' })).toBe(1);
    expect(sampleValue(families, 'vigil_check_results_total', { check: 'db', status: 'down' })).toBe(1);
    const total = { ...api, phase: 'total' };
    expect(sampleValue(families, 'vigil_check_duration_seconds_count', total)).toBe(2);
    expect(sampleValue(families, 'vigil_check_duration_seconds_sum', total)).toBeCloseTo(0.94);
    expect(sampleValue(families, 'vigil_check_duration_seconds_bucket', { ...total, le: '0.05' })).toBe(1);
    expect(sampleValue(families, 'vigil_check_duration_seconds_count', { ...api, phase: 'dns' })).toBeUndefined();
    expect(sampleValue(families, 'vigil_check_duration_seconds_count', { check: 'db', phase: 'total' })).toBeUndefined();
    expect(families.get('vigil_check_duration_seconds')?.samples.map((s) => s.labels.phase)).toContain('ttfb');
    expect(sampleValue(families, 'vigil_alerts_total', { kind: 'down', channel: 'chat' })).toBe(2);
    expect(sampleValue(families, 'vigil_alerts_total', { kind: 'down', channel: 'pager' })).toBe(1);
  });
});
