/** `vigil monitor` in-process on simulated time: real probes, store and channels, no waiting between runs. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMonitor, type Monitor } from '../../lambdas/cli/monitor.js';
import type { Config } from '../../lambdas/config/parse.js';
import { runFor, type SimClock, simClock } from './sim-clock.js';

export interface SimMonitor {
  readonly monitor: Monitor;
  readonly clock: SimClock;
  readonly dataDir: string;
  /** Everything the monitor printed so far, a line each. */
  readonly out: string[];
  readonly err: string[];
  /** Runs `ms` of simulated time. */
  run(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function simMonitor(
  config: Config,
  options: {
    dataDir?: string;
    env?: NodeJS.ProcessEnv;
    redeliverAfterMs?: number;
    retentionMs?: number;
    /** Serve the heartbeat API on a free loopback port (its address: `monitor.pingUrl`). */
    listen?: boolean;
    /** Probe only from these of the config's locations (`vigil monitor --location`). */
    locations?: readonly string[];
    /** Where the simulated wall clock starts (a monitor started again on the same data, later). @default now */
    startAt?: Date;
  } = {},
): Promise<SimMonitor> {
  const out: string[] = [];
  const err: string[] = [];
  // From the real now, so what it records sits where the real CLI's --period looks.
  const clock = simClock((options.startAt ?? new Date()).toISOString());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-sim-'));
  const monitor = await createMonitor(
    config,
    {
      dataDir,
      clock,
      // Delivery retries and pacing wait on the simulated clock, which only the test moves.
      sleep: async () => {},
      ...(options.redeliverAfterMs === undefined ? {} : { redeliverAfterMs: options.redeliverAfterMs }),
      ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
      ...(options.listen ? { listen: { host: '127.0.0.1', port: 0 } } : {}),
      ...(options.locations ? { locations: options.locations } : {}),
    },
    {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      env: options.env ?? {},
      signal: new AbortController().signal,
      fetch: globalThis.fetch,
    },
  );
  return { monitor, clock, dataDir, out, err, run: (ms) => runFor(monitor.runner, clock, ms), close: () => monitor.close() };
}
