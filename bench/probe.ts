/**
 * `npm run bench -- probe`: Vigil's http probe side by side with baselines on the same loopback targets.
 * (a) timing: Vigil's totalMs against curl's time_total at fixed server delays; the p50/p99 difference.
 * (b) throughput: 2,000 checks on 200 targets (100 ms delay) at concurrency 200, against a bare
 *     undici loop making the same requests (a fresh connection each, as Vigil does); wall and CPU time.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { runCheck } from '../lambdas/checks/run.js';
import { parseConfig } from '../lambdas/config/parse.js';
import { mapLimit } from '../lambdas/core/concurrency.js';
import { startTargets } from './processes.js';
import { percentile, round } from './stats.js';

const run = promisify(execFile);
const context = { resolveSecret: async (ref: unknown) => String(ref), now: () => new Date() };

/** Node's own client with nothing around it: the floor any Node-based probe stands on. */
function bareNodeGet(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    req.setNoDelay(true);
    req.on('error', reject);
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const check = (url: string) =>
  parseConfig({ checks: [{ id: 'bench', type: 'http', url, timeout: '10s', maxBodyBytes: 65_536 }] }).checks[0];

async function timing(samples: number) {
  const targets = await startTargets(1, 0);
  const url = targets.urls[0] as string;
  const rows = [];
  for (const delay of [0, 50, 200]) {
    const target = `${url}?delay=${delay}`;
    const vigil: number[] = [];
    const curl: number[] = [];
    const node: number[] = [];
    const probeCheck = check(target);
    // Interleaved, so both see the same machine at the same moments; a pause after each lets the
    // event loop finish with the curl child (exit, pipes) before Vigil's clock starts.
    for (let i = 0; i < samples; i++) {
      await settle();
      const result = await runCheck(probeCheck as never, context);
      vigil.push(result.timings.totalMs);
      const { stdout } = await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-H',
        'Accept-Encoding: gzip, deflate, br',
        '-w',
        '%{time_total}',
        target,
      ]);
      curl.push(Number(stdout) * 1000);
      await settle();
      node.push(await bareNodeGet(target));
    }
    rows.push({
      delayMs: delay,
      vigilP50: round(percentile(vigil, 50)),
      curlP50: round(percentile(curl, 50)),
      vigilP99: round(percentile(vigil, 99)),
      curlP99: round(percentile(curl, 99)),
      diffP50: round(percentile(vigil, 50) - percentile(curl, 50)),
      diffP99: round(percentile(vigil, 99) - percentile(curl, 99)),
      nodeP50: round(percentile(node, 50)),
      nodeP99: round(percentile(node, 99)),
      // What Vigil adds over the runtime it stands on; the rest of the gap to curl is Node's.
      overNodeP50: round(percentile(vigil, 50) - percentile(node, 50)),
      overNodeP99: round(percentile(vigil, 99) - percentile(node, 99)),
    });
  }
  await targets.stop();
  return rows;
}

async function measure(task: () => Promise<unknown>) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await task();
  const used = process.cpuUsage(cpu);
  return { wallMs: round(performance.now() - started, 0), cpuMs: round((used.user + used.system) / 1000, 0) };
}

async function throughput(total: number, targetsCount: number, concurrency: number, delayMs: number) {
  const targets = await startTargets(targetsCount, delayMs);
  const urls = Array.from({ length: total }, (_, i) => targets.urls[i % targetsCount] as string);
  const checks = urls.map((url) => check(url));
  let vigilUp = 0;
  const vigil = await measure(() =>
    mapLimit(checks, concurrency, async (c) => {
      if ((await runCheck(c as never, context)).status === 'up') vigilUp++;
    }),
  );
  // pipelining 0: a connection per request, like Vigil's probe (which times connect on every run).
  const dispatcher = new Agent({ pipelining: 0 });
  let bareOk = 0;
  const bare = await measure(() =>
    mapLimit(urls, concurrency, async (url) => {
      const response = await request(url, { dispatcher });
      await response.body.text();
      if (response.statusCode === 200) bareOk++;
    }),
  );
  await dispatcher.close();
  await targets.stop();
  return {
    checks: total,
    targets: targetsCount,
    concurrency,
    delayMs,
    vigil: { ...vigil, ok: vigilUp, checksPerSecond: round((total / vigil.wallMs) * 1000, 0) },
    bareUndici: { ...bare, ok: bareOk, checksPerSecond: round((total / bare.wallMs) * 1000, 0) },
    throughputRatio: round(bare.wallMs / vigil.wallMs),
    cpuRatio: round(vigil.cpuMs / bare.cpuMs),
  };
}

export async function benchProbe(): Promise<void> {
  // p99 of 100 samples is nearly the single worst one; 200 steadies it.
  const samples = Number(process.env.BENCH_SAMPLES ?? 200);
  const timingRows = await timing(samples);
  const load = await throughput(2_000, 200, 200, 100);
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    samplesPerDelay: samples,
    timing: timingRows,
    throughput: load,
  };
  writeFileSync(new URL('./results/probe.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  const table = [
    '| server delay | Vigil p50 | curl p50 | Δ p50 | Vigil p99 | curl p99 | Δ p99 | bare Node http.get p50 / p99 | Vigil − bare Node p50 / p99 |',
    '|---|---|---|---|---|---|---|---|---|',
    ...timingRows.map(
      (r) =>
        `| ${r.delayMs} ms | ${r.vigilP50} | ${r.curlP50} | ${r.diffP50} | ${r.vigilP99} | ${r.curlP99} | ${r.diffP99} | ${r.nodeP50} / ${r.nodeP99} | ${r.overNodeP50} / ${r.overNodeP99} |`,
    ),
    '',
    '| 2,000 checks, 200 targets, 100 ms delay, concurrency 200 | wall ms | CPU ms | checks/s | ok |',
    '|---|---|---|---|---|',
    `| Vigil (runCheck) | ${load.vigil.wallMs} | ${load.vigil.cpuMs} | ${load.vigil.checksPerSecond} | ${load.vigil.ok} |`,
    `| bare undici loop | ${load.bareUndici.wallMs} | ${load.bareUndici.cpuMs} | ${load.bareUndici.checksPerSecond} | ${load.bareUndici.ok} |`,
    '',
    `Throughput ratio (Vigil / bare): ${load.throughputRatio} (target ≥ 0.8). CPU ratio: ${load.cpuRatio}. Timing target: |Δ p99| ≤ 1 ms. ${samples} samples per delay.`,
  ].join('\n');
  writeFileSync(
    new URL('./results/probe.md', import.meta.url),
    `# Probe benchmark (${results.at}, Node ${process.version})\n\n${table}\n`,
  );
  process.stdout.write(`${table}\n`);
}
