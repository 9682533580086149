/**
 * `vigil monitor` on a terminal (lambdas/cli/monitor-view.ts): the view rendered from rows as a pure
 * function, then the real executable on a pseudo-terminal (`script`), stopped with Ctrl-C as a person would.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderView, type ViewRow, viewRows } from '../../lambdas/cli/monitor-view.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { CheckBoard } from '../../lambdas/local/check-board.js';
import { VIGIL, waitFor } from '../support/cli.js';
import { failingResult } from '../support/events.js';
import { refusedPort, startHttp } from '../support/servers.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const plain = (line: string) => line.replace(ANSI, '').replace(/\r/g, '');
const AT = new Date('2026-11-22T10:00:05.000Z');

const row = (checkId: string, fields: Partial<ViewRow> = {}): ViewRow => ({
  checkId,
  state: 'up',
  latencyMs: 42.25,
  error: null,
  lagged: false,
  runs: 200,
  available: 199,
  nextRunInMs: 12_300,
  held: 0,
  lastHeld: null,
  ...fields,
});

describe('the live view, rendered', () => {
  it('shows one row per check: state, last latency or error, uptime since the start, next run, held alerts', () => {
    const lines = renderView(
      [
        row('api'),
        row('db', { state: 'down', error: 'connect_refused', runs: 4, available: 0, nextRunInMs: null }),
        row('slow', { state: 'degraded', latencyMs: 950, lagged: true, held: 2, lastHeld: 'silenced until 11:00 (deploy)' }),
        row('fresh', { state: 'unknown', latencyMs: null, runs: 0, available: 0, nextRunInMs: 0 }),
      ],
      { width: 100, height: 20, color: false, at: AT },
    );
    expect(lines).toEqual([
      'vigil monitor · 4 checks · 1 down · 1 degraded · 1 unknown · 1 up · 10:00:05',
      'CHECK  STATE     LAST               UPTIME        NEXT     HELD',
      'api    up        42.3 ms            99.5% of 200  in 13s',
      'db     down      ✗ connect_refused  0% of 4       running',
      'slow   degraded  950.0 ms (lag)     99.5% of 200  in 13s   2: silenced until 11:00 (deploy)',
      'fresh  unknown   -                  -             now',
    ]);
  });

  it('colours the state only when asked, and never counts the colour codes as width', () => {
    const rows = [row('api'), row('db', { state: 'down', error: 'timeout' })];
    const coloured = renderView(rows, { width: 80, height: 20, color: true, at: AT });
    expect(coloured[2]).toContain('\u001b[32mup   \u001b[0m');
    expect(coloured[3]).toContain('\u001b[31;1mdown \u001b[0m');
    expect(coloured.map(plain)).toEqual(renderView(rows, { width: 80, height: 20, color: false, at: AT }));
  });

  it('fits a narrow terminal: held reasons are cut first, then check ids; no line is wider than the terminal', () => {
    const rows = [
      row('a-check-with-a-rather-long-identifier-for-its-service', { held: 1, lastHeld: 'flapping: '.repeat(20) }),
      row('b'),
    ];
    for (const width of [40, 60, 80, 120]) {
      const lines = renderView(rows, { width, height: 10, color: true, at: AT }).map(plain);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(width);
    }
    const wide = renderView(rows, { width: 110, height: 10, color: false, at: AT });
    expect(wide[2]).toMatch(/^a-check-with-a-rather-long-identifier-for-its-service {2}up .*1: flapping.*…$/);
    expect(wide[2]).toHaveLength(110);
    const narrow = renderView(rows, { width: 60, height: 10, color: false, at: AT });
    expect(narrow[2]).toMatch(/^a-check-with-a-\S*… {2}up /);
    expect(narrow[2]).not.toContain('flapping');
  });

  it('shows the worst checks first when not all fit, and says how many are left out', () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(`c${i}`, i === 17 ? { state: 'down', error: 'dns' } : {}));
    const lines = renderView(rows, { width: 80, height: 6, color: false, at: AT });
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^c17 +down/);
    expect(lines[3]).toMatch(/^c0 +up/);
    expect(lines[5]).toBe('… 27 more checks (the worst are shown)');
  });

  it('makes what a target said harmless: control characters in a held reason are shown, not obeyed', () => {
    const [, , line] = renderView([row('api', { held: 1, lastHeld: 'x\u001b[2J\ry' })], {
      width: 120,
      height: 10,
      color: false,
      at: AT,
    });
    expect(line).toContain('1: x\\x1b[2J\\x0dy');
  });

  it('reads its rows off the board: state, uptime, a heartbeat without latency, the next run from the runner', () => {
    const board = new CheckBoard([
      { id: 'api', name: 'API', type: 'http' },
      { id: 'job', name: 'Nightly', type: 'heartbeat' },
    ]);
    const result = (status: CheckResult['status'], fields: Partial<CheckResult> = {}): CheckResult => ({
      ...failingResult,
      status,
      error: status === 'down' ? failingResult.error : null,
      ...fields,
    });
    board.result(result('up'));
    board.result(result('down', { startedAt: '2026-11-22T10:00:01.000Z' }));
    board.decided({ checkId: 'api', outcome: 'decided', held: [], change: { from: 'up', to: 'pending' } });
    board.known('api', 'up'); // the store's state at start does not undo a decision
    board.result(
      result('up', {
        checkId: 'job',
        heartbeat: { lastRun: null, running: [], nextExpectedAt: '', successRatePercent: null, since: '', reports: 0 } as never,
      }),
    );
    const rows = viewRows(board.entries(), (id) => (id === 'api' ? 5_500 : null), 1_000);
    expect(rows).toEqual([
      expect.objectContaining({
        checkId: 'api',
        state: 'pending',
        error: 'http_status',
        runs: 2,
        available: 1,
        nextRunInMs: 4_500,
      }),
      expect.objectContaining({ checkId: 'job', state: 'unknown', latencyMs: null, runs: 1, nextRunInMs: null }),
    ]);
  });
});

/** Environment variables Node's `hasColors()` reads before TERM that can take colours away. */
const COLOUR_DECIDERS = new Set(['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS', 'CI', 'TMUX', 'TEAMCITY_VERSION']);

describe('vigil monitor on a terminal', () => {
  it('draws the table in place below the alert lines, and stops on Ctrl-C (a pseudo-terminal)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-view-'));
    const target = await startHttp((_req, res) => res.end('ok'));
    const refused = await refusedPort();
    try {
      const config = join(dir, 'vigil.json');
      writeFileSync(
        config,
        JSON.stringify({
          defaults: { interval: '1s', timeout: '500ms', failureThreshold: 1 },
          checks: [
            { id: 'web', type: 'http', url: `${target.url}/` },
            { id: 'db', type: 'tcp', host: '127.0.0.1', port: refused },
          ],
        }),
      );
      const command = `stty cols 72 rows 20; exec '${process.execPath}' '${VIGIL}' monitor --config '${config}' --data '${join(dir, 'data')}'`;
      // A colour terminal, whatever runs the tests: CI has TERM unset and CI set, and Node reads either as
      // a terminal without colours.
      const inherited = Object.entries(process.env).filter(([name]) => !COLOUR_DECIDERS.has(name));
      const env = { ...Object.fromEntries(inherited), TERM: 'xterm-256color' };
      const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await waitFor('the view with both checks run twice', () => /web +up +\S+ ms +100% of [2-9]/.test(plain(out)), 20_000);
      await waitFor('the db row', () => /db +down +✗ connect_refused +0% of/.test(plain(out)), 20_000);
      child.stdin.write('\u0003'); // Ctrl-C, through the terminal
      expect(await exited).toBe(0);

      const lines = out.split(/\r?\n/);
      // Redrawn in place: up over the table, cleared, drawn again.
      expect(out).toContain('\u001b[4A\r\u001b[J');
      expect(out).toContain('\u001b[32mup');
      expect(lines.map(plain)).toContain('ALERT CRITICAL DOWN: db: connection refused by 127.0.0.1');
      // No per-result lines: the table shows each check's last result.
      expect(lines.map(plain).filter((l) => / web up 200 /.test(l))).toEqual([]);
      // Every line of the view fits the terminal's 72 columns (log lines above it may wrap).
      const view = lines.map(plain).filter((l) => /^(vigil monitor ·|CHECK|web|db) /.test(l));
      expect(view.length).toBeGreaterThan(4);
      expect(Math.max(...view.map((l) => l.length))).toBeLessThan(72);
      expect(plain(lines.filter(Boolean).at(-1) ?? '')).toBe('vigil monitor: stopped');
    } finally {
      await target.close();
    }
  }, 40_000);
});
