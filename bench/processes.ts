/** Helper processes for the benches, each in its own process so its CPU is not the client's. */
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { percentile } from './stats.js';

export interface Helper<T> {
  readonly ready: T;
  /** Ends the helper (it exits when its stdin closes) and resolves with its last line, if any. */
  stop(): Promise<unknown>;
}

/** Runs `tsx bench/<script> ...args` and resolves with the first JSON line it prints. */
export async function startHelper<T>(script: string, args: readonly string[] = []): Promise<Helper<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(script, import.meta.url).pathname, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error(`${script} exited before it was ready`);
  return {
    ready: JSON.parse(first.value) as T,
    stop: async () => {
      child.stdin.end();
      const last = await lines.next();
      return last.done ? undefined : JSON.parse(last.value);
    },
  };
}

/** COUNT loopback targets answering after DELAY_MS (bench/targets.ts); their health URLs. */
export async function startTargets(count: number, delayMs: number) {
  const helper = await startHelper<number[]>('./targets.ts', [String(count), String(delayMs)]);
  return { urls: helper.ready.map((port) => `http://127.0.0.1:${port}/health`), stop: () => helper.stop() };
}

/** curl's total time on `url` (ms), one request. */
export async function curlTotalMs(url: string): Promise<number> {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', url]);
  return Number(stdout) * 1000;
}

/** curl's p50 total time on `url` over `samples` requests one after another: the baseline a probe is set beside. */
export async function curlP50(url: string, samples: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await curlTotalMs(url));
  return percentile(times, 50);
}
