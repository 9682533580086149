/** SLO math for `vigil report`, pure: uptime, latency percentiles and incidents per check over a period. */
import { DAY_MS } from './duration.js';
import type { HeartbeatSummary, Run } from './heartbeat.js';
import type { IncidentRecord } from './ports.js';
import type { CheckResult } from './types.js';

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
  /** Time inside incidents that overlap the period (ongoing ones up to now). */
  readonly downtimeMs: number;
}

/** Nearest-rank percentile; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

export function reportRow(
  check: { readonly id: string; readonly name: string },
  results: readonly CheckResult[],
  incidents: readonly IncidentRecord[],
  since: Date,
  now: Date,
): CheckReportRow {
  const available = results.filter((r) => r.status !== 'down').length;
  // A heartbeat's results time nothing; its runs' durations are in heartbeatReport.
  const latencies = results.filter((r) => r.status !== 'down' && !r.heartbeat).map((r) => r.timings.totalMs);
  const overlapping = incidents.filter((i) => (i.endedAt ? Date.parse(i.endedAt) : now.getTime()) > since.getTime());
  const downtimeMs = overlapping.reduce((sum, i) => {
    const start = Math.max(Date.parse(i.startedAt), since.getTime());
    const end = i.endedAt ? Date.parse(i.endedAt) : now.getTime();
    return sum + Math.max(0, end - start);
  }, 0);
  const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
  return {
    checkId: check.id,
    name: check.name,
    runs: results.length,
    uptimePercent: results.length === 0 ? null : Math.round((available / results.length) * 100_000) / 1000,
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
    },
    incidents: overlapping.length,
    downtimeMs,
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
  check: { readonly id: string; readonly name: string; readonly locations: readonly string[] },
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
