/**
 * `vigil run --check ID [--url BASE] -- CMD…`: runs a job and reports it to the heartbeat API: `start`,
 * then its exit code with the tail of its output. The job's output passes through untouched and its
 * exit code is the command's. Reporting is best effort, briefly retried: a report that cannot be sent
 * is said on stderr and never fails the job, and nothing here stops the job from running.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { localSecretResolver } from '../adapters/secrets.js';
import type { Config } from '../core/config.js';
import { MAX_PING_BODY_BYTES } from '../core/heartbeat.js';
import { forTerminal } from '../core/untrusted.js';
import type { CliIo } from './io.js';

export interface RunOptions {
  readonly checkId: string;
  readonly url: string | undefined;
  readonly command: readonly string[];
}

export interface RunStreams {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Tries per report, the wait before each retry, and how long one try may take. */
const REPORT_TRIES = 3;
const RETRY_WAIT_MS = 500;
const TRY_TIMEOUT_MS = 5_000;
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
): Promise<number> {
  const target = await reportTarget(config, options, io);
  if ('problem' in target) io.stderr(`vigil run: ${target.problem}; running the job without reporting it`);
  const rid = randomUUID();
  const send = (action: string, query: string, body?: Buffer) =>
    'problem' in target ? Promise.resolve() : report(target, `/ping/${options.checkId}/${action}?rid=${rid}${query}`, body, io);

  const began = performance.now();
  const started = send('start', '');
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
  await started;
  // The job's own measure of its run, for when its start could not be recorded.
  await send(String(exitCode), `&duration=${Math.round(performance.now() - began)}`, tail.bytes());
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

async function report(
  target: { readonly base: string; readonly token: string },
  path: string,
  body: Buffer | undefined,
  io: CliIo,
): Promise<void> {
  const url = `${target.base}${path}`;
  let last = '';
  for (let attempt = 1; attempt <= REPORT_TRIES; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, RETRY_WAIT_MS * (attempt - 1)));
    try {
      const response = await io.fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'text/plain; charset=utf-8' },
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(TRY_TIMEOUT_MS),
      });
      const text = (await response.text()).slice(0, 300).trim();
      if (response.ok) return;
      last = `${response.status} ${text}`;
      // Refused for good (token, check, size): trying again would be refused again.
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      last = (error as Error).name === 'TimeoutError' ? `no answer within ${TRY_TIMEOUT_MS / 1000}s` : String(error);
    }
  }
  io.stderr(`vigil run: ${path.split('?')[0]} not reported: ${forTerminal(last)}`);
}
