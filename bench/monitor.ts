/**
 * `npm run bench -- monitor`: `vigil monitor` (the real executable) with 200 checks every second on one
 * loopback target that answers after 50 ms, in the states a monitor goes through:
 *   - new: a new data folder, every check's state written with each result while its window fills;
 *   - steady: the same run once the states settled;
 *   - outage: another run, the odd half of the checks going down and up together on alternate runs
 *     (every one of their results a state change, an incident opened or closed); the even, healthy half
 *     is measured.
 * Each is set beside curl on the same target at the same moments (a request every 100 ms, side by side:
 * what the target and a loaded machine add to any client), and beside curl's p50 on the quiet machine
 * before the run. Also, of all checks (the failing half too), how well each kept its interval in each state
 * and how many starts came in bursts. The target runs in its own process. BENCH_SECONDS (default 60, over 30)
 * is the length of each run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gapsPerCheck, readMetric } from './metrics-file.js';
import { curlP50, curlTotalMs, startTargets } from './processes.js';
import { percentile, round } from './stats.js';

const CHECKS = 200;
const INTERVAL_MS = 1_000;
const TARGET_DELAY_MS = 50;
/** Start-up: the store, the probe thread and the first connections. */
const START_UP_MS = 5_000;
/** A new check's state is written with each result until its window of recent results is full (20 runs). */
const SETTLED_MS = 30_000;
const SIDE_BY_SIDE_EVERY_MS = 100;
/** A run's phases, in ms since its start: before its states settled, and after. */
const NEW: Phase = [START_UP_MS, SETTLED_MS];
const SETTLED: Phase = [SETTLED_MS, Number.POSITIVE_INFINITY];

interface Sample {
  readonly at: number;
  readonly ms: number;
}

export async function benchMonitor(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  if (!(seconds * 1000 > SETTLED_MS)) throw new Error(`BENCH_SECONDS must be over ${SETTLED_MS / 1000}: states settle first`);
  const targets = await startTargets(1, TARGET_DELAY_MS);
  const url = targets.urls[0] as string;
  try {
    const quiet = await curlP50(url, 50);
    const fresh = await monitorRun(url, seconds, false);
    const outage = await monitorRun(url, seconds, true);
    const healthy = (checkId: string) => Number(checkId.slice(1)) % 2 === 0;
    const phases = {
      new: { ...compare(fresh, NEW, quiet), intervals: fresh.intervals.new },
      steady: { ...compare(fresh, SETTLED, quiet), intervals: fresh.intervals.settled },
      outage: { ...compare(outage, SETTLED, quiet, healthy), intervals: outage.intervals.settled },
      /** The outage run before it settled: a new folder, half its checks changing state on every run. */
      outageNew: { intervals: outage.intervals.new },
    };
    const row = {
      at: new Date().toISOString(),
      seconds,
      checks: CHECKS,
      curlQuietP50: round(quiet),
      ...phases,
    };
    writeFileSync(new URL('./results/monitor.json', import.meta.url), `${JSON.stringify(row, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } finally {
    await targets.stop();
  }
}

interface Run {
  readonly startedAt: number;
  readonly probes: readonly (Sample & { readonly checkId: string })[];
  readonly curl: readonly Sample[];
  /** How well every check kept its interval in each phase (all checks, down ones too). */
  readonly intervals: { readonly new: Intervals; readonly settled: Intervals };
}

/** From and to, in ms since a run's start. */
type Phase = readonly [number, number];

interface Intervals {
  /** Gaps between a check's starts within 10% of its interval, in percent. */
  readonly withinTenPercent: number;
  /** Checks that kept every interval within 10%. */
  readonly checksEveryInterval: number;
  readonly p99: number;
  /** Starts in the same millisecond as another check's, in percent: phases 5 ms apart should have none. */
  readonly startsInBursts: number;
}

/** One `vigil monitor` on a new data folder for `seconds`, with curl beside it from start-up on. */
async function monitorRun(url: string, seconds: number, outage: boolean): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-monitor-'));
  try {
    const config = join(dir, 'vigil.yaml');
    writeFileSync(
      config,
      [
        `defaults: { interval: ${INTERVAL_MS / 1000}s, timeout: 800ms, failureThreshold: 1, successThreshold: 1 }`,
        'checks:',
        ...Array.from(
          { length: CHECKS },
          (_, i) => `  - { id: c${i}, type: http, url: "${url}?n=${i}${outage && i % 2 === 1 ? '&flip=1' : ''}" }`,
        ),
        '',
      ].join('\n'),
    );
    const data = join(dir, 'data');
    const monitor = spawn(process.execPath, ['bin/vigil.mjs', 'monitor', '--config', config, '--data', data], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const startedAt = Date.now();
    const curl = await curlBeside(url, startedAt + START_UP_MS, startedAt + seconds * 1000);
    monitor.kill('SIGTERM');
    await new Promise((resolve) => monitor.once('exit', resolve));
    const probes = readMetric(data, 'Latency').map((d) => ({ at: Date.parse(d.at), ms: d.value, checkId: d.checkId }));
    const availability = readMetric(data, 'Availability');
    const intervals = ([from, to]: Phase): Intervals => {
      const perCheck = gapsPerCheck(availability, startedAt + from, startedAt + to);
      const gaps = perCheck.flat();
      const near = (gap: number) => Math.abs(gap - INTERVAL_MS) <= INTERVAL_MS * 0.1;
      const starts = availability.map((d) => Date.parse(d.at)).filter((t) => t >= startedAt + from && t < startedAt + to);
      const perMs = new Map<number, number>();
      for (const at of starts) perMs.set(at, (perMs.get(at) ?? 0) + 1);
      const together = starts.filter((at) => (perMs.get(at) ?? 0) > 1).length;
      return {
        withinTenPercent: round((gaps.filter(near).length / gaps.length) * 100, 2),
        checksEveryInterval: perCheck.filter((g) => g.every(near)).length,
        p99: percentile(gaps, 99),
        startsInBursts: round((together / starts.length) * 100, 2),
      };
    };
    return { startedAt, probes, curl, intervals: { new: intervals(NEW), settled: intervals(SETTLED) } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** curl's total times on `url`, one request every SIDE_BY_SIDE_EVERY_MS from `from` until `until`. */
async function curlBeside(url: string, from: number, until: number): Promise<Sample[]> {
  await sleep(Math.max(0, from - Date.now()));
  const samples: Sample[] = [];
  while (Date.now() < until) {
    const at = Date.now();
    samples.push({ at, ms: await curlTotalMs(url) });
    await sleep(Math.max(0, at + SIDE_BY_SIDE_EVERY_MS - Date.now()));
  }
  return samples;
}

/**
 * Vigil's timings from `from` to `to` ms into the run (of the checks `measured`) beside curl's at the same
 * moments, and beside curl's quiet p50.
 */
function compare(run: Run, [from, to]: Phase, quietP50: number, measured = (_checkId: string) => true) {
  const inPhase = (s: Sample) => s.at >= run.startedAt + from && s.at < run.startedAt + to;
  const vigil = run.probes.filter((s) => inPhase(s) && measured(s.checkId)).map((s) => s.ms);
  const curl = run.curl.filter(inPhase).map((s) => s.ms);
  return {
    results: vigil.length,
    p50: round(percentile(vigil, 50)),
    p99: round(percentile(vigil, 99)),
    curlBesideP50: round(percentile(curl, 50)),
    curlBesideP99: round(percentile(curl, 99)),
    /** The goal: Vigil's p99 beside curl's p99 at the same moments. */
    p99OverCurlBeside: round(percentile(vigil, 99) - percentile(curl, 99)),
    p50OverQuietCurl: round(percentile(vigil, 50) - quietP50),
    p99OverQuietCurl: round(percentile(vigil, 99) - quietP50),
  };
}
