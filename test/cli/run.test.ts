/**
 * `vigil run`'s reports (lambdas/cli/run.ts) against a real loopback heartbeat stand-in, on an injected
 * clock: a report that fails is retried for minutes with growing, jittered waits, each failure said on
 * stderr with the URL (never the token), and the job's exit code is what the command returns.
 */

import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type ReportClock, runCommand } from '../../lambdas/cli/run.js';
import { config, HEARTBEAT_TOKEN } from '../support/checks.js';
import { type Running, refusedPort, startHttp } from '../support/servers.js';

let target: Running | undefined;
afterEach(() => target?.close());

const cfg = config({ checks: [{ id: 'nightly', type: 'heartbeat', every: '1d', token: HEARTBEAT_TOKEN }] });
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** A clock whose sleeps return at once and move it on; it records each wait. */
function fakeClock(): ReportClock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

/** Runs a job that exits with `code`, reporting to `url`; what stderr said and what was returned. */
async function run(url: string, code: number, clock: ReportClock, reportForMs?: number) {
  const stderr: string[] = [];
  const io = {
    stdout: () => {},
    stderr: (text: string) => stderr.push(text),
    env: {},
    signal: new AbortController().signal,
    fetch,
  };
  const options = {
    checkId: 'nightly',
    url,
    command: [process.execPath, '-e', `process.exit(${code})`],
    ...(reportForMs === undefined ? {} : { reportForMs }),
  };
  const exitCode = await runCommand(cfg, options, io, { stdout: sink(), stderr: sink() }, clock);
  return { exitCode, stderr };
}

/** A heartbeat stand-in that takes starts and answers each end report with the next status of `ends`. */
async function standIn(ends: number[]) {
  const received: string[] = [];
  target = await startHttp((req, res) => {
    received.push(req.url ?? '');
    const status = req.url?.includes('/start') ? 200 : (ends.shift() ?? 200);
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(status === 200 ? '{"ok":true}' : '{"ok":false,"error":"try again"}');
  });
  return { url: target.url, received };
}

describe('vigil run: reporting', () => {
  it('retries a failed report with doubling, jittered waits, saying each failure with the URL, until it is taken', async () => {
    const { url, received } = await standIn([503, 502, 503]);
    const clock = fakeClock();
    const { exitCode, stderr } = await run(url, 3, clock);
    expect(exitCode).toBe(3);
    expect(received.filter((path) => path.startsWith('/ping/nightly/3?'))).toHaveLength(4);
    // 1 s, 2 s, 4 s, each drawn from its upper half (random 0.5 → three quarters).
    expect(clock.waits).toEqual([750, 1500, 3000]);
    expect(stderr).toEqual([
      `vigil run: ${url}/ping/nightly/3: attempt 1 failed: HTTP 503 {"ok":false,"error":"try again"}; trying again in 0.8 s`,
      `vigil run: ${url}/ping/nightly/3: attempt 2 failed: HTTP 502 {"ok":false,"error":"try again"}; trying again in 1.5 s`,
      `vigil run: ${url}/ping/nightly/3: attempt 3 failed: HTTP 503 {"ok":false,"error":"try again"}; trying again in 3.0 s`,
    ]);
    expect(stderr.join('\n')).not.toContain(HEARTBEAT_TOKEN);
  });

  it('gives up after about five minutes of attempts, and still exits with the job’s code', async () => {
    const { url } = await standIn(Array(100).fill(503));
    const clock = fakeClock();
    const { exitCode, stderr } = await run(url, 0, clock);
    expect(exitCode).toBe(0);
    const waited = clock.waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeLessThanOrEqual(5 * 60_000);
    expect(waited).toBeGreaterThan(4 * 60_000);
    // Waits double up to a minute (three quarters of it here).
    expect(clock.waits.slice(0, 7)).toEqual([750, 1500, 3000, 6000, 12_000, 24_000, 45_000]);
    expect(Math.max(...clock.waits)).toBe(45_000);
    expect(stderr.at(-1)).toBe(
      `vigil run: ${url}/ping/nightly/0: not reported after ${clock.waits.length + 1} attempts: HTTP 503 {"ok":false,"error":"try again"}`,
    );
  });

  it('does not retry a refusal that would be refused again, and says why a network failure happened', async () => {
    const { url } = await standIn([403]);
    const refused = await run(url, 1, fakeClock());
    expect(refused.stderr).toEqual([
      `vigil run: ${url}/ping/nightly/1: not reported after 1 attempt: HTTP 403 {"ok":false,"error":"try again"}`,
    ]);
    const nowhere = `http://127.0.0.1:${await refusedPort()}`;
    const down = await run(nowhere, 2, fakeClock(), 0);
    expect(down.exitCode).toBe(2);
    expect(down.stderr).toEqual([
      `vigil run: ${nowhere}/ping/nightly/start: not reported after 1 attempt: connection refused (ECONNREFUSED)`,
      `vigil run: ${nowhere}/ping/nightly/2: not reported after 1 attempt: connection refused (ECONNREFUSED)`,
    ]);
  });

  it('stops retrying the start when the job ends: the end report carries the run', async () => {
    const received: string[] = [];
    target = await startHttp((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(req.url?.includes('/start') ? 503 : 200).end();
    });
    const clock: ReportClock = {
      now: () => 0,
      random: () => 0.5,
      // A wait that lasts until it is called off.
      sleep: (_ms, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    };
    const { exitCode, stderr } = await run(target.url, 0, clock);
    expect(exitCode).toBe(0);
    expect(stderr).toEqual([
      `vigil run: ${target.url}/ping/nightly/start: attempt 1 failed: HTTP 503; trying again in 0.8 s`,
      `vigil run: ${target.url}/ping/nightly/start: not reported after 1 attempt (HTTP 503): the job ended first (its end report carries the duration)`,
    ]);
    expect(received.at(-1)).toMatch(/^\/ping\/nightly\/0\?rid=[\w-]+&duration=\d+$/);
  });
});
