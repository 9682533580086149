/**
 * `vigil monitor` on a terminal: a table of the checks (state, last latency, uptime since the start,
 * next run, alerts held) kept at the bottom of the screen and redrawn in place, at most a few times a
 * second; alerts, state changes and log lines scroll above it as they come. Off a terminal (a pipe, a
 * file, `npm start`) the monitor prints its plain lines instead and none of this runs.
 *
 * `renderView` is pure (the board's rows in, lines out); `LiveView` owns the cursor.
 */
import type { ReportedStatus } from '../core/check-state.js';
import { humanDuration, plural } from '../core/format.js';
import { timedUnderLag } from '../core/trusted-latency.js';
import { forTerminal } from '../core/untrusted.js';
import type { BoardEntry } from '../local/check-board.js';
import type { Terminal } from './io.js';
import { formatMs } from './table.js';

/** One check's row as the view shows it. */
export interface ViewRow {
  readonly checkId: string;
  readonly state: ReportedStatus;
  /** The last result's total time; null before the first result or for a heartbeat (it times nothing). */
  readonly latencyMs: number | null;
  /** The last result's error kind when it was down: how fast it failed says little. */
  readonly error: string | null;
  /** Whether that time was taken under Vigil's own event-loop lag (shown, not trusted). */
  readonly lagged: boolean;
  /** Results since the start and how many were not down. */
  readonly runs: number;
  readonly available: number;
  /** Milliseconds until it next runs; null while it runs. */
  readonly nextRunInMs: number | null;
  readonly held: number;
  readonly lastHeld: string | null;
}

/** The rows of the board, with when each check next runs (monotonic ms, null while running). */
export function viewRows(entries: readonly BoardEntry[], nextRunAt: (checkId: string) => number | null, now: number): ViewRow[] {
  return entries.map((entry) => {
    const next = nextRunAt(entry.check.id);
    const { up, degraded, down } = entry.results;
    return {
      checkId: entry.check.id,
      state: entry.state,
      latencyMs: entry.last && !entry.last.heartbeat ? entry.last.timings.totalMs : null,
      error: entry.last?.error?.kind ?? null,
      lagged: entry.last ? timedUnderLag(entry.last) : false,
      runs: up + degraded + down,
      available: up + degraded,
      nextRunInMs: next === null ? null : Math.max(0, next - now),
      held: entry.held,
      lastHeld: entry.lastHeld,
    };
  });
}

export interface ViewOptions {
  /** Columns the terminal has: no line is longer (a longer one would wrap and break the redraw). */
  readonly width: number;
  /** Lines the view may take at most: past that the worst checks are shown, and how many are not. */
  readonly height: number;
  readonly color: boolean;
  /** Wall time of the redraw, shown in the heading. */
  readonly at: Date;
}

/** Worst first, when not every check fits. */
const SEVERITY: Record<ReportedStatus, number> = { down: 0, pending: 1, degraded: 2, maintenance: 3, unknown: 4, up: 5 };

/** SGR colours per state: red, yellow, yellow, blue, dim, green. */
const COLOUR: Record<ReportedStatus, string> = {
  down: '31;1',
  pending: '33',
  degraded: '33',
  maintenance: '34',
  unknown: '2',
  up: '32',
};

const HEADINGS = ['CHECK', 'STATE', 'LAST', 'UPTIME', 'NEXT', 'HELD'] as const;
/** Columns that may be cut when the terminal is narrow, last first: HELD, then CHECK. */
const SHRINKABLE = [5, 0] as const;
const MIN_SHRUNK = 8;

/** The view's lines: a heading, the table's heading, one row per check (as many as fit). Pure. */
export function renderView(rows: readonly ViewRow[], options: ViewOptions): string[] {
  const counts = new Map<ReportedStatus, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  const summary = (Object.keys(SEVERITY) as ReportedStatus[])
    .filter((state) => counts.has(state))
    .sort((a, b) => SEVERITY[a] - SEVERITY[b])
    .map((state) => `${counts.get(state)} ${state}`)
    .join(' · ');
  const heading = `vigil monitor · ${plural(rows.length, 'check')}${summary ? ` · ${summary}` : ''} · ${options.at.toISOString().slice(11, 19)}`;

  // Heading, column headings and, when some are left out, a line saying so.
  const room = Math.max(1, options.height - 2);
  const fits = rows.length <= room;
  const shown = fits
    ? rows
    : [...rows]
        .map((row, index) => ({ row, index }))
        .sort((a, b) => SEVERITY[a.row.state] - SEVERITY[b.row.state] || a.index - b.index)
        .slice(0, room - 1)
        .map(({ row }) => row);
  const cells = [[...HEADINGS], ...shown.map(cellsOf)];
  const widths = fitWidths(cells, options.width);
  const lines = [
    cut(heading, options.width),
    ...cells.map((row, index) => {
      const padded = row.map((cell, col) => {
        const text = cut(cell, widths[col] as number);
        return col === row.length - 1 ? text : text.padEnd(widths[col] as number);
      });
      // Too narrow even with HELD gone and CHECK cut: the line is cut, the colour only where it all shows.
      const line = cut(padded.join('  ').trimEnd(), options.width);
      const state = index === 0 ? null : (shown[index - 1] as ViewRow).state;
      const from = (padded[0] as string).length + 2;
      const to = from + (padded[1] as string).length;
      if (!state || !options.color || to > line.length) return line;
      return `${line.slice(0, from)}\u001b[${COLOUR[state]}m${line.slice(from, to)}\u001b[0m${line.slice(to)}`;
    }),
  ];
  if (!fits) lines.push(cut(`… ${plural(rows.length - shown.length, 'more check')} (the worst are shown)`, options.width));
  return lines;
}

function cellsOf(row: ViewRow): string[] {
  const latency = row.error
    ? `✗ ${row.error}`
    : row.latencyMs === null
      ? '-'
      : `${formatMs(row.latencyMs)}${row.lagged ? ' (lag)' : ''}`;
  const uptime = row.runs === 0 ? '-' : `${formatPercent((row.available / row.runs) * 100)} of ${row.runs}`;
  const next =
    row.nextRunInMs === null
      ? 'running'
      : row.nextRunInMs === 0
        ? 'now'
        : `in ${humanDuration(Math.ceil(row.nextRunInMs / 1_000) * 1_000)}`;
  const held = row.held === 0 ? '' : `${row.held}${row.lastHeld ? `: ${row.lastHeld}` : ''}`;
  return [row.checkId, row.state, latency, uptime, next, held].map(forTerminal);
}

/** 100 → "100%", 99.5 → "99.5%", 99.99 → "99.99%"; never rounded up to 100 while one run was down. */
function formatPercent(percent: number): string {
  if (percent === 100) return '100%';
  return `${Math.min(99.99, Math.floor(percent * 100) / 100)}%`;
}

/** Column widths that fit `width` with two spaces between columns: HELD is cut first, then CHECK. */
function fitWidths(cells: readonly (readonly string[])[], width: number): number[] {
  const widths = HEADINGS.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  let over = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) - width;
  for (const col of SHRINKABLE) {
    if (over <= 0) break;
    const floor = Math.min(widths[col] as number, col === 5 ? 0 : MIN_SHRUNK);
    const take = Math.min(over, (widths[col] as number) - floor);
    widths[col] = (widths[col] as number) - take;
    over -= take;
  }
  return widths;
}

/** `text` in at most `width` characters, "…" marking a cut. */
function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 0 ? '' : `${text.slice(0, width - 1)}…`;
}

/** Redraws at most this often; log lines in between wait for the next. */
const REDRAW_MS = 250;
/** Redrawn at least this often, so "next run" counts down. */
const TICK_MS = 1_000;

/**
 * Keeps the view at the bottom of the terminal: a line printed above it erases the view, is written,
 * and the view is drawn again below it (soon, not at once: at most every REDRAW_MS).
 */
export class LiveView {
  private drawn = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastDraw = 0;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly terminal: Terminal,
    private readonly rows: () => readonly ViewRow[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.ticker = setInterval(() => this.redraw(), TICK_MS);
    this.ticker.unref();
  }

  /** Prints above the view: `print` writes whole lines (to the terminal, or to stderr, which may be another). */
  above(print: () => void): void {
    this.erase();
    print();
    if (Date.now() - this.lastDraw >= REDRAW_MS) this.draw();
    else this.redraw();
  }

  /** Draws the view soon, once however often asked before then. */
  redraw(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastDraw + REDRAW_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, wait);
    this.timer.unref();
  }

  /** Draws a last time and leaves the view on the screen; lines after it go below. */
  stop(): void {
    clearInterval(this.ticker);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.draw();
    this.drawn = 0;
  }

  private draw(): void {
    this.lastDraw = Date.now();
    // One column spare: a line as wide as the terminal wraps on some terminals.
    const lines = renderView(this.rows(), {
      width: Math.max(20, (this.terminal.columns() || 80) - 1),
      height: Math.max(3, (this.terminal.rows() || 24) - 2),
      color: this.terminal.color,
      at: this.now(),
    });
    this.erase();
    this.terminal.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  /** Moves up over the view and clears from there to the end of the screen. */
  private erase(): void {
    if (this.drawn > 0) this.terminal.write(`\u001b[${this.drawn}A\r\u001b[J`);
    this.drawn = 0;
  }
}
