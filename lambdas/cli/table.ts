/** Plain-text tables for the terminal. Cells may quote a target, so control characters are made visible. */
import { describeHeartbeat } from '../core/heartbeat.js';
import type { CheckReport } from '../core/summary.js';
import { timedUnderLag } from '../core/trusted-latency.js';
import type { CheckResult } from '../core/types.js';
import { forTerminal } from '../core/untrusted.js';

export function renderTable(table: readonly (readonly string[])[]): string {
  const rows = table.map((row) => row.map(forTerminal));
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatMs(ms: number | null): string {
  return ms === null ? '-' : `${ms.toFixed(1)} ms`;
}

/** Why a result is not up; for a heartbeat what its runs look like; timings taken while Vigil itself was slow. */
export function reasonOf(result: CheckResult): string {
  const notes = [
    result.error ? `${result.error.kind}: ${result.error.message}` : (result.detail ?? ''),
    result.heartbeat ? describeHeartbeat(result.heartbeat) : '',
    timedUnderLag(result) ? `timed under ${result.loopLagMs} ms of event-loop lag` : '',
  ];
  return notes.filter(Boolean).join(' · ');
}

export function renderCheckReport(report: CheckReport): string {
  const rows = [
    ['CHECK', 'STATUS', 'HTTP', 'TOTAL', 'DETAIL'],
    ...report.results.map((r) => [
      // Probed from several locations, each result is one location's.
      r.location ? `${r.checkId} @${r.location}` : r.checkId,
      r.status,
      r.httpStatus === null ? '-' : String(r.httpStatus),
      r.heartbeat ? '-' : formatMs(r.timings.totalMs),
      reasonOf(r),
    ]),
  ];
  const { up, degraded, down } = report.summary;
  return `${renderTable(rows)}\n\n${up} up, ${degraded} degraded, ${down} down`;
}
