/** `vigil report`: uptime, latency percentiles and incidents per check, as a table, JSON, Markdown or HTML. */
import { writeFileSync } from 'node:fs';
import type { Config } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { humanDuration, plural } from '../core/format.js';
import { heartbeatVerdict, runOutcome, runTime } from '../core/heartbeat.js';
import { type ObjectiveReport, objectiveReport } from '../core/objectives.js';
import {
  type CheckReportRow,
  type HeartbeatReport,
  heartbeatReport,
  judgedResults,
  type LocationReportRow,
  locationRows,
  REPORT_PERIODS,
  type ReportPeriod,
  reportRow,
} from '../core/report.js';
import { forHtml } from '../core/untrusted.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { openStore } from './store.js';
import { renderTable } from './table.js';

export interface ReportOptions {
  readonly period: string;
  readonly format: 'table' | 'json' | 'markdown' | 'html';
  readonly htmlFile: string | undefined;
  readonly dataDir: string;
  readonly table: string | undefined;
}

const HEADINGS = ['check', 'runs', 'uptime', 'p50 ms', 'p95 ms', 'p99 ms', 'incidents', 'downtime'];

/** A number as shown in a table, `-` when there is none. */
const show = (n: number | null) => (n === null ? '-' : String(n));

function cells(row: CheckReportRow): string[] {
  return [
    row.checkId,
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
  const periodMs = REPORT_PERIODS[options.period as ReportPeriod];
  const since = new Date(now.getTime() - periodMs);
  const { store, close } = await openStore({ ...options, config, mustHoldData: true });
  const rows = await Promise.all(
    config.checks.map(async (check) => {
      // Objectives look back over their own windows, which may be longer than the period.
      const lookBack = Math.max(periodMs, ...check.objectives.map((o) => o.window));
      const stored = await store.listResults(check.id, new Date(now.getTime() - lookBack), now);
      const recent = stored.filter((r) => Date.parse(r.startedAt) >= since.getTime());
      // Probed from several locations: uptime and objectives from the windows as judged, and each location apart.
      const results = judgedResults(check, stored);
      const inPeriod = judgedResults(check, recent);
      const locations = locationRows(check, recent, since, now);
      return {
        ...reportRow(check, inPeriod, await store.listIncidents(check.id), since, now),
        objectives: check.objectives.map((o) => objectiveReport(o, check.intervalMs, results, now)),
        ...(locations.length > 0 ? { locations } : {}),
        ...(check.type === 'heartbeat'
          ? {
              heartbeat: heartbeatReport(
                await store.listRuns(check.id, since, now),
                heartbeatVerdict(check, await store.readHeartbeat(check.id, now), now).summary,
              ),
            }
          : {}),
      };
    }),
  ).finally(close);
  const title = `Vigil report: ${options.period} to ${now.toISOString()}`;
  const objectiveRows = rows.flatMap((r) => r.objectives.map((o) => objectiveCells(r.checkId, o)));
  const heartbeatRows = rows.flatMap((r) => (r.heartbeat ? [heartbeatCells(r.checkId, r.heartbeat)] : []));
  const locationLines = rows.flatMap((r) => (r.locations ?? []).map((l) => locationCells(r.checkId, l)));
  const sections = [
    { title: 'Locations', headings: LOCATION_HEADINGS, body: locationLines },
    { title: 'Objectives', headings: OBJECTIVE_HEADINGS, body: objectiveRows },
    { title: 'Heartbeats', headings: HEARTBEAT_HEADINGS, body: heartbeatRows },
  ].filter((section) => section.body.length > 0);
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
      io.stdout([`# ${title}`, '', ...table(HEADINGS, rows.map(cells)), ...more].join('\n'));
      break;
    }
    case 'html': {
      const table = (headings: readonly string[], body: readonly string[][]) =>
        `<table border="1" cellpadding="4"><thead><tr>${headings.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>\n${body
          .map((cellsOfRow) => `<tr>${cellsOfRow.map((c) => `<td>${forHtml(c)}</td>`).join('')}</tr>`)
          .join('\n')}\n</tbody></table>`;
      const more = sections.map((section) => `\n<h2>${section.title}</h2>\n${table(section.headings, section.body)}`).join('');
      const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${forHtml(title)}</title></head>\n<body><h1>${forHtml(title)}</h1>\n${table(HEADINGS, rows.map(cells))}${more}</body></html>\n`;
      try {
        writeFileSync(options.htmlFile as string, html);
      } catch (error) {
        throw new UserError(
          `--html: cannot write ${options.htmlFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      io.stdout(`report written to ${options.htmlFile}`);
      break;
    }
    case 'table': {
      const more = sections.map(
        (section) => `\n\n${renderTable([section.headings.map((h) => h.toUpperCase()), ...section.body])}`,
      );
      io.stdout(`${title}\n\n${renderTable([HEADINGS.map((h) => h.toUpperCase()), ...rows.map(cells)])}${more.join('')}`);
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
