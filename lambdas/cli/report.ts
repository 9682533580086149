/** `vigil report`: uptime, latency percentiles and incidents per check, as a table, JSON, Markdown or an HTML page. */
import { writeFileSync } from 'node:fs';
import type { Config } from '../config/parse.js';
import { mapLimit } from '../core/concurrency.js';
import { UserError } from '../core/errors.js';
import { humanDuration, plural } from '../core/format.js';
import { heartbeatVerdict, runOutcome, runTime } from '../core/heartbeat.js';
import { type History, historyOfResults } from '../core/history.js';
import { isMultiLocation } from '../core/locations.js';
import { type ObjectiveReport, objectiveReportOf } from '../core/objectives.js';
import { HISTORIES_READ_AT_ONCE, readHistory } from '../core/pipeline/rollups.js';
import {
  type CheckReportRow,
  type HeartbeatReport,
  heartbeatReport,
  judgedResults,
  type LocationReportRow,
  locationRows,
  REPORT_PERIODS,
  type ReportPeriod,
  reportRowOf,
} from '../core/report.js';
import { buildReportModel, type CheckHistory, reportEdges, reportHourStarts, reportHoursFrom } from '../core/report-model.js';
import { renderReport } from '../report/report-page.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { openStore } from './store.js';

import { renderTable } from './table.js';

export interface ReportOptions {
  readonly period: string;
  readonly format: 'table' | 'json' | 'markdown' | 'html';
  readonly htmlFile: string | undefined;
  readonly dataDir: string;
  readonly table: string | undefined;
  /** Read every result of the period instead of rollups (the path before rollups; the bench compares them). @default false */
  readonly everyResult?: boolean;
}

const HEADINGS = ['check', 'state', 'last checked', 'runs', 'uptime', 'p50 ms', 'p95 ms', 'p99 ms', 'incidents', 'downtime'];

/** A number as shown in a table, `-` when there is none. */
const show = (n: number | null) => (n === null ? '-' : String(n));

function cells(row: CheckReportRow, now: Date): string[] {
  return [
    row.checkId,
    row.state,
    row.lastCheckedAt ? `${humanDuration(now.getTime() - Date.parse(row.lastCheckedAt))} ago` : 'never',
    String(row.runs),
    row.uptimePercent === null ? '-' : `${percent(row.uptimePercent)}%`,
    show(row.latencyMs.p50),
    show(row.latencyMs.p95),
    show(row.latencyMs.p99),
    String(row.incidents),
    humanDuration(row.downtimeMs),
  ];
}

export async function reportCommand(config: Config, options: ReportOptions, io: CliIo, now = new Date()): Promise<ExitCode> {
  if (!(options.period in REPORT_PERIODS)) throw new UserError(`--period: expected 24h, 7d or 30d, got "${options.period}"`);
  const period = options.period as ReportPeriod;
  const periodMs = REPORT_PERIODS[period];
  const since = new Date(now.getTime() - periodMs);
  const { store, close } = await openStore({ ...options, config, mustHoldData: true });
  const histories: (CheckHistory & { history: History; readonly locations: LocationReportRow[] })[] = await mapLimit(
    config.checks,
    HISTORIES_READ_AT_ONCE,
    async (check) => {
      // Objectives look back over their own windows, which may be longer than the period; the look
      // just before the period vouches for its start.
      const lookBack = Math.max(periodMs + 2 * check.intervalMs, ...check.objectives.map((o) => o.window));
      const start = now.getTime() - lookBack;
      // Rollups of complete hours and days, results only where none answer (lambdas/core/pipeline/rollups.ts);
      // with several locations, each window's judgement (what paged), and what each location saw apart.
      const [history, incidents, state, located] = await Promise.all([
        options.everyResult
          ? store
              .listResults(check.id, new Date(start), now)
              .then((r) => historyOfResults(judgedResults(check, r), check, start, now.getTime()))
          : readHistory(store, check, {
              start,
              now: now.getTime(),
              edges: reportEdges(check, period, now),
              hourStarts: reportHourStarts(check, period, now),
              looksBefore: [since.getTime()],
              hoursFrom: reportHoursFrom(period, now),
            }),
        store.listIncidents(check.id),
        store.getState(check.id),
        isMultiLocation(check) ? store.listResults(check.id, since, now) : Promise.resolve([]),
      ]);
      const heartbeat =
        check.type === 'heartbeat'
          ? heartbeatReport(
              await store.listRuns(check.id, since, now),
              heartbeatVerdict(check, await store.readHeartbeat(check.id, now), now).summary,
            )
          : null;
      const locations = locationRows(check, located, since, now);
      return { check, results: [], history, incidents, state, heartbeat, locations };
    },
  ).finally(close);
  if (options.format === 'html') {
    writeHtml(options.htmlFile as string, renderReport(buildReportModel(histories, config.channels, period, now)));
    io.stdout(`report written to ${options.htmlFile}`);
    return EXIT.ok;
  }
  const rows = histories.map(({ check, history, incidents, state, heartbeat, locations }) => ({
    ...reportRowOf(check, history, incidents, since, now, state),
    objectives: check.objectives.map((o) => objectiveReportOf(o, check.intervalMs, history, now)),
    ...(locations.length > 0 ? { locations } : {}),
    ...(heartbeat ? { heartbeat } : {}),
  }));
  const title = `Vigil report: ${options.period} to ${now.toISOString()}`;
  const objectiveRows = rows.flatMap((r) => r.objectives.map((o) => objectiveCells(r.checkId, o)));
  const heartbeatRows = rows.flatMap((r) => (r.heartbeat ? [heartbeatCells(r.checkId, r.heartbeat)] : []));
  const locationLines = rows.flatMap((r) => (r.locations ?? []).map((l) => locationCells(r.checkId, l)));
  const sections = [
    { title: 'Locations', headings: LOCATION_HEADINGS, body: locationLines },
    { title: 'Objectives', headings: OBJECTIVE_HEADINGS, body: objectiveRows },
    { title: 'Heartbeats', headings: HEARTBEAT_HEADINGS, body: heartbeatRows },
  ].filter((section) => section.body.length > 0);
  const unwatched = rows.flatMap((r) =>
    r.unwatched.length === 0
      ? []
      : [
          `not watched: ${r.checkId} ${r.unwatched.map((u) => `${u.from} to ${u.to}`).join(', ')} (${humanDuration(
            periodMs - r.watchedMs,
          )}, counted neither up nor down)`,
        ],
  );
  switch (options.format) {
    case 'json':
      io.stdout(
        JSON.stringify({ period: options.period, since: since.toISOString(), until: now.toISOString(), checks: rows }, null, 2),
      );
      break;
    case 'markdown': {
      const table = (headings: readonly string[], body: readonly string[][]) => [
        `| ${headings.join(' | ')} |`,
        `|${headings.map(() => '---').join('|')}|`,
        ...body.map((cellsOfRow) => `| ${cellsOfRow.join(' | ')} |`),
      ];
      const more = sections.flatMap((section) => ['', `## ${section.title}`, '', ...table(section.headings, section.body)]);
      const notes = unwatched.length > 0 ? ['', ...unwatched.map((line) => `- ${line}`)] : [];
      io.stdout(
        [
          `# ${title}`,
          '',
          ...table(
            HEADINGS,
            rows.map((r) => cells(r, now)),
          ),
          ...notes,
          ...more,
        ].join('\n'),
      );
      break;
    }
    case 'table': {
      const more = sections.map(
        (section) => `\n\n${renderTable([section.headings.map((h) => h.toUpperCase()), ...section.body])}`,
      );
      const notes = unwatched.length > 0 ? `\n\n${unwatched.join('\n')}` : '';
      io.stdout(
        `${title}\n\n${renderTable([HEADINGS.map((h) => h.toUpperCase()), ...rows.map((r) => cells(r, now))])}${notes}${more.join('')}`,
      );
    }
  }
  return EXIT.ok;
}

const LOCATION_HEADINGS = ['check', 'location', 'runs', 'uptime', 'p50 ms', 'p95 ms', 'control failed'];

/** What one location saw of a check: "api", "eu", "1440", "99.93%", latency, runs its control probe failed. */
function locationCells(checkId: string, l: LocationReportRow): string[] {
  return [
    checkId,
    l.location,
    String(l.runs),
    l.uptimePercent === null ? '-' : `${percent(l.uptimePercent)}%`,
    show(l.latencyMs.p50),
    show(l.latencyMs.p95),
    String(l.unusableRuns),
  ];
}

const OBJECTIVE_HEADINGS = ['check', 'objective', 'attained', 'budget left', 'burn 5m / 1h / 6h / 3d', 'runs out'];

/** One objective's line: "99.95%", "52% (21 more failed runs)", "0 / 1.2 / 0.4 / 0.1", the time it runs out. */
function objectiveCells(checkId: string, o: ObjectiveReport): string[] {
  return [
    checkId,
    o.objective,
    o.attainmentPercent === null ? '-' : `${percent(o.attainmentPercent)}%`,
    `${o.budgetRemainingPercent}% (${plural(o.failedRunsLeft, 'more failed run')})`,
    (['5m', '1h', '6h', '3d'] as const).map((w) => show(o.burnRates[w])).join(' / '),
    o.exhaustedAt ?? (o.budgetRemainingPercent <= 0 ? 'spent' : '-'),
  ];
}

const HEARTBEAT_HEADINGS = ['check', 'runs', 'succeeded', 'run p50 / p95 / max', 'last run', 'next expected by'];

/** A heartbeat's line: "12 (1 failed)", "91.6%", "4m 2s / 5m 40s / 6m", "failed (exit 3) 2026-…", the next due time. */
function heartbeatCells(checkId: string, h: HeartbeatReport): string[] {
  const took = (ms: number | null) => (ms === null ? '-' : runTime(ms));
  const last = h.lastRun;
  return [
    checkId,
    `${h.runs}${h.failed > 0 ? ` (${h.failed} failed)` : ''}`,
    h.successPercent === null ? '-' : `${percent(h.successPercent)}%`,
    [h.durationMs.p50, h.durationMs.p95, h.durationMs.max].map(took).join(' / '),
    last ? `${runOutcome(last)} ${last.endedAt}` : 'none reported',
    h.running ? `${h.nextExpectedAt} (running since ${h.running.startedAt})` : h.nextExpectedAt,
  ];
}

/** 100 → "100", 66.667 → "66.67", 99.95 → "99.95": two decimals at most, never rounded up to 100. */
function percent(value: number): string {
  const floored = Math.floor(value * 100) / 100;
  return String(floored);
}

/** Writes a page the command made; a path that cannot be written is the user's to fix, in one line. */
export function writeHtml(file: string, html: string, flag = '--html'): void {
  try {
    writeFileSync(file, html);
  } catch (error) {
    throw new UserError(`${flag}: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
