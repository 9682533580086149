/** `vigil report`: uptime, latency percentiles and incidents per check, as a table, JSON, Markdown or HTML. */
import { writeFileSync } from 'node:fs';
import type { Config } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { humanDuration } from '../core/format.js';
import { type CheckReportRow, REPORT_PERIODS, type ReportPeriod, reportRow } from '../core/report.js';
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

function cells(row: CheckReportRow): string[] {
  const show = (n: number | null) => (n === null ? '-' : String(n));
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
  const since = new Date(now.getTime() - REPORT_PERIODS[options.period as ReportPeriod]);
  const { store, close } = await openStore({ ...options, config, mustHoldData: true });
  const rows = await Promise.all(
    config.checks.map(async (check) =>
      reportRow(check, await store.listResults(check.id, since, now), await store.listIncidents(check.id), since, now),
    ),
  ).finally(close);
  const title = `Vigil report: ${options.period} to ${now.toISOString()}`;
  switch (options.format) {
    case 'json':
      io.stdout(
        JSON.stringify({ period: options.period, since: since.toISOString(), until: now.toISOString(), checks: rows }, null, 2),
      );
      break;
    case 'markdown':
      io.stdout(
        [
          `# ${title}`,
          '',
          `| ${HEADINGS.join(' | ')} |`,
          `|${HEADINGS.map(() => '---').join('|')}|`,
          ...rows.map((r) => `| ${cells(r).join(' | ')} |`),
        ].join('\n'),
      );
      break;
    case 'html': {
      const head = HEADINGS.map((h) => `<th>${h}</th>`).join('');
      const body = rows
        .map(
          (r) =>
            `<tr>${cells(r)
              .map((c) => `<td>${forHtml(c)}</td>`)
              .join('')}</tr>`,
        )
        .join('\n');
      const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${forHtml(title)}</title></head>\n<body><h1>${forHtml(title)}</h1>\n<table border="1" cellpadding="4"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></body></html>\n`;
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
    case 'table':
      io.stdout(`${title}\n\n${renderTable([HEADINGS.map((h) => h.toUpperCase()), ...rows.map(cells)])}`);
  }
  return EXIT.ok;
}

/** 100 → "100", 66.667 → "66.67", 99.95 → "99.95": two decimals at most, never rounded up to 100. */
function percent(value: number): string {
  const floored = Math.floor(value * 100) / 100;
  return String(floored);
}
