/**
 * What `vigil report --html` draws, pure: from each check's results, incidents and state, the config and
 * `now`, the overview, uptime bars, latency and timing series, budget burn-down and incident timeline.
 * The renderer (lambdas/report/) only lays this out; every figure a chart shows is computed here.
 */
import type { CheckState } from './check-state.js';
import { DAY_MS, HOUR_MS } from './duration.js';
import { type History, historyOfResults, nextBoundary, summarize } from './history.js';
import { BURN_WINDOWS, budgetShare, expectedRuns, type ObjectiveReport, objectiveReportOf, tallyRollup } from './objectives.js';
import type { IncidentRecord, NotificationEntry } from './ports.js';
import { type CheckReportRow, type HeartbeatReport, REPORT_PERIODS, type ReportPeriod, reportRowOf } from './report.js';
import { latencyPercentile, phaseMean, type Rollup, worstOf } from './rollup.js';
import type { CheckBase } from './schema-parts.js';
import { type AlertKind, type CheckResult, type ErrorKind, SEVERITIES, type Severity } from './types.js';
import type { Span, StatusNow } from './watch.js';

/** A bar's colour: the worst result in it, `unknown` when nothing looked. */
export type BarState = 'up' | 'degraded' | 'down' | 'unknown';

export interface UptimeBar {
  readonly from: string;
  readonly to: string;
  readonly state: BarState;
  readonly runs: number;
  /** Runs not down over runs, in percent; null with no runs. */
  readonly uptimePercent: number | null;
}

export interface LatencyPoint {
  readonly from: string;
  readonly to: string;
  /** Runs whose time counts as latency (trusted-latency.ts). */
  readonly runs: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** Mean milliseconds per phase over the runs of a stretch; null where the phase never applied. */
export interface PhasePoint {
  readonly from: string;
  readonly to: string;
  readonly runs: number;
  readonly dnsMs: number | null;
  readonly connectMs: number | null;
  readonly tlsMs: number | null;
  readonly ttfbMs: number | null;
  readonly transferMs: number | null;
}

export const PHASES = ['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'transferMs'] as const;
export type Phase = (typeof PHASES)[number];

export interface ObjectiveSection {
  readonly report: ObjectiveReport;
  /** Error budget left at each bar's end (the objective's window back from there), in percent. */
  readonly burnDown: readonly { readonly at: string; readonly remainingPercent: number | null }[];
}

export interface IncidentView {
  readonly id: string;
  readonly checkId: string;
  readonly checkName: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** `unknown`: still open, but nothing has looked at the check for two intervals. */
  readonly status: 'ongoing' | 'ended' | 'unknown';
  /** Ended: its length; ongoing: so far; unknown: up to the last look. */
  readonly durationMs: number;
  readonly lastCheckedAt: string | null;
  readonly cause: { readonly kind: ErrorKind; readonly message: string } | null;
  /** What went out, and to which of the check's channels its routing sends it. */
  readonly notified: readonly (NotificationEntry & { readonly channels: readonly string[] })[];
  /** What was held back, with why. */
  readonly held: readonly NotificationEntry[];
}

export interface CheckSection {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly group: string | null;
  readonly intervalMs: number;
  readonly row: CheckReportRow;
  readonly bars: readonly UptimeBar[];
  readonly latency: readonly LatencyPoint[];
  readonly phases: readonly PhasePoint[];
  readonly objectives: readonly ObjectiveSection[];
  readonly incidents: readonly IncidentView[];
  readonly heartbeat: HeartbeatReport | null;
}

export interface ReportOverview {
  /** Runs not down over all runs of every check, in percent; null with no runs. */
  readonly availabilityPercent: number | null;
  readonly checks: number;
  /** How many checks are in each state now. */
  readonly states: Readonly<Partial<Record<StatusNow, number>>>;
  readonly openIncidents: number;
  /** Incidents still open on checks nothing has looked at for two intervals: whether they go on is not known. */
  readonly unknownIncidents: number;
  /** Mean length of the incidents that ended in the period; null when none did. */
  readonly mttrMs: number | null;
  readonly incidents: number;
  /** Up to five checks, slowest p95 first. */
  readonly slowest: readonly { readonly checkId: string; readonly name: string; readonly p95: number }[];
  /** Up to five error kinds of the period's down runs, commonest first. */
  readonly errorKinds: readonly { readonly kind: ErrorKind; readonly count: number }[];
}

export interface ReportModel {
  readonly period: ReportPeriod;
  readonly since: string;
  readonly until: string;
  /** Length of one uptime bar, and of one latency/timing point. */
  readonly barMs: number;
  readonly pointMs: number;
  readonly overview: ReportOverview;
  /** Checks by group (in the order groups first appear), ungrouped ones as a group named null. */
  readonly groups: readonly { readonly name: string | null; readonly checks: readonly CheckSection[] }[];
}

/** What the report reads about one check. */
export interface CheckHistory {
  readonly check: CheckBase;
  /** Oldest first; may reach back before the period (objectives look back over their windows). */
  readonly results: readonly CheckResult[];
  readonly incidents: readonly IncidentRecord[];
  readonly state: CheckState | null;
  readonly heartbeat?: HeartbeatReport | null;
  /**
   * The same history as rollups and the results they leave out (lambdas/core/history.ts), read for the
   * report's period; when set, `results` is not read. @default made of `results`
   */
  readonly history?: History;
}

/** The check's history as rollups and results: the one read, or one made of its results. */
export function historyOf(h: CheckHistory, now: Date): History {
  return h.history ?? historyOfResults(h.results, h.check, Number.NEGATIVE_INFINITY, now.getTime());
}

/** Uptime bars: an hour each over 24 h, else a day. Latency and timing points: finer where the period allows. */
const BAR_MS: Record<ReportPeriod, number> = { '24h': HOUR_MS, '7d': DAY_MS, '30d': DAY_MS };
const POINT_MS: Record<ReportPeriod, number> = { '24h': HOUR_MS, '7d': 6 * HOUR_MS, '30d': DAY_MS };

const WORST: readonly BarState[] = ['down', 'degraded', 'up'];

/** Equal stretches from `since` on, the last ending at `until`. */
export function stretches(since: number, until: number, sizeMs: number): Span[] {
  const count = Math.max(1, Math.round((until - since) / sizeMs));
  return Array.from({ length: count }, (_, i) => ({ from: since + i * sizeMs, to: Math.min(until, since + (i + 1) * sizeMs) }));
}

/**
 * Stretches on UTC boundaries of `sizeMs` (hours, days): the first from `since`, the last to `until`, so
 * each whole one is a stored rollup (a period that starts or ends inside an hour has a short bar there).
 */
export function alignedStretches(since: number, until: number, sizeMs: number): Span[] {
  const spans: Span[] = [];
  for (let from = since; from < until; from = nextBoundary(from, sizeMs)) {
    spans.push({ from, to: Math.min(until, nextBoundary(from, sizeMs)) });
  }
  return spans.length > 0 ? spans : [{ from: since, to: until }];
}

const iso = (ms: number) => new Date(ms).toISOString();
const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

/** The worst state among the results; `unknown` with none. */
export function worstState(results: readonly { readonly status: CheckResult['status'] }[]): BarState {
  for (const state of WORST) if (results.some((r) => r.status === state)) return state;
  return 'unknown';
}

export function uptimeBars(results: readonly CheckResult[], spans: readonly Span[]): UptimeBar[] {
  const history = historyOfResults(
    results,
    { intervalMs: 1, objectives: [] },
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
  );
  return barsOf(history, spans);
}

/** A bar per stretch: its worst run and its share of runs not down. */
export function barsOf(history: History, spans: readonly Span[]): UptimeBar[] {
  return spans.map((span) => {
    const r = summarize(history, span.from, span.to);
    return {
      from: iso(span.from),
      to: iso(span.to),
      state: worstOf(r),
      runs: r.runs,
      uptimePercent: r.runs === 0 ? null : Math.floor(((r.runs - r.down) / r.runs) * 100_000) / 1000,
    };
  });
}

function latencySeries(history: History, spans: readonly Span[]): { latency: LatencyPoint[]; phases: PhasePoint[] } {
  // The runs latency counts (trusted-latency.ts): not down, not heartbeats, not timed under Vigil's own lag.
  const stretches: Rollup[] = spans.map((span) => summarize(history, span.from, span.to));
  const latency = stretches.map((r, i) => {
    const span = spans[i] as Span;
    return {
      from: iso(span.from),
      to: iso(span.to),
      runs: r.latency.n,
      p50: round1(latencyPercentile(r, 50)),
      p95: round1(latencyPercentile(r, 95)),
      p99: round1(latencyPercentile(r, 99)),
    };
  });
  const phases = stretches.map((r, i) => {
    const span = spans[i] as Span;
    const mean = (phase: Phase) => round1(phaseMean(r, phase));
    return {
      from: iso(span.from),
      to: iso(span.to),
      runs: r.latency.n,
      dnsMs: mean('dnsMs'),
      connectMs: mean('connectMs'),
      tlsMs: mean('tlsMs'),
      ttfbMs: mean('ttfbMs'),
      transferMs: mean('transferMs'),
    };
  });
  return { latency, phases };
}

/** Budget left at `at` (the runs of the objective's window before it), in percent; null with no runs counted. */
function budgetLeftAt(
  objective: CheckBase['objectives'][number],
  intervalMs: number,
  history: History,
  at: number,
): number | null {
  const { runs, bad } = tallyRollup(objective, summarize(history, at - objective.window, at));
  if (runs === 0) return null;
  const allowed = budgetShare(objective) * expectedRuns(objective, intervalMs);
  return Math.round(((allowed - bad) / allowed) * 1000) / 10;
}

const rank = (severity: Severity) => SEVERITIES.indexOf(severity);

/** What the report reads of each channel: its routing (the config's `channels`). */
export type ChannelRouting = Readonly<
  Record<string, { readonly minSeverity: Severity; readonly kinds?: readonly AlertKind[] | undefined }>
>;

/** The check's channels whose routing takes an alert of this kind from it (severity as the check's alerts carry it). */
function channelsTold(check: CheckBase, channels: ChannelRouting, kind: AlertKind): string[] {
  const severity = kind === 'degraded' ? check.degradedSeverity : check.severity;
  return check.channels.filter((name) => {
    const channel = channels[name];
    return channel !== undefined && rank(severity) >= rank(channel.minSeverity) && (channel.kinds?.includes(kind) ?? true);
  });
}

function incidentViews(
  history: CheckHistory,
  channels: ChannelRouting,
  row: CheckReportRow,
  since: number,
  now: number,
): IncidentView[] {
  const { check } = history;
  return history.incidents
    .filter((i) => (i.endedAt ? Date.parse(i.endedAt) : now) > since)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .map((i) => {
      const start = Date.parse(i.startedAt);
      const status = i.endedAt ? 'ended' : row.state === 'unknown' ? 'unknown' : 'ongoing';
      const lastLook = row.lastCheckedAt ? Date.parse(row.lastCheckedAt) : start;
      const end = i.endedAt ? Date.parse(i.endedAt) : status === 'unknown' ? Math.max(start, lastLook) : now;
      return {
        id: i.id,
        checkId: check.id,
        checkName: check.name,
        startedAt: i.startedAt,
        endedAt: i.endedAt,
        status,
        durationMs: i.endedAt && i.durationMs !== null ? i.durationMs : end - start,
        lastCheckedAt: row.lastCheckedAt,
        cause: i.cause ? { kind: i.cause.kind, message: i.cause.message } : null,
        notified: i.notifications
          .filter((n) => !n.heldBy)
          .map((n) => ({ ...n, channels: n.undeliveredTo ? [] : channelsTold(check, channels, n.kind) })),
        held: i.notifications.filter((n) => n.heldBy),
      };
    });
}

export function checkSection(history: CheckHistory, channels: ChannelRouting, period: ReportPeriod, now: Date): CheckSection {
  const { check } = history;
  const until = now.getTime();
  const since = until - REPORT_PERIODS[period];
  const read = historyOf(history, now);
  const row = reportRowOf(check, read, history.incidents, new Date(since), now, history.state);
  const bars = alignedStretches(since, until, BAR_MS[period]);
  const points = alignedStretches(since, until, POINT_MS[period]);
  return {
    id: check.id,
    name: check.name,
    type: check.type,
    group: check.group,
    intervalMs: check.intervalMs,
    row,
    bars: barsOf(read, bars),
    ...latencySeries(read, points),
    objectives: check.objectives.map((objective) => ({
      report: objectiveReportOf(objective, check.intervalMs, read, now),
      burnDown: points.map((p) => ({
        at: iso(p.to),
        remainingPercent: budgetLeftAt(objective, check.intervalMs, read, p.to),
      })),
    })),
    incidents: incidentViews(history, channels, row, since, until),
    heartbeat: history.heartbeat ?? null,
  };
}

/**
 * Where a report's stretches start off an hour, or leave out a run at their start, for planning its read
 * (history.ts `planHistory`): the period's start, each objective's window and burn windows back from now,
 * and burn-down windows that do not start on an hour.
 */
export function reportEdges(check: CheckBase, period: ReportPeriod, now: Date): number[] {
  const until = now.getTime();
  return [
    until - REPORT_PERIODS[period],
    ...check.objectives.flatMap((o) => [until - o.window, ...Object.values(BURN_WINDOWS).map((w) => until - w)]),
    ...burnDownStarts(check, period, now).filter((t) => t % HOUR_MS !== 0),
  ];
}

/** Burn-down windows that start on an hour: their day's hourly rollups serve them, no results. */
export function reportHourStarts(check: CheckBase, period: ReportPeriod, now: Date): number[] {
  return burnDownStarts(check, period, now).filter((t) => t % HOUR_MS === 0);
}

function burnDownStarts(check: CheckBase, period: ReportPeriod, now: Date): number[] {
  const until = now.getTime();
  const points = alignedStretches(until - REPORT_PERIODS[period], until, POINT_MS[period]);
  return check.objectives.flatMap((o) => points.map((p) => p.to - o.window));
}

/** From when a report cuts stretches finer than days (hourly bars or points). */
export function reportHoursFrom(period: ReportPeriod, now: Date): number {
  return POINT_MS[period] < DAY_MS ? now.getTime() - REPORT_PERIODS[period] : now.getTime();
}

export function buildReportModel(
  histories: readonly CheckHistory[],
  channels: ChannelRouting,
  period: ReportPeriod,
  now: Date,
): ReportModel {
  const until = now.getTime();
  const since = until - REPORT_PERIODS[period];
  const sections = histories.map((h) => checkSection(h, channels, period, now));
  const groups = new Map<string | null, CheckSection[]>();
  for (const section of sections) groups.set(section.group, [...(groups.get(section.group) ?? []), section]);
  return {
    period,
    since: iso(since),
    until: iso(until),
    barMs: BAR_MS[period],
    pointMs: POINT_MS[period],
    overview: overviewOf(histories, sections, since, now),
    groups: [...groups].map(([name, checks]) => ({ name, checks })),
  };
}

function overviewOf(
  histories: readonly CheckHistory[],
  sections: readonly CheckSection[],
  since: number,
  now: Date,
): ReportOverview {
  const runs = sections.reduce((sum, s) => sum + s.row.runs, 0);
  const upRuns = sections.reduce((sum, s) => sum + Math.round(((s.row.uptimePercent ?? 0) / 100) * s.row.runs), 0);
  const states: Partial<Record<StatusNow, number>> = {};
  for (const s of sections) states[s.row.state] = (states[s.row.state] ?? 0) + 1;
  const incidents = sections.flatMap((s) => s.incidents);
  const ended = incidents.filter((i) => i.status === 'ended' && Date.parse(i.endedAt as string) >= since);
  const kinds = new Map<ErrorKind, number>();
  for (const h of histories) {
    const period = summarize(historyOf(h, now), since, now.getTime(), { openEnd: true });
    for (const [kind, count] of Object.entries(period.errors) as [ErrorKind, number][])
      kinds.set(kind, (kinds.get(kind) ?? 0) + count);
  }
  return {
    availabilityPercent: runs === 0 ? null : Math.floor((upRuns / runs) * 100_000) / 1000,
    checks: sections.length,
    states,
    openIncidents: incidents.filter((i) => i.status === 'ongoing').length,
    unknownIncidents: incidents.filter((i) => i.status === 'unknown').length,
    mttrMs: ended.length === 0 ? null : Math.round(ended.reduce((sum, i) => sum + i.durationMs, 0) / ended.length),
    incidents: incidents.length,
    slowest: sections
      .flatMap((s) => (s.row.latencyMs.p95 === null ? [] : [{ checkId: s.id, name: s.name, p95: s.row.latencyMs.p95 }]))
      .sort((a, b) => b.p95 - a.p95)
      .slice(0, 5),
    errorKinds: [...kinds]
      .map(([kind, count]) => ({ kind, count }))
      .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind))
      .slice(0, 5),
  };
}
