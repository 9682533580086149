/**
 * Staleness through the commands, and `vigil status-page`'s edges: on the known history
 * (test/report/known-history.ts) `web` was left down when its monitor stopped; `incidents` and
 * `report` call that unknown and count no downtime past the last look. Bad input is one line, exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { incidentsCommand } from '../../lambdas/cli/incidents.js';
import type { CliIo } from '../../lambdas/cli/io.js';
import { runCli } from '../../lambdas/cli/main.js';
import { reportCommand } from '../../lambdas/cli/report.js';
import { statusPageCommand } from '../../lambdas/cli/status-page.js';
import { HOSTILE_ERROR, KNOWN_DOCUMENT, knownConfig, knownHistory, NOW } from '../report/known-history.js';
import { seedHistory } from '../support/history.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    signal: new AbortController().signal,
    fetch: globalThis.fetch,
  };
  return { io, out, err };
}

describe('staleness and the status page through the CLI', () => {
  let dataDir: string;
  let configFile: string;
  const read = () => ({ dataDir, table: undefined });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-pages-cli-'));
    await seedHistory(dataDir, knownConfig, knownHistory());
    configFile = join(dataDir, 'vigil.json');
    writeFileSync(configFile, JSON.stringify(KNOWN_DOCUMENT));
  });

  it('incidents: an incident left open when the monitor stopped is unknown, not ongoing', async () => {
    const json = capture();
    await incidentsCommand(knownConfig, { checkId: undefined, json: true, ...read() }, json.io, new Date(NOW));
    const { incidents } = JSON.parse(json.out.join(''));
    expect(incidents.map((i: { checkId: string; status: string }) => [i.checkId, i.status])).toEqual([
      ['web', 'unknown'],
      ['api', 'ended'],
    ]);
    expect(incidents[0].lastCheckedAt).toBe('2026-11-22T05:50:00.000Z');
    const table = capture();
    await incidentsCommand(knownConfig, { checkId: 'web', json: false, ...read() }, table.io, new Date(NOW));
    expect(table.out.join('')).toContain('unknown: not watched since 2026-11-22T05:50:00.000Z');
    expect(table.out.join('')).not.toContain('ongoing');
  });

  it('report: counts downtime only while watched, and says when nothing was', async () => {
    const json = capture();
    await reportCommand(knownConfig, { period: '24h', format: 'json', htmlFile: undefined, ...read() }, json.io, new Date(NOW));
    const web = JSON.parse(json.out.join('')).checks.find((c: { checkId: string }) => c.checkId === 'web');
    // Down from 05:40; the last look at 05:50 vouches for two intervals, to 06:10.
    expect(web).toMatchObject({
      state: 'unknown',
      lastCheckedAt: '2026-11-22T05:50:00.000Z',
      downtimeMs: 30 * 60_000,
      unwatched: [{ from: '2026-11-22T06:10:00.000Z', to: '2026-11-22T12:00:00.000Z' }],
    });
    const table = capture();
    await reportCommand(knownConfig, { period: '24h', format: 'table', htmlFile: undefined, ...read() }, table.io, new Date(NOW));
    expect(table.out.join('')).toContain('not watched: web 2026-11-22T06:10:00.000Z to 2026-11-22T12:00:00.000Z');
  });

  it('status-page --show errors,latency adds causes and latency, escaped in the page', async () => {
    const outDir = join(dataDir, 'shown');
    const run = capture();
    const show = 'errors,latency';
    await statusPageCommand(knownConfig, { outDir, title: undefined, show, ...read() }, run.io, new Date(NOW));
    expect(run.out.join('')).toContain('index.html');
    const feed = JSON.parse(readFileSync(join(outDir, 'status.json'), 'utf8'));
    expect(feed.incidents.open[0].cause).toEqual({ kind: 'protocol', message: HOSTILE_ERROR });
    expect(feed.groups[0].checks[1].latencyMs).toEqual({ p50: 200, p95: 200 });
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).not.toContain(HOSTILE_ERROR);
    expect(html).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
  });

  it.each([
    [['status-page'], 'status-page needs --out DIR'],
    [['status-page', '--out', 'OUT', '--show', 'urls'], '--show: expected errors and/or latency'],
    [['status-page', '--out', 'FILE'], 'not a folder'],
    [['status-page', '--out', 'OUT', '--markdown'], 'status-page does not take --markdown'],
  ])('vigil %j: one line, exit 2', async (args, message) => {
    const file = join(dataDir, 'a-file');
    writeFileSync(file, '');
    const argv = args.map((a) => (a === 'OUT' ? join(dataDir, 'out') : a === 'FILE' ? file : a));
    const run = capture();
    expect(await runCli([...argv, '--config', configFile, '--data', dataDir], run.io)).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toContain(message);
  });

  it('refuses a config without public checks', async () => {
    const file = join(dataDir, 'private.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...KNOWN_DOCUMENT,
        defaults: { ...KNOWN_DOCUMENT.defaults, public: false },
        checks: KNOWN_DOCUMENT.checks.map(({ public: _, ...c }) => c),
      }),
    );
    const run = capture();
    expect(await runCli(['status-page', '--out', join(dataDir, 'out'), '--config', file, '--data', dataDir], run.io)).toBe(2);
    expect(run.err).toEqual([
      'vigil: no check is public: mark the checks to show with public: true (or defaults: { public: true })',
    ]);
  });
});
