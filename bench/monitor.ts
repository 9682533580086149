/**
 * `npm run bench -- monitor`: `vigil monitor` (the real executable) with 200 checks every second on one
 * loopback target that answers after 50 ms, for BENCH_SECONDS (default 60). Reports the results'
 * reported totals against curl's p50 on the same target (the first 10 s left out: start-up), and how
 * well every check kept its interval. The target runs in its own process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gapsPerCheck, readMetric } from './metrics-file.js';
import { curlP50, startTargets } from './processes.js';
import { percentile, round } from './stats.js';

const CHECKS = 200;
const INTERVAL_MS = 1_000;
const TARGET_DELAY_MS = 50;
const WARM_UP_MS = 10_000;

export async function benchMonitor(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const targets = await startTargets(1, TARGET_DELAY_MS);
  const url = targets.urls[0] as string;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-monitor-'));
  try {
    const curl = await curlP50(url, 50);
    const config = join(dir, 'vigil.yaml');
    writeFileSync(
      config,
      [
        `defaults: { interval: ${INTERVAL_MS / 1000}s, timeout: 800ms }`,
        'checks:',
        ...Array.from({ length: CHECKS }, (_, i) => `  - { id: c${i}, type: http, url: "${url}?n=${i}" }`),
        '',
      ].join('\n'),
    );
    const data = join(dir, 'data');
    const monitor = spawn(process.execPath, ['bin/vigil.mjs', 'monitor', '--config', config, '--data', data], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const startedAt = Date.now();
    await sleep(seconds * 1000);
    monitor.kill('SIGTERM');
    await new Promise((resolve) => monitor.once('exit', resolve));
    const since = startedAt + WARM_UP_MS;
    const totals = readMetric(data, 'Latency')
      .filter((d) => Date.parse(d.at) >= since)
      .map((d) => d.value);
    const perCheck = gapsPerCheck(data, since);
    const gaps = perCheck.flat();
    const near = (gap: number) => Math.abs(gap - INTERVAL_MS) <= INTERVAL_MS * 0.1;
    const row = {
      at: new Date().toISOString(),
      seconds,
      checks: CHECKS,
      results: totals.length,
      curlP50: round(curl),
      deltaP50: round(percentile(totals, 50) - curl),
      deltaP99: round(percentile(totals, 99) - curl),
      intervalWithinTenPercent: round((gaps.filter(near).length / gaps.length) * 100, 2),
      checksEveryIntervalWithinTenPercent: perCheck.filter((g) => g.every(near)).length,
      intervalP99Ms: percentile(gaps, 99),
    };
    writeFileSync(new URL('./results/monitor.json', import.meta.url), `${JSON.stringify(row, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } finally {
    await targets.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
