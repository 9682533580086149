/** SLO math for `vigil report`, pure: uptime, latency percentiles and incidents per check over a period. */

import type { CheckState } from './check-state.js';
import { DAY_MS } from './duration.js';
import type { HeartbeatSummary, Run } from './heartbeat.js';
import { type History, historyOfResults, lookBefore, newestLook, summarize } from './history.js';
import type { IncidentRecord } from './ports.js';
import { rollupWatched, shownPercentile } from './rollup.js';
import type { CheckResult } from './types.js';
import { gapsBetween, overlapMs, type StatusNow, statusNow } from './watch.js';

export const REPORT_PERIODS = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS } as const;
export type ReportPeriod = keyof typeof REPORT_PERIODS;

export interface CheckReportRow {
  readonly checkId: string;
  readonly name: string;
  readonly runs: number;
  /** Share of runs that were not down, in percent (degraded counts as available); null with no runs. */
  readonly uptimePercent: number | null;
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
  readonly incidents: number;
  /** Time inside incidents that overlap the period (ongoing ones up to now), while something was watching. */
  readonly downtimeMs: number;
  /** Now: its reported status, `unknown` when it was not looked at for two intervals. */
  readonly state: StatusNow;
  readonly lastCheckedAt: string | null;
  /** Of the period, how long something was looking at the check, and when nothing was (neither up nor down). */
  readonly watchedMs: number;
  readonly unwatched: readonly { readonly from: string; readonly to: string }[];
}

/** Nearest-rank percentile; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

/**
 * One check's line over [since, now). `results` may reach back before `since` (a look just before it
 * vouches for its start); only those in the period are counted as runs.
 */
export function reportRow(
  check: { readonly id: string; readonly name: string; readonly intervalMs: number },
  results: readonly CheckResult[],
  incidents: readonly IncidentRecord[],
  since: Date,
  now: Date,
  state: CheckState | null = null,
): CheckReportRow {
  const history = historyOfResults(
    results,
    { intervalMs: check.intervalMs, objectives: [] },
    Number.NEGATIVE_INFINITY,
    now.getTime(),
  );
  return reportRowOf(check, history, incidents, since, now, state);
}

/** The same line from a history: rollups where they answer, results elsewhere (./history.ts). */
export function reportRowOf(
  check: { readonly id: string; readonly name: string; readonly intervalMs: number },
  history: History,
  incidents: readonly IncidentRecord[],
  since: Date,
  now: Date,
  state: CheckState | null = null,
): CheckReportRow {
  const from = since.getTime();
  const until = now.getTime();
  const period = summarize(history, from, until, { openEnd: true });
  // As the Latency metric: no heartbeats (their runs' durations are in heartbeatReport), down runs or
  // runs timed under Vigil's own loop lag (trusted-latency.ts); uptime above still counts them all.
  const watched = rollupWatched(period, check.intervalMs, from, until, lookBefore(history, from));
  const overlapping = incidents.filter((i) => (i.endedAt ? Date.parse(i.endedAt) : until) > from);
  // Only watched time is downtime: an incident left open when the monitor stopped does not count on.
  const downtimeMs = overlapping.reduce(
    (sum, i) => sum + overlapMs(watched, Date.parse(i.startedAt), i.endedAt ? Date.parse(i.endedAt) : until),
    0,
  );
  const current = statusNow(state, check.intervalMs, now, newestLook(history));
  const iso = (ms: number) => new Date(ms).toISOString();
  const available = period.runs - period.down;
  return {
    checkId: check.id,
    name: check.name,
    runs: period.runs,
    uptimePercent: period.runs === 0 ? null : Math.round((available / period.runs) * 100_000) / 1000,
    latencyMs: {
      p50: shownPercentile(period, 50),
      p95: shownPercentile(period, 95),
      p99: shownPercentile(period, 99),
    },
    incidents: overlapping.length,
    downtimeMs,
    state: current.status,
    lastCheckedAt: current.lastCheckedAt,
    watchedMs: overlapMs(watched, from, until),
    unwatched: gapsBetween(watched, from, until).map((gap) => ({ from: iso(gap.from), to: iso(gap.to) })),
  };
}

/** What one location saw of a check over the period (lambdas/core/pipeline/combine.ts). */
export interface LocationReportRow {
  readonly location: string;
  readonly runs: number;
  /** Share of its runs that were not down, in percent; null with no runs. */
  readonly uptimePercent: number | null;
  readonly latencyMs: CheckReportRow['latencyMs'];
  /** Runs while its control probe failed: they counted in no quorum. */
  readonly unusableRuns: number;
}

/**
 * The results a check's uptime and objectives are judged on: with several locations the one combined result
 * per window (what paged), which carries no location; otherwise every result.
 */
export function judgedResults(check: { readonly locations: readonly string[] }, results: readonly CheckResult[]): CheckResult[] {
  return check.locations.length > 1 ? results.filter((r) => r.location === undefined) : [...results];
}

/** Per location the check probes from, what it saw: its uptime and latency. Empty for a check of one location. */
export function locationRows(
  check: { readonly id: string; readonly name: string; readonly intervalMs: number; readonly locations: readonly string[] },
  results: readonly CheckResult[],
  since: Date,
  now: Date,
): LocationReportRow[] {
  if (check.locations.length <= 1) return [];
  return check.locations.map((location) => {
    const seen = results.filter((r) => r.location === location);
    const { runs, uptimePercent, latencyMs } = reportRow(check, seen, [], since, now);
    return { location, runs, uptimePercent, latencyMs, unusableRuns: seen.filter((r) => r.locationFault).length };
  });
}

/** A heartbeat check's runs over the period, and where it stands now. */
export interface HeartbeatReport {
  /** Runs that ended in the period, and how many of them failed. */
  readonly runs: number;
  readonly failed: number;
  readonly successPercent: number | null;
  /** Of the runs whose start was reported. */
  readonly durationMs: { readonly p50: number | null; readonly p95: number | null; readonly max: number | null };
  readonly lastRun: HeartbeatSummary['lastRun'];
  readonly running: HeartbeatSummary['running'];
  readonly nextExpectedAt: string;
}

export function heartbeatReport(runs: readonly Run[], now: HeartbeatSummary): HeartbeatReport {
  const failed = runs.filter((r) => !r.ok).length;
  const durations = runs.flatMap((r) => (r.durationMs === null ? [] : [r.durationMs]));
  return {
    runs: runs.length,
    failed,
    successPercent: runs.length === 0 ? null : Math.round(((runs.length - failed) / runs.length) * 1000) / 10,
    durationMs: { p50: percentile(durations, 50), p95: percentile(durations, 95), max: percentile(durations, 100) },
    lastRun: now.lastRun,
    running: now.running,
    nextExpectedAt: now.nextExpectedAt,
  };
}
