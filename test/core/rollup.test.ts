import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../lambdas/core/duration.js';
import {
  coalesce,
  type History,
  historyOfResults,
  missingDays,
  missingHours,
  planHistory,
  summarize,
} from '../../lambdas/core/history.js';
import {
  bucketOf,
  countAtLeast,
  digestOf,
  digestPercentile,
  LATENCY_ERROR,
  type LatencyDigest,
  mergeDigests,
  storedDigest,
} from '../../lambdas/core/latency-digest.js';
import { objectiveReport, objectiveReportOf } from '../../lambdas/core/objectives.js';
import { percentile, reportRow, reportRowOf } from '../../lambdas/core/report.js';
import {
  buildReportModel,
  type CheckSection,
  reportEdges,
  reportHourStarts,
  reportHoursFrom,
} from '../../lambdas/core/report-model.js';
import { mergeRollups, type Rollup, rollupOf, rollupWatched } from '../../lambdas/core/rollup.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { watchedSpans } from '../../lambdas/core/watch.js';
import { httpCheck } from '../support/checks.js';
import { sealedRollups, seeded, syntheticHistory } from '../support/month.js';

const NOW = Date.parse('2026-11-22T12:34:56.789Z');

/** Each percentile read from buckets against the exact one: within the stated bound. */
function expectWithin(approx: number | null, exact: number | null): void {
  if (exact === null) {
    expect(approx).toBeNull();
    return;
  }
  expect(approx).not.toBeNull();
  // The report rounds to 0.1 ms: half of that on top of the bound.
  expect(Math.abs((approx as number) - exact)).toBeLessThanOrEqual(exact * LATENCY_ERROR + 0.05 + 1e-9);
}

describe('the latency digest', () => {
  const random = seeded(7);
  const values = Array.from({ length: 20_000 }, () => Math.round(Math.exp(3 + 2 * random()) * 10) / 10);

  it('reads percentiles within 1% of the exact nearest rank, never outside what was seen', () => {
    const stored = storedDigest(digestOf(values));
    for (const p of [0, 1, 10, 50, 90, 95, 99, 99.9, 100]) {
      const exact = percentile(values, p) as number;
      const approx = digestPercentile(stored, p) as number;
      expect(Math.abs(approx - exact)).toBeLessThanOrEqual(exact * LATENCY_ERROR);
      expect(approx).toBeGreaterThanOrEqual(Math.min(...values));
      expect(approx).toBeLessThanOrEqual(Math.max(...values));
    }
    // With its values kept (results just read), exact.
    expect(digestPercentile(digestOf(values), 95)).toBe(percentile(values, 95));
  });

  it('merges to the digest of all the values, in any order', () => {
    const [a, b, c] = [values.slice(0, 5000), values.slice(5000, 12_000), values.slice(12_000)].map((v) =>
      storedDigest(digestOf(v)),
    ) as [LatencyDigest, LatencyDigest, LatencyDigest];
    const whole = storedDigest(digestOf(values));
    const left = mergeDigests(mergeDigests(a, b), c);
    const right = mergeDigests(a, mergeDigests(b, c));
    expect(left).toEqual(whole);
    expect(right).toEqual(whole);
    // Stored parts lose the values; results kept on both sides keep them.
    expect(mergeDigests(digestOf([1, 2]), digestOf([3])).values).toEqual([1, 2, 3]);
    expect(mergeDigests(digestOf([1, 2]), storedDigest(digestOf([3]))).values).toBeUndefined();
  });

  it('counts values at or over a threshold within the bucket that holds it', () => {
    const stored = storedDigest(digestOf(values));
    for (const t of [50, 200, 1000]) {
      const exact = values.filter((v) => v >= t).length;
      const sameBucket = values.filter((v) => bucketOf(v) === bucketOf(t)).length;
      expect(Math.abs(countAtLeast(stored, t) - exact)).toBeLessThanOrEqual(sameBucket);
    }
  });
});

describe('rollups', () => {
  const check = httpCheck({
    id: 'api',
    url: 'https://api.example.com/',
    interval: '1m',
    objectives: [{ availability: 99.9 }, { latency: { percent: 95, under: '250ms' } }],
  });
  const { results, incidents } = syntheticHistory('api', {
    now: NOW,
    days: 3,
    intervalMs: 60_000,
    seed: 3,
    outageDaysAgo: 1.2,
    gapDaysAgo: 2.1,
  });
  const thresholds = [250];

  it('merge hour by hour into what the whole day rolls up to', () => {
    const day = Math.floor(NOW / DAY_MS) * DAY_MS - DAY_MS;
    const whole = rollupOf(results, { from: day - DAY_MS, to: day + DAY_MS }, 60_000, thresholds);
    const { hours } = sealedRollups(results, check, day - DAY_MS, day + DAY_MS);
    const merged = hours.slice(1).reduce((a, b) => mergeRollups(a, b, 60_000), hours[0] as Rollup);
    // Phase sums are floating point: added in another order, equal to the last few digits.
    const comparable = (r: typeof whole) => ({ ...r, latency: storedDigest(r.latency), phases: null });
    expect(comparable(merged)).toEqual(comparable(whole));
    for (const phase of Object.keys(whole.phases) as (keyof typeof whole.phases)[]) {
      expect(merged.phases[phase][0]).toBeCloseTo(whole.phases[phase][0], 6);
      expect(merged.phases[phase][1]).toBe(whole.phases[phase][1]);
    }
    // The gap of three hours is one gap, across whatever hours it spans.
    expect(merged.gaps).toHaveLength(1);
  });

  it('count a result once however often it is sealed: a rollup is made of the stored results, put whole', () => {
    const hour = Math.floor(NOW / HOUR_MS) * HOUR_MS - 5 * HOUR_MS;
    const once = rollupOf(results, { from: hour, to: hour + HOUR_MS }, 60_000, thresholds);
    // A result stored twice is one item (same key): the store hands it back once.
    const again = rollupOf(results, { from: hour, to: hour + HOUR_MS }, 60_000, thresholds);
    expect(again).toEqual(once);
    expect(once.runs).toBe(
      results.filter((r) => Date.parse(r.startedAt) >= hour && Date.parse(r.startedAt) < hour + HOUR_MS).length,
    );
  });

  it('give the watched stretches watch.ts gives from the results', () => {
    const since = NOW - 2.5 * DAY_MS;
    const inPeriod = results.filter((r) => Date.parse(r.startedAt) >= since);
    const before = results.filter((r) => Date.parse(r.startedAt) < since).at(-1);
    const r = rollupOf(inPeriod, { from: since, to: NOW }, 60_000, thresholds);
    const exact = watchedSpans(
      results.map((x) => Date.parse(x.startedAt)),
      60_000,
      since,
      NOW,
    );
    expect(rollupWatched(r, 60_000, since, NOW, before ? Date.parse(before.startedAt) : null)).toEqual(exact);
  });

  /** The history a report reads: sealed rollups, and only the results its plan asks for. */
  function planned(period: '24h' | '7d' | '30d', unsealed: readonly number[] = []): History {
    const now = new Date(NOW);
    const since = NOW - { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS }[period];
    const start = Math.min(since - 2 * 60_000, NOW - 30 * DAY_MS);
    const { hours, days } = sealedRollups(results, check, start, Math.floor(NOW / HOUR_MS) * HOUR_MS);
    const units = [...hours.filter((h) => !unsealed.includes(h.from)), ...days];
    const needs = {
      start,
      now: NOW,
      intervalMs: 60_000,
      edges: reportEdges(check, period, now),
      hourStarts: reportHourStarts(check, period, now),
      looksBefore: [since],
      hoursFrom: reportHoursFrom(period, now),
    };
    const plan = planHistory(needs);
    const inPlan = (p: typeof plan) => (u: { from: number; to: number }) =>
      (p.days !== null && u.to - u.from === DAY_MS && u.from >= p.days.from && u.from < p.days.to) ||
      (u.to - u.from === HOUR_MS && p.hours.some((s) => u.from >= s.from && u.from < s.to));
    const first = units.filter(inPlan(plan));
    const dayHours = missingDays(plan, first);
    const read = [...first, ...units.filter(inPlan({ days: null, hours: dayHours, raw: [] })).filter((u) => !first.includes(u))];
    const rawSpans = coalesce([...plan.raw, ...missingHours(needs, [...plan.hours, ...dayHours], read)]);
    const raw = results.filter((r: CheckResult) =>
      rawSpans.some((s) => Date.parse(r.startedAt) >= s.from && Date.parse(r.startedAt) < s.to),
    );
    return { intervalMs: 60_000, thresholds, start, now: NOW, units: read, raw, rawSpans };
  }

  it.each(['24h', '7d', '30d'] as const)(
    'give a %s report the numbers its results give: counts exact, percentiles within the 1% bound',
    (period) => {
      const now = new Date(NOW);
      const since = new Date(NOW - { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS }[period]);
      // The hour before last and one of yesterday not sealed yet: read as results.
      const history = planned(period, [
        Math.floor(NOW / HOUR_MS) * HOUR_MS - HOUR_MS,
        Math.floor(NOW / HOUR_MS) * HOUR_MS - 20 * HOUR_MS,
      ]);
      expect(history.raw.length).toBeLessThan(results.length / 5);
      const rolled = reportRowOf(check, history, incidents, since, now);
      const exact = reportRow(check, results, incidents, since, now);
      expect({ ...rolled, latencyMs: null }).toEqual({ ...exact, latencyMs: null });
      for (const p of ['p50', 'p95', 'p99'] as const) expectWithin(rolled.latencyMs[p], exact.latencyMs[p]);
      for (const objective of check.objectives) {
        expect(objectiveReportOf(objective, 60_000, history, now)).toEqual(objectiveReport(objective, 60_000, results, now));
      }
      // The HTML report's model: bars, series and burn-down alike.
      const model = (h: History | undefined) =>
        buildReportModel(
          [{ check, results: h ? [] : results, incidents, state: null, ...(h ? { history: h } : {}) }],
          {},
          period,
          now,
        );
      const sectionOf = (h: History) => model(h).groups[0]?.checks[0] as CheckSection;
      const a = sectionOf(history);
      const b = sectionOf(historyOfResults(results, check, Number.NEGATIVE_INFINITY, NOW));
      expect(a.bars).toEqual(b.bars);
      expect(a.phases.map((p) => p.runs)).toEqual(b.phases.map((p) => p.runs));
      expect(a.objectives).toEqual(b.objectives);
      for (const [i, point] of a.latency.entries()) expectWithin(point.p95, b.latency[i]?.p95 ?? null);
    },
  );

  it('refuses a stretch its read did not plan for instead of counting it short', () => {
    const history = planned('24h');
    expect(() => summarize(history, NOW - 2 * DAY_MS - 17 * 60_000, NOW)).toThrow(/neither rolled up nor read/);
  });
});
