/**
 * `npm run bench -- report`: `vigil report` and `vigil status-page` on a month of history, through
 * bin/vigil.mjs on the local store (dynalite on disk), process start included.
 * (a) 200 checks × 30 days at one run a minute (8.64 M results): their hourly and daily rollups written as
 *     sealing writes them, and the results a report reads (the hour now and the hours its windows start
 *     in); report --period 30d / 24h (JSON), --html, status-page: wall time and peak memory.
 * (b) the results path against rollups at a size the results path can read: 20 checks × 2 days stored as
 *     results and sealed by the monitor's own pass (sealDue); reportCommand both ways, in process; the
 *     results path's rate and memory per result scaled to 8.64 M.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoResultStore } from '../lambdas/adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../lambdas/adapters/local/embedded-dynamodb.js';
import { reportCommand } from '../lambdas/cli/report.js';
import { markDataFolder } from '../lambdas/cli/store.js';
import { loadConfigFile } from '../lambdas/config/file.js';
import { DAY_MS, HOUR_MS } from '../lambdas/core/duration.js';
import { sealDue } from '../lambdas/core/pipeline/rollups.js';
import type { CheckResult } from '../lambdas/core/types.js';
import { sealedRollups, syntheticHistory } from '../test/support/month.js';
import { round } from './stats.js';

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
const CHECKS = 200;
const DAYS = 30;
const SMALL = { checks: 20, days: 2 };

function writeConfig(dir: string, checks: number): string {
  const path = join(dir, 'vigil.yaml');
  const lines = Array.from({ length: checks }, (_, i) => {
    const objectives = i % 2 === 0 ? ', objectives: [{ availability: 99.9 }, { latency: { percent: 95, under: 250ms } }]' : '';
    return `  - { id: c${i}, type: http, url: "https://c${i}.example.com/", public: true${objectives} }`;
  });
  writeFileSync(path, `defaults: { interval: 1m }\nchecks:\n${lines.join('\n')}\n`);
  return path;
}

/** One CLI run: wall time and peak resident memory (GNU time). */
async function cli(args: readonly string[]) {
  const started = performance.now();
  const { stderr, stdout } = await run('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, VIGIL, ...args], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  const rssMb = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
  return { wallMs: round(wallMs), rssMb: round(rssMb), bytes: stdout.length };
}

async function atScale(dir: string) {
  const { config } = loadConfigFile(writeConfig(dir, CHECKS));
  markDataFolder(dir, config);
  const db = await startEmbeddedDynamoDB({ dataDir: join(dir, 'dynamodb') });
  const store = new DynamoResultStore(db.client, { tableName: db.tableName });
  const now = Date.now();
  const hourNow = Math.floor(now / HOUR_MS) * HOUR_MS;
  // What a report reads as results: the hour now (and the one before, its grace not over), and the hours the
  // period's and windows' starts fall in; 30 minutes either side, as the bench's own minutes pass.
  const edges = [6 * HOUR_MS, 3 * DAY_MS, 7 * DAY_MS, 30 * DAY_MS].map((ago) => now - ago);
  const written = [
    { from: hourNow - HOUR_MS, to: Number.POSITIVE_INFINITY },
    ...edges.map((e) => ({
      from: Math.floor(e / HOUR_MS) * HOUR_MS - 30 * 60_000,
      to: Math.floor(e / HOUR_MS) * HOUR_MS + 2 * HOUR_MS,
    })),
  ];
  let results = 0;
  let rollups = 0;
  let stored = 0;
  const setupStarted = performance.now();
  for (const check of config.checks) {
    const month = syntheticHistory(check.id, { now, days: DAYS, intervalMs: check.intervalMs, seed: results + 1 });
    results += month.results.length;
    const { hours, days } = sealedRollups(month.results, check, now - DAYS * DAY_MS, hourNow - HOUR_MS);
    await store.putRollups(check.id, 'hour', hours);
    await store.putRollups(check.id, 'day', days);
    rollups += hours.length + days.length;
    const raw = month.results.filter((r: CheckResult) =>
      written.some((w) => Date.parse(r.startedAt) >= w.from && Date.parse(r.startedAt) < w.to),
    );
    await store.putResults(raw);
    stored += raw.length;
    for (const i of month.incidents) await store.openIncident(i);
  }
  await db.close();
  const setupS = round((performance.now() - setupStarted) / 1000);
  const configFile = join(dir, 'vigil.yaml');
  const data = ['--config', configFile, '--data', dir];
  const runs = {
    report30d: [] as Awaited<ReturnType<typeof cli>>[],
    report24h: [] as Awaited<ReturnType<typeof cli>>[],
    html30d: [] as Awaited<ReturnType<typeof cli>>[],
    statusPage: [] as Awaited<ReturnType<typeof cli>>[],
  };
  for (let i = 0; i < 3; i++) {
    runs.report30d.push(await cli(['report', ...data, '--period', '30d', '--json']));
    runs.report24h.push(await cli(['report', ...data, '--period', '24h', '--json']));
  }
  runs.html30d.push(await cli(['report', ...data, '--period', '30d', '--html', join(dir, 'report.html')]));
  runs.statusPage.push(await cli(['status-page', ...data, '--out', join(dir, 'status')]));
  return { checks: CHECKS, days: DAYS, results, rollupItems: rollups, storedResults: stored, setupS, runs };
}

/** Both paths on the same small store, in process; the results path's cost per result. */
async function bothPaths(dir: string) {
  const { config } = loadConfigFile(writeConfig(dir, SMALL.checks));
  markDataFolder(dir, config);
  const now = Date.now();
  const db = await startEmbeddedDynamoDB({ dataDir: join(dir, 'dynamodb') });
  const store = new DynamoResultStore(db.client, { tableName: db.tableName });
  let results = 0;
  for (const check of config.checks) {
    const history = syntheticHistory(check.id, { now, days: SMALL.days, intervalMs: check.intervalMs, seed: results + 7 });
    await store.putResults(history.results);
    results += history.results.length;
  }
  // Sealed as the monitor seals: its own pass over what is stored.
  const sealed = new Map<string, number>();
  let hours = 0;
  for (const check of config.checks) hours += await sealDue(store, check, new Date(now), now - 30 * DAY_MS, sealed);
  await db.close();
  const io = { stdout: () => {}, stderr: () => {}, env: {}, signal: new AbortController().signal, fetch: globalThis.fetch };
  const time = async (everyResult: boolean, period: string) => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 20);
    const started = performance.now();
    await reportCommand(
      config,
      { period, format: 'json', htmlFile: undefined, dataDir: dir, table: undefined, everyResult },
      io,
      new Date(now),
    );
    clearInterval(sampler);
    return { ms: round(performance.now() - started), heapMb: round((peak - before) / 1024 / 1024) };
  };
  const out: Record<string, unknown> = { checks: SMALL.checks, days: SMALL.days, results, hoursSealed: hours };
  for (const period of ['24h', '7d']) {
    await time(false, period);
    out[period] = { rollups: await time(false, period), results: await time(true, period) };
  }
  return out;
}

export async function benchReport(): Promise<void> {
  const big = mkdtempSync(join(tmpdir(), 'vigil-bench-report-'));
  const small = mkdtempSync(join(tmpdir(), 'vigil-bench-report-small-'));
  try {
    const scale = await atScale(big);
    process.stdout.write(`${JSON.stringify(scale, null, 2)}\n`);
    const paths = await bothPaths(small);
    process.stdout.write(`${JSON.stringify(paths, null, 2)}\n`);
    const results = { at: new Date().toISOString(), node: process.version, scale, paths };
    writeFileSync(new URL('./results/report.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
    writeReportMarkdown(results);
  } finally {
    rmSync(big, { recursive: true, force: true });
    rmSync(small, { recursive: true, force: true });
  }
}

type Run = { wallMs: number; rssMb: number };
type Both = { rollups: { ms: number; heapMb: number }; results: { ms: number; heapMb: number } };

/** bench/results/report.md from the figures. */
export function writeReportMarkdown(r: {
  at: string;
  node: string;
  scale: Awaited<ReturnType<typeof atScale>>;
  paths: Record<string, unknown>;
}): void {
  const { scale } = r;
  const line = (name: string, runs: readonly Run[]) =>
    `| ${name} | ${runs.map((x) => `${round(x.wallMs / 1000, 1)} s`).join(' / ')} | ${Math.max(...runs.map((x) => x.rssMb))} MB |`;
  const paths = r.paths as { checks: number; days: number; results: number; hoursSealed: number } & Record<string, Both>;
  const perResultMs = (b: Both, results: number) => b.results.ms / results;
  const day = paths['24h'] as Both;
  const week = paths['7d'] as Both;
  const rate = Math.round(paths.results / ((week.results.ms - week.rollups.ms) / 1000));
  const text = `# \`vigil report\` on a month of history (\`npm run bench -- report\`)

${r.at}, Node ${r.node}, a 2-core box shared with other work; the local store (dynalite on disk), through
bin/vigil.mjs, process start included. docs/scaling.md ("Rollups") has the design and the arithmetic.

## (a) ${scale.checks} checks × ${scale.days} days at one run a minute: ${scale.results.toLocaleString('en-US')} results

The store holds their rollups as sealing writes them (${scale.rollupItems.toLocaleString('en-US')} items: every hour and
day) and the ${scale.storedResults.toLocaleString('en-US')} results a report reads (the hour now and the one before, and the hours the
period's and the windows' starts fall in); the other results are not in it, since nothing reads them: a
key-range query's cost does not grow with the items it skips. Half the checks have two objectives
(availability 99.9%, p95 under 250 ms); all are public. Setup (generating and writing): ${scale.setupS} s.

| command | wall time (runs) | peak memory |
|---|---|---|
${line('report --period 30d --json', scale.runs.report30d)}
${line('report --period 24h --json', scale.runs.report24h)}
${line('report --period 30d --html', scale.runs.html30d)}
${line('status-page (90 days)', scale.runs.statusPage)}

## (b) both paths on the same store: ${paths.checks} checks × ${paths.days} days, ${paths.results.toLocaleString('en-US')} results

Stored as results and sealed by the monitor's own pass (\`sealDue\`, ${paths.hoursSealed} hours); \`reportCommand\` in
process, JSON, the store opened and closed each time.

| period | rollups | every result | heap growth, rollups / results |
|---|---|---|---|
| 24h | ${day.rollups.ms} ms | ${day.results.ms} ms | ${day.rollups.heapMb} / ${day.results.heapMb} MB |
| 7d (both read the same 2 days) | ${week.rollups.ms} ms | ${week.results.ms} ms | ${week.rollups.heapMb} / ${week.results.heapMb} MB |

The results path costs about ${round(perResultMs(week, paths.results), 3)} ms per result read (about ${rate.toLocaleString('en-US')} results a
second beyond the rollups path's fixed cost): at ${scale.results.toLocaleString('en-US')} results that is about
${Math.round(scale.results / rate / 60)} minutes, and it holds them all in memory at once (about ${round(((week.results.heapMb / paths.results) * 1e6) / 1024, 1)} KB
each by the heap growth above: ${round(((week.results.heapMb / paths.results) * scale.results) / 1024, 1)} GB). The rollups path reads the same
few hundred items per check whatever the history's length. (Heap growth is sampled every 20 ms: a floor.
Peak memory in (a) is GNU time's largest process of the run, the store's child process included.)

Where (a)'s seconds go: per check about 10 requests (daily rollups, 3-4 ranges of hourly ones, 3-4 ranges
of results, incidents, state), some 2,000 signed requests to the local store at a few milliseconds each,
8 checks at a time; not the items (about 100 rollups and 200-700 results a check). Fewer requests is the
next step: rollup keys are known in advance, so one BatchGetItem could fetch 100 of them across checks.
`;
  writeFileSync(new URL('./results/report.md', import.meta.url), text);
}
