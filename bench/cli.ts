/**
 * `npm run bench -- cli`: `vigil check` as a user runs it, process start included, through bin/vigil.mjs.
 * (a) one burst of 40 checks on a target that answers after 50 ms: each check's total against curl's
 *     p50 on the same target, over several runs (every run a cold process); beside it the loop lag
 *     Vigil saw, and the same burst from curl (40 parallel transfers) and from a bare Node process
 *     (bench/bare-burst.mjs): what the target and the machine add to any client's burst.
 * (b) 2,000 checks over 200 targets that answer after 100 ms: wall time against a bare Node loop at
 *     concurrency 200 in its own process (bench/bare-loop.mjs), and how true the timings stayed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTargets } from './processes.js';
import { percentile, round } from './stats.js';

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-loop.mjs', import.meta.url));
const BARE_BURST = fileURLToPath(new URL('./bare-burst.mjs', import.meta.url));

function configFile(dir: string, name: string, urls: readonly string[]): string {
  const path = join(dir, name);
  const checks = urls.map((url, i) => `  - { id: c${i}, type: http, url: "${url}?n=${i}", timeout: 5s }`);
  writeFileSync(path, `checks:\n${checks.join('\n')}\n`);
  return path;
}

async function timed(file: string, args: readonly string[]) {
  const spawnedAt = Date.now();
  const started = performance.now();
  const { stdout } = await run(process.execPath, [file, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return { wallMs: performance.now() - started, spawnedAt, stdout };
}

async function burst(dir: string, runs: number) {
  const targets = await startTargets(1, 50);
  const url = targets.urls[0] as string;
  const curl: number[] = [];
  for (let i = 0; i < 50; i++) {
    const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', url]);
    curl.push(Number(stdout) * 1000);
  }
  const config = configFile(dir, 'burst.yaml', Array(40).fill(url));
  const totals: number[] = [];
  const lags: number[] = [];
  const bare: number[] = [];
  const curlBurst: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await timed(VIGIL, ['check', '--json', '--config', config]);
    const results: { timings: { totalMs: number }; loopLagMs: number }[] = JSON.parse(stdout).results;
    totals.push(...results.map((r) => r.timings.totalMs));
    lags.push(...results.map((r) => r.loopLagMs));
    // The same burst from a bare Node process: what the target and the machine alone add.
    bare.push(...JSON.parse((await timed(BARE_BURST, [url, '40'])).stdout));
    curlBurst.push(...(await curlInParallel(url, 40)));
  }
  await targets.stop();
  const curlP50 = percentile(curl, 50);
  return {
    checks: 40,
    runs,
    curlP50: round(curlP50),
    deltaP50: round(percentile(totals, 50) - curlP50),
    deltaP99: round(percentile(totals, 99) - curlP50),
    deltaMax: round(Math.max(...totals) - curlP50),
    bareDeltaP99: round(percentile(bare, 99) - curlP50),
    curlBurstDeltaP99: round(percentile(curlBurst, 99) - curlP50),
    overCurlBurstP99: round(percentile(totals, 99) - percentile(curlBurst, 99)),
    loopLagP99: round(percentile(lags, 99)),
  };
}

/** COUNT transfers of `url` started together by one curl process; each transfer's total in ms. */
async function curlInParallel(url: string, count: number): Promise<number[]> {
  const args = ['--no-progress-meter', '--parallel', '--parallel-immediate', '--parallel-max', String(count)];
  for (let i = 0; i < count; i++) args.push('-o', '/dev/null', '-w', '%{time_total}\n', `${url}?n=${i}`);
  const { stdout } = await run('curl', args);
  return stdout
    .trim()
    .split('\n')
    .map((seconds) => Number(seconds) * 1000);
}

async function fleet(dir: string, runs: number) {
  const targets = await startTargets(200, 100);
  const urls = Array.from({ length: 2_000 }, (_, i) => targets.urls[i % 200] as string);
  const config = configFile(dir, 'fleet.yaml', urls);
  const list = join(dir, 'urls.json');
  writeFileSync(list, JSON.stringify(urls));
  const vigil: number[] = [];
  const toFirstProbe: number[] = [];
  const probing: number[] = [];
  const totals: number[] = [];
  const lags: number[] = [];
  const bare: number[] = [];
  let up = 0;
  for (let i = 0; i < runs; i++) {
    const checked = await timed(VIGIL, ['check', '--json', '--config', config]);
    vigil.push(checked.wallMs);
    const report: {
      summary: { up: number };
      results: { startedAt: string; timings: { totalMs: number }; loopLagMs: number }[];
    } = JSON.parse(checked.stdout);
    up = report.summary.up;
    totals.push(...report.results.map((r) => r.timings.totalMs));
    lags.push(...report.results.map((r) => r.loopLagMs));
    // Where the time goes, from the results' own clocks (ms resolution): start and config, then probing.
    const firstStart = Math.min(...report.results.map((r) => Date.parse(r.startedAt)));
    const lastEnd = Math.max(...report.results.map((r) => Date.parse(r.startedAt) + r.timings.totalMs));
    toFirstProbe.push(firstStart - checked.spawnedAt);
    probing.push(lastEnd - firstStart);
    bare.push((await timed(BARE, [list, '200'])).wallMs);
  }
  await targets.stop();
  const vigilMs = percentile(vigil, 50);
  const bareMs = percentile(bare, 50);
  return {
    checks: 2_000,
    targets: 200,
    up,
    vigilWallMs: round(vigilMs, 0),
    toFirstProbeMs: round(percentile(toFirstProbe, 50), 0),
    probingMs: round(percentile(probing, 50), 0),
    totalP50: round(percentile(totals, 50)),
    totalP99: round(percentile(totals, 99)),
    loopLagP50: round(percentile(lags, 50)),
    bareWallMs: round(bareMs, 0),
    ratio: round(vigilMs / bareMs),
  };
}

export async function benchCli(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-cli-'));
  await timed(VIGIL, ['--version']); // the first run after an edit builds the CLI
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) starts.push((await timed(VIGIL, ['--version'])).wallMs);
  const startMs = round(percentile(starts, 50), 0);
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    versionStartMs: startMs,
    burst: await burst(dir, 20),
    fleet: await fleet(dir, 5),
  };
  writeFileSync(new URL('./results/cli.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  const { burst: b, fleet: f } = results;
  const text = [
    `\`vigil --version\`: ${startMs} ms (process start to exit).`,
    '',
    '| 40 checks in one burst, 50 ms target | curl p50 (one at a time) | Δ p50 | Δ p99 | Δ max | loop lag p99 | curl burst Δ p99 | bare Node burst Δ p99 | Vigil p99 − curl burst p99 |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${b.runs} runs of \`vigil check --json\` | ${b.curlP50} | ${b.deltaP50} | ${b.deltaP99} | ${b.deltaMax} | ${b.loopLagP99} | ${b.curlBurstDeltaP99} | ${b.bareDeltaP99} | ${b.overCurlBurstP99} |`,
    '',
    '| 2,000 checks, 200 targets, 100 ms | vigil check (wall, process included) | of which: to the first probe | probing | bare Node loop at 200 | ratio | reported total p50 / p99 | loop lag p50 |',
    '|---|---|---|---|---|---|---|---|',
    `| ${f.up} up | ${f.vigilWallMs} ms | ${f.toFirstProbeMs} ms | ${f.probingMs} ms | ${f.bareWallMs} ms | ${f.ratio} | ${f.totalP50} / ${f.totalP99} ms | ${f.loopLagP50} ms |`,
  ].join('\n');
  writeFileSync(
    new URL('./results/cli.md', import.meta.url),
    `# CLI benchmark (${results.at}, Node ${process.version})\n\n${text}\n`,
  );
  process.stdout.write(`${text}\n`);
}
