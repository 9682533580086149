import { describe, expect, it } from 'vitest';
import { initialState } from '../../lambdas/core/check-state.js';
import type { IncidentRecord } from '../../lambdas/core/ports.js';
import { buildReportModel, stretches, uptimeBars } from '../../lambdas/core/report-model.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { config } from '../support/checks.js';
import { failingResult } from '../support/events.js';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-22T12:00:00.000Z');
const SINCE = NOW.getTime() - 24 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();
const run = (checkId: string, startedAt: number, status: CheckResult['status'], totalMs = 100): CheckResult => ({
  ...failingResult,
  checkId,
  status,
  error: status === 'down' ? failingResult.error : null,
  timings: { ...failingResult.timings, totalMs },
  startedAt: at(startedAt),
});

const cfg = config({
  defaults: { interval: '30m' },
  channels: {
    chat: { type: 'slack', webhookUrl: 'https://hooks.example.com/x' },
    pager: { type: 'pagerduty', routingKey: 'key' },
  },
  checks: [
    { id: 'api', name: 'API', type: 'http', url: 'https://api.example.com', group: 'web', objectives: [{ availability: 99 }] },
    { id: 'db', name: 'DB', type: 'tcp', host: 'db.internal', port: 5432 },
  ],
});
const [api, db] = cfg.checks as [(typeof cfg.checks)[number], (typeof cfg.checks)[number]];

describe('the report model', () => {
  it('cuts the period into equal stretches, the last ending now', () => {
    const spans = stretches(SINCE, NOW.getTime(), HOUR);
    expect(spans).toHaveLength(24);
    expect(spans.at(-1)).toEqual({ from: NOW.getTime() - HOUR, to: NOW.getTime() });
  });

  it('colours a bar by its worst result, and grey with none', () => {
    const spans = stretches(SINCE, SINCE + 4 * HOUR, HOUR);
    const bars = uptimeBars(
      [
        run('api', SINCE, 'up'),
        run('api', SINCE + HOUR, 'degraded'),
        run('api', SINCE + HOUR + 1, 'up'),
        run('api', SINCE + 2 * HOUR, 'down'),
        run('api', SINCE + 2 * HOUR + 1, 'degraded'),
      ],
      spans,
    );
    expect(bars.map((b) => [b.state, b.runs, b.uptimePercent])).toEqual([
      ['up', 1, 100],
      ['degraded', 2, 100],
      ['down', 2, 50],
      ['unknown', 0, null],
    ]);
  });

  it('computes the overview, series, burn-down and incident timeline from the history', () => {
    // api every 30 minutes, down from hour 6 to 7 (an incident: paged to both channels, a reminder held).
    const apiResults = Array.from({ length: 48 }, (_, k) =>
      run('api', SINCE + k * 30 * 60_000, k === 12 || k === 13 ? 'down' : 'up', 100 + 10 * Math.floor(k / 2)),
    );
    const incident: IncidentRecord = {
      id: 'api@1',
      checkId: 'api',
      startedAt: at(SINCE + 6 * HOUR),
      endedAt: at(SINCE + 7 * HOUR),
      durationMs: HOUR,
      cause: failingResult.error,
      firstFailure: null,
      notifications: [
        { kind: 'down', at: at(SINCE + 6 * HOUR) },
        { kind: 'reminder', at: at(SINCE + 6.5 * HOUR), heldBy: 'maintenance: deploys' },
        { kind: 'recovered', at: at(SINCE + 7 * HOUR) },
      ],
    };
    const fresh = (id: string) => ({
      ...initialState(id),
      confirmed: 'up' as const,
      lastResultAt: at(NOW.getTime() - 30 * 60_000),
    });
    const model = buildReportModel(
      [
        { check: api, results: apiResults, incidents: [incident], state: fresh('api') },
        { check: db, results: [run('db', SINCE, 'up', 5)], incidents: [], state: null },
      ],
      cfg.channels,
      '24h',
      NOW,
    );
    expect(model.overview).toEqual({
      availabilityPercent: 95.918, // 47 of 49 runs
      checks: 2,
      states: { up: 1, unknown: 1 },
      openIncidents: 0,
      unknownIncidents: 0,
      mttrMs: HOUR,
      incidents: 1,
      slowest: [
        { checkId: 'api', name: 'API', p95: 320 },
        { checkId: 'db', name: 'DB', p95: 5 },
      ],
      errorKinds: [{ kind: 'http_status', count: 2 }],
    });
    expect(model.groups.map((g) => [g.name, g.checks.map((c) => c.id)])).toEqual([
      ['web', ['api']],
      [null, ['db']],
    ]);
    const section = model.groups[0]?.checks[0];
    expect(section?.bars.map((b) => b.state)).toEqual(Array.from({ length: 24 }, (_, h) => (h === 6 ? 'down' : 'up')));
    expect(section?.latency.map((p) => p.p50)).toEqual(Array.from({ length: 24 }, (_, h) => (h === 6 ? null : 100 + 10 * h)));
    expect(section?.phases[0]).toMatchObject({ runs: 2, dnsMs: 1.2, tlsMs: 3.1 });
    // 99% over 30 days at 30 minutes: 14.4 failed runs allowed; two spent from hour 6 on.
    expect(section?.objectives[0]?.burnDown.map((b) => b.remainingPercent)).toEqual(
      Array.from({ length: 24 }, (_, h) => (h < 6 ? 100 : 86.1)),
    );
    expect(section?.incidents).toEqual([
      expect.objectContaining({
        status: 'ended',
        durationMs: HOUR,
        notified: [
          { kind: 'down', at: incident.startedAt, channels: ['chat', 'pager'] },
          { kind: 'recovered', at: incident.endedAt, channels: ['chat', 'pager'] },
        ],
        held: [incident.notifications[1]],
      }),
    ]);
  });
});
