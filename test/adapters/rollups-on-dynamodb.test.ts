/**
 * Rollups on dynalite: a month of synthetic history (rollups written as sealing would, results where a
 * report reads them) read back through the store gives the numbers the month's results give.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { DAY_MS, HOUR_MS } from '../../lambdas/core/duration.js';
import { LATENCY_ERROR } from '../../lambdas/core/latency-digest.js';
import { objectiveReport, objectiveReportOf } from '../../lambdas/core/objectives.js';
import { readHistory, SEAL_GRACE_MS, sealAfterCycle, sealDay, sealDue, sealHour } from '../../lambdas/core/pipeline/rollups.js';
import { type ReportPeriod, reportRow, reportRowOf } from '../../lambdas/core/report.js';
import { reportEdges, reportHourStarts, reportHoursFrom } from '../../lambdas/core/report-model.js';
import { buildStatusPage } from '../../lambdas/core/status-page-model.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import type { Span } from '../../lambdas/core/watch.js';
import { type Check, config, httpCheck } from '../support/checks.js';
import { type SyntheticHistory, sealedRollups, syntheticHistory } from '../support/month.js';

const NOW = Date.parse('2026-11-22T12:34:56.789Z');
const HOUR_NOW = Math.floor(NOW / HOUR_MS) * HOUR_MS;
const checks = [
  httpCheck({
    id: 'api',
    url: 'https://api.example.com/',
    interval: '1m',
    public: true,
    objectives: [{ availability: 99.9 }, { latency: { percent: 95, under: '250ms' } }],
  }),
  httpCheck({ id: 'web', url: 'https://www.example.com/', interval: '1m', public: true }),
  httpCheck({ id: 'batch', url: 'https://batch.example.com/', interval: '5m', objectives: [{ availability: 99 }] }),
];
/** Hours and a day not sealed: the previous hour (its grace not over), one of yesterday, a day ten days back. */
const UNSEALED_HOURS = [HOUR_NOW - HOUR_MS, HOUR_NOW - 20 * HOUR_MS];
const UNSEALED_DAY = Math.floor(NOW / DAY_MS) * DAY_MS - 10 * DAY_MS;
/** Where results are stored: the last three days and the hours around 30 days back; rollups elsewhere. */
const WRITTEN: Span[] = [
  { from: NOW - 3 * DAY_MS, to: Number.POSITIVE_INFINITY },
  { from: NOW - 7 * DAY_MS - 3 * HOUR_MS, to: NOW - 7 * DAY_MS + 2 * HOUR_MS },
  { from: NOW - 30 * DAY_MS - 3 * HOUR_MS, to: NOW - 30 * DAY_MS + 2 * HOUR_MS },
];
/** Results the store still hands back at NOW (kept 30 days; rollups longer). */
const kept = (r: CheckResult) => Math.floor((Date.parse(r.startedAt) + 30 * DAY_MS) / 1000) > Math.floor(NOW / 1000);

let db: EmbeddedDynamoDB;
let store: DynamoResultStore;
const months = new Map<string, SyntheticHistory>();

beforeAll(async () => {
  db = await startEmbeddedDynamoDB();
  store = new DynamoResultStore(db.client, { tableName: db.tableName });
  for (const [i, check] of checks.entries()) {
    const month = syntheticHistory(check.id, { now: NOW, days: 31, intervalMs: check.intervalMs, seed: 11 + i });
    months.set(check.id, month);
    const { hours, days } = sealedRollups(month.results, check, Math.floor((NOW - 31 * DAY_MS) / HOUR_MS) * HOUR_MS, HOUR_NOW);
    await store.putRollups(
      check.id,
      'hour',
      hours.filter((h) => !UNSEALED_HOURS.includes(h.from)),
    );
    await store.putRollups(
      check.id,
      'day',
      days.filter((d) => d.from !== UNSEALED_DAY),
    );
    const written = month.results.filter((r) =>
      WRITTEN.some((s) => Date.parse(r.startedAt) >= s.from && Date.parse(r.startedAt) < s.to),
    );
    await store.putResults(written);
  }
}, 120_000);
afterAll(() => db.close());

const within = (approx: number | null, exact: number | null) =>
  exact === null ? approx === null : approx !== null && Math.abs(approx - exact) <= exact * LATENCY_ERROR + 0.05;

describe('a month of history on dynalite, read as rollups', () => {
  it.each(['24h', '7d', '30d'] as const)(
    'reports %s as the results do: uptime, runs, watched time exact; percentiles within the 1% bound',
    async (period: ReportPeriod) => {
      const now = new Date(NOW);
      const periodMs = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS }[period];
      const since = new Date(NOW - periodMs);
      for (const check of checks) {
        const month = months.get(check.id) as SyntheticHistory;
        const start = NOW - Math.max(periodMs + 2 * check.intervalMs, ...check.objectives.map((o) => o.window));
        const history = await readHistory(store, check, {
          start,
          now: NOW,
          edges: reportEdges(check, period, now),
          hourStarts: reportHourStarts(check, period, now),
          looksBefore: [since.getTime()],
          hoursFrom: reportHoursFrom(period, now),
        });
        // Every result it read was stored: none of the numbers below rests on a result the test left out.
        const unwritten = history.rawSpans.filter((span) => !WRITTEN.some((w) => span.from >= w.from && span.to <= w.to));
        expect(unwritten.map((s) => [check.id, new Date(s.from).toISOString(), s.to])).toEqual([]);
        expect(history.raw.length).toBeLessThan(6 * 60);
        const all = month.results.filter((r: CheckResult) => Date.parse(r.startedAt) >= start && kept(r));
        const rolled = reportRowOf(check, history, month.incidents, since, now);
        const exact = reportRow(check, all, month.incidents, since, now);
        expect({ ...rolled, latencyMs: null }).toEqual({ ...exact, latencyMs: null });
        expect(exact.runs).toBeGreaterThan(0);
        if (period === '30d') expect(exact.unwatched.length * exact.downtimeMs).toBeGreaterThan(0);
        for (const p of ['p50', 'p95', 'p99'] as const) expect(within(rolled.latencyMs[p], exact.latencyMs[p])).toBe(true);
        for (const objective of check.objectives) {
          expect(objectiveReportOf(objective, check.intervalMs, history, now)).toEqual(
            objectiveReport(objective, check.intervalMs, all, now),
          );
        }
      }
    },
  );

  it('publishes the status page the results give', async () => {
    const now = new Date(NOW);
    const read = await Promise.all(
      checks.map(async (check) => ({
        check,
        results: [],
        incidents: [],
        state: null,
        history: await readHistory(store, check, {
          start: NOW - 90 * DAY_MS - 2 * check.intervalMs,
          now: NOW,
          edges: [],
          looksBefore: [],
          hoursFrom: NOW,
        }),
      })),
    );
    const exact = checks.map((check) => ({
      check,
      results: (months.get(check.id) as SyntheticHistory).results,
      incidents: [],
      state: null,
    }));
    const show = { errors: true, latency: true };
    const a = buildStatusPage(read, now, show);
    const b = buildStatusPage(exact, now, show);
    const noLatency = (page: typeof a) =>
      page.groups.map((g) => ({ ...g, checks: g.checks.map((c) => ({ ...c, latencyMs: null })) }));
    expect(noLatency(a)).toEqual(noLatency(b));
    expect(a.groups[0]?.checks[0]?.days.filter((d) => d.uptimePercent !== null).length).toBeGreaterThanOrEqual(31);
  });

  it('seals, for a check probed from several locations, each window’s judgement, not what each location saw', async () => {
    const located = config({
      locations: [
        { name: 'eu', region: 'eu-west-1' },
        { name: 'us', region: 'us-east-1' },
        { name: 'ap', region: 'ap-southeast-2' },
      ],
      checks: [{ id: 'located', type: 'http', url: 'https://api.example.com/health' }],
    }).checks[0] as Check;
    const hour = HOUR_NOW - 3 * HOUR_MS;
    const at = (minute: number) => new Date(hour + minute * 60_000).toISOString();
    const seen = (minute: number, location: string | undefined, down: boolean): CheckResult => ({
      checkId: 'located',
      status: down ? 'down' : 'up',
      error: down ? { kind: 'http_status', message: 'expected status 2xx, got 503' } : null,
      httpStatus: down ? 503 : 200,
      timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 2, transferMs: 0, totalMs: 3 },
      startedAt: at(minute),
      detail: null,
      ...(location ? { location } : {}),
    });
    // Each minute: eu down, us and ap up (quorum 2): judged up. Four results a minute, one of them the judgement.
    await store.putResults(
      Array.from({ length: 60 }, (_, m) => [
        seen(m, 'eu', true),
        seen(m, 'us', false),
        seen(m, 'ap', false),
        seen(m, undefined, false),
      ]).flat(),
    );
    const rollup = await sealHour(store, located, hour, new Date(NOW));
    expect([rollup.runs, rollup.up, rollup.down]).toEqual([60, 60, 0]);
  });

  it('seals an hour and a day from the stored results, the same however often, and catches up on what was missed', async () => {
    const check = checks[0] as (typeof checks)[number];
    const now = new Date(NOW);
    const hour = HOUR_NOW - 2 * HOUR_MS;
    const results = (months.get(check.id) as SyntheticHistory).results;
    // Stored twice (a retried batch): one item per key.
    await store.putResults(results.filter((r) => Date.parse(r.startedAt) >= hour && Date.parse(r.startedAt) < hour + HOUR_MS));
    const once = await sealHour(store, check, hour, now);
    const twice = await sealHour(store, check, hour, now);
    expect(twice).toEqual(once);
    expect(once.runs).toBe(
      results.filter((r) => Date.parse(r.startedAt) >= hour && Date.parse(r.startedAt) < hour + HOUR_MS).length,
    );
    const [stored] = await store.listRollups(check.id, 'hour', new Date(hour), new Date(hour + HOUR_MS), now);
    expect(stored?.runs).toBe(once.runs);
    // Yesterday as a day: its hours merged, the one never sealed rolled up from its results on the way.
    const yesterday = Math.floor(NOW / DAY_MS) * DAY_MS - DAY_MS;
    const day = await sealDay(store, check, yesterday, now);
    expect(day.runs).toBe(
      results.filter((r) => Date.parse(r.startedAt) >= yesterday && Date.parse(r.startedAt) < yesterday + DAY_MS).length,
    );
    // A monitor starting up seals what is over by the grace and not sealed yet: here the previous hour once its grace is over.
    const sealed = new Map<string, number>();
    expect(await sealDue(store, check, new Date(HOUR_NOW + SEAL_GRACE_MS + 60_000), NOW - 30 * DAY_MS, sealed)).toBe(1);
    expect(sealed.get(check.id)).toBe(HOUR_NOW - HOUR_MS);
    expect(await sealDue(store, check, new Date(HOUR_NOW + SEAL_GRACE_MS + 2 * 60_000), NOW - 30 * DAY_MS, sealed)).toBe(0);
  });

  it('seals in AWS, after the probes, every hour whose grace ended since the invocation before, however late that came', async () => {
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const minute = (m: number, jitterMs = 1_500) => new Date(HOUR_NOW + m * 60_000 + jitterMs);
    // Every minute: the invocations started in minutes 16 and 17 (the grace is 16 minutes, with two minutes'
    // slack for a rule that fires early in its minute) seal the hour before; nothing else seals.
    const counts = await Promise.all(Array.from({ length: 60 }, (_, m) => sealAfterCycle(store, checks, minute(m), 60_000, log)));
    expect(counts.flatMap((n, m) => (n > 0 ? [[m, n]] : []))).toEqual([
      [16, checks.length],
      [17, checks.length],
      [18, checks.length],
    ]);
    // One invocation at 10:15:59.5 and the next at 10:17:00.7 (a minute's rate, fired late): the hour is sealed.
    const jittered = [
      await sealAfterCycle(store, checks, minute(15, 59_500), 60_000, log),
      await sealAfterCycle(store, checks, minute(17, 700), 60_000, log),
    ];
    expect(jittered.some((n) => n > 0)).toBe(true);
    // Every two hours: both hours since the invocation before are sealed.
    await sealAfterCycle(store, [checks[2] as Check], minute(17), 2 * HOUR_MS, log);
    const twoHours = await store.listRollups(
      'batch',
      'hour',
      new Date(HOUR_NOW - 2 * HOUR_MS),
      new Date(HOUR_NOW),
      new Date(NOW),
    );
    expect(twoHours.map((h) => new Date(h.from).toISOString())).toEqual([
      new Date(HOUR_NOW - 2 * HOUR_MS).toISOString(),
      new Date(HOUR_NOW - HOUR_MS).toISOString(),
    ]);
    const [hour] = await store.listRollups('web', 'hour', new Date(HOUR_NOW - HOUR_MS), new Date(HOUR_NOW), new Date(NOW));
    expect(hour?.runs).toBeGreaterThan(50);
  });
});
