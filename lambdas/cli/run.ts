/**
 * `vigil run --check ID [--url BASE] -- CMD…`: runs a job and reports it to the heartbeat API: `start`,
 * then its exit code with the tail of its output. The job's output passes through untouched and its
 * exit code is the command's. A report that fails is tried again with exponential back-off and
 * jitter for minutes (a Vigil that is being deployed, or a network that blips, must not read as a
 * missed run), each failed attempt said on stderr with the URL and why; one that still cannot be sent
 * never fails the job, and nothing here stops the job from running.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { localSecretResolver } from '../adapters/secrets.js';
import { parseRetryAfter } from '../channels/deliver.js';
import { networkFailure } from '../channels/network-failure.js';
import type { Config } from '../config/parse.js';
import { plural } from '../core/format.js';
import { MAX_PING_BODY_BYTES } from '../core/heartbeat.js';
import { forTerminal } from '../core/untrusted.js';
import type { CliIo } from './io.js';

export interface RunOptions {
  readonly checkId: string;
  readonly url: string | undefined;
  readonly command: readonly string[];
  /** How long one report is tried for, its first attempt included. @default REPORT_FOR_MS */
  readonly reportForMs?: number;
}

/** How a failed report waits for its next attempt; injected so tests need not wait. */
export interface ReportClock {
  /** Resolves after `ms`, or rejects once `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly random: () => number;
}

const SYSTEM_CLOCK: ReportClock = {
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal }),
  now: () => performance.now(),
  random: Math.random,
};

export interface RunStreams {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** How long a report is tried for: long enough to outlast a deploy or a blip, bounded so cron jobs end. */
export const REPORT_FOR_MS = 5 * 60_000;
/** The first wait between attempts, doubling each time up to the longest; each drawn from its upper half. */
const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 60_000;
const TRY_TIMEOUT_MS = 10_000;
/** What a shell answers for a command it cannot find, or cannot execute. */
const NOT_FOUND_EXIT = 127;
const NOT_EXECUTABLE_EXIT = 126;

/** Where the reports go, and with what token; or why they cannot be sent. */
type Target = { readonly base: string; readonly token: string } | { readonly problem: string };

export async function runCommand(
  config: Config | Error,
  options: RunOptions,
  io: CliIo,
  streams: RunStreams = { stdout: process.stdout, stderr: process.stderr },
  clock: ReportClock = SYSTEM_CLOCK,
): Promise<number> {
  const target = await reportTarget(config, options, io);
  if ('problem' in target) io.stderr(`vigil run: ${target.problem}; running the job without reporting it`);
  const rid = randomUUID();
  const send = (action: string, query: string, stop: AbortSignal, body?: Buffer) =>
    'problem' in target
      ? Promise.resolve()
      : report(
          {
            ...target,
            path: `/ping/${options.checkId}/${action}`,
            query: `?rid=${rid}${query}`,
            body,
            forMs: options.reportForMs ?? REPORT_FOR_MS,
          },
          stop,
          io,
          clock,
        );

  const began = performance.now();
  // The start's retries end with the job (the end report carries the run's duration instead) or with us.
  const startStop = new AbortController();
  const stopStart = () => startStop.abort();
  io.signal.addEventListener('abort', stopStart, { once: true });
  const started = send('start', '', startStop.signal);
  const tail = new OutputTail(MAX_PING_BODY_BYTES);
  const exitCode = await new Promise<number>((resolve) => {
    const [file, ...args] = options.command as [string, ...string[]];
    const child = spawn(file, args, { stdio: ['inherit', 'pipe', 'pipe'] });
    const stop = () => child.kill('SIGTERM');
    let notStarted: number | null = null;
    io.signal.addEventListener('abort', stop);
    forward(child.stdout, streams.stdout, tail);
    forward(child.stderr, streams.stderr, tail);
    child.once('error', (error: NodeJS.ErrnoException) => {
      notStarted = error.code === 'ENOENT' ? NOT_FOUND_EXIT : NOT_EXECUTABLE_EXIT;
      const line = `vigil run: cannot run ${file}: ${error.code ?? error.message}\n`;
      streams.stderr.write(line);
      tail.add(Buffer.from(line));
    });
    child.once('close', (code, signal) => {
      io.signal.removeEventListener('abort', stop);
      // Killed by a signal: the shell's convention, 128 + its number.
      resolve(notStarted ?? code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
  stopStart();
  io.signal.removeEventListener('abort', stopStart);
  await started;
  // The job's own measure of its run, for when its start could not be recorded.
  await send(String(exitCode), `&duration=${Math.round(performance.now() - began)}`, io.signal, tail.bytes());
  return exitCode;
}

/**
 * The job's output to ours, kept in the tail as it goes. A slow reader of ours slows the job instead of
 * filling memory; a reader that went away (`vigil run … | head`) stops the echo, not the job.
 */
function forward(from: Readable, to: Writable, tail: OutputTail): void {
  let open = true;
  to.once('error', () => {
    open = false;
    from.resume();
  });
  from.on('data', (chunk: Buffer) => {
    tail.add(chunk);
    if (open && !to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
}

/** Keeps the last `max` bytes of what went through it. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.max) this.size -= this.chunks.shift()?.length ?? 0;
  }

  bytes(): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max));
  }
}

async function reportTarget(config: Config | Error, options: RunOptions, io: CliIo): Promise<Target> {
  if (config instanceof Error) return { problem: config.message };
  const check = config.checks.find((c) => c.id === options.checkId);
  if (!check) return { problem: `no check "${options.checkId}" in the config` };
  if (check.type !== 'heartbeat') return { problem: `check "${check.id}" is a ${check.type} check, not a heartbeat` };
  const base = options.url ?? config.heartbeatUrl ?? deployedUrl();
  if (!base) {
    return {
      problem:
        'no heartbeat URL: pass --url, set heartbeatUrl in the config, or deploy with cdk deploy --outputs-file cdk-outputs.json',
    };
  }
  try {
    return { base: base.replace(/\/+$/, ''), token: await localSecretResolver(io.env)(check.token) };
  } catch (error) {
    return { problem: `token of ${check.id}: ${(error as Error).message}` };
  }
}

/** The stack's HeartbeatUrl output, from `cdk deploy --outputs-file cdk-outputs.json` in this folder. */
function deployedUrl(): string | undefined {
  if (!existsSync('cdk-outputs.json')) return undefined;
  try {
    const stacks = JSON.parse(readFileSync('cdk-outputs.json', 'utf8')) as Record<string, Record<string, unknown>>;
    for (const outputs of Object.values(stacks)) {
      for (const [name, value] of Object.entries(outputs ?? {})) {
        if (name.startsWith('HeartbeatUrl') && typeof value === 'string') return value;
      }
    }
  } catch {
    // An unreadable outputs file names no URL.
  }
  return undefined;
}

interface Report {
  readonly base: string;
  readonly token: string;
  /** `/ping/<check>/<action>` */
  readonly path: string;
  /** `?rid=…`, and the duration with an end */
  readonly query: string;
  readonly body: Buffer | undefined;
  readonly forMs: number;
}

/**
 * Posts one report until it is taken, refused for good (a 4xx other than 408 and 429), `stop` aborts,
 * or the next wait would end past `forMs`. Every failed attempt is said on stderr: the URL (never the
 * token, which is a header, nor any user:password@) and what went wrong, in fixed words for network
 * errors (whose own messages may quote the URL).
 */
async function report(target: Report, stop: AbortSignal, io: CliIo, clock: ReportClock): Promise<void> {
  const url = new URL(`${target.base}${target.path}`);
  const say = (what: string) => io.stderr(`vigil run: ${url.origin}${url.pathname}: ${what}`);
  const stopped = (why: string) =>
    say(
      `not reported after ${why}: ${io.signal.aborted ? 'stopped' : 'the job ended first (its end report carries the duration)'}`,
    );
  const giveUpAt = clock.now() + target.forMs;
  for (let attempt = 1; ; attempt++) {
    let why: string;
    let again = true;
    let retryAfterMs: number | null = null;
    // An attempt under way is let finish (a start sent as a quick job ends still counts); `stop` ends the waits.
    const tryDeadline = attemptTimeout(TRY_TIMEOUT_MS);
    try {
      const response = await io.fetch(`${target.base}${target.path}${target.query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'text/plain; charset=utf-8' },
        ...(target.body ? { body: target.body } : {}),
        signal: tryDeadline.signal,
      });
      const text = (await response.text()).slice(0, 300).trim();
      if (response.ok) return;
      why = forTerminal(`HTTP ${response.status} ${text}`.trim());
      // Refused for good (token, check, size): trying again would be refused again.
      again = response.status >= 500 || response.status === 408 || response.status === 429;
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    } catch (error) {
      why = (error as Error).name === 'TimeoutError' ? `no answer within ${TRY_TIMEOUT_MS / 1000}s` : networkFailure(error);
    } finally {
      tryDeadline.clear();
    }
    const backoff = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (attempt - 1)) * (0.5 + clock.random() / 2);
    const wait = Math.round(Math.max(backoff, retryAfterMs ?? 0));
    const tried = `${plural(attempt, 'attempt')} (${why})`;
    if (!again || clock.now() + wait > giveUpAt) return say(`not reported after ${plural(attempt, 'attempt')}: ${why}`);
    if (stop.aborted) return stopped(tried);
    say(`attempt ${attempt} failed: ${why}; trying again in ${(wait / 1000).toFixed(1)} s`);
    try {
      await clock.sleep(wait, stop);
    } catch {
      return stopped(tried);
    }
  }
}

/**
 * Aborts one attempt at its timeout. By hand, as lambdas/channels/deliver.ts does: a timeout signal
 * combined by `AbortSignal.any` can be collected on Node 20 and then never fires.
 */
function attemptTimeout(timeoutMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('no answer', 'TimeoutError')), timeoutMs);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
