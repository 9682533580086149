/**
 * The monitor's probe thread (lambdas/local/probe-thread.ts), built as the CLI bundle builds it: a probe
 * on it is timed by its own event loop, so work on the monitor's thread does not lengthen it.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilFault } from '../../lambdas/core/errors.js';
import { ProbeThread } from '../../lambdas/local/probe-thread.js';
import { type Check, config } from '../support/checks.js';
import { recordingLog } from '../support/log.js';

const RESPONSE_MS = 60;
const BLOCK_MS = 400;
let dir: string;
let workerFile: string;
/** The target runs in a process of its own: blocking this thread must not hold its answers back. */
let target: ChildProcess;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-probe-thread-'));
  workerFile = join(dir, 'probe-worker.mjs');
  await build({
    entryPoints: ['lambdas/local/probe-worker.ts'],
    outfile: workerFile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: "import { createRequire as vigilRequire } from 'node:module'; const require = vigilRequire(import.meta.url);" },
    logLevel: 'error',
  });
  target = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:http').createServer((q, r) => setTimeout(() => r.end('ok'), ${RESPONSE_MS}));
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(target.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  port = Number(line.toString().trim());
}, 60_000);

afterAll(async () => {
  target.kill();
  rmSync(dir, { recursive: true, force: true });
});

const checksFor = (p: number): readonly Check[] =>
  config({
    checks: [
      { id: 'api', type: 'http', url: `http://127.0.0.1:${p}/health`, timeout: '5s', retries: 0 },
      { id: 'secret', type: 'http', url: `http://127.0.0.1:${p}/`, headers: { authorization: { env: 'API_TOKEN' } } },
    ],
  }).checks;

/** Keeps this thread's event loop busy, as storing and deciding a burst of results does. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

describe('ProbeThread', () => {
  it('times a probe by its own loop while the monitor thread is busy', async () => {
    const checks = checksFor(port);
    const thread = ProbeThread.start({ checks, env: {} }, recordingLog(), workerFile) as ProbeThread;
    try {
      await thread.run(checks[0] as Check); // the thread's start and first probe are not what is measured
      const probing = thread.run(checks[0] as Check);
      await new Promise((resolve) => setTimeout(resolve, 10));
      blockFor(BLOCK_MS);
      const result = await probing;
      expect(result).toMatchObject({ checkId: 'api', status: 'up', httpStatus: 200 });
      expect(result.timings.totalMs).toBeGreaterThanOrEqual(RESPONSE_MS - 1);
      // On this thread it would read at least the block: the response waited for the loop.
      expect(result.timings.totalMs).toBeLessThan(BLOCK_MS / 2);
    } finally {
      await thread.close();
    }
  });

  it("resolves a check's secrets from the environment it was given", async () => {
    const checks = checksFor(port);
    const without = ProbeThread.start({ checks, env: {} }, recordingLog(), workerFile) as ProbeThread;
    const withToken = ProbeThread.start({ checks, env: { API_TOKEN: 'Bearer t' } }, recordingLog(), workerFile) as ProbeThread;
    try {
      expect(await without.run(checks[1] as Check)).toMatchObject({ status: 'down', error: { kind: 'internal' } });
      expect(await withToken.run(checks[1] as Check)).toMatchObject({ status: 'up' });
    } finally {
      await Promise.all([without.close(), withToken.close()]);
    }
  });

  it('fails the probes in flight when the thread dies, as a fault of Vigil, and starts again for the next', async () => {
    const dying = join(dir, 'dying-worker.mjs');
    writeFileSync(
      dying,
      "import { parentPort } from 'node:worker_threads';\nparentPort.once('message', () => process.exit(3));\n",
    );
    const checks = checksFor(port);
    const thread = ProbeThread.start({ checks, env: {} }, recordingLog(), dying) as ProbeThread;
    try {
      const first = await thread.run(checks[0] as Check).catch((error: unknown) => error);
      expect(first).toBeInstanceOf(VigilFault);
      expect((first as VigilFault).message).toBe('the probe thread stopped (exit code 3)');
      const again = await thread.run(checks[0] as Check).catch((error: unknown) => error);
      expect((again as VigilFault).message).toBe('the probe thread stopped (exit code 3)');
    } finally {
      await thread.close();
    }
    await expect(thread.run(checks[0] as Check)).rejects.toThrow('the probe thread is stopped');
  });

  it('is not started where its code is not beside it (run from source)', () => {
    expect(ProbeThread.start({ checks: [], env: {} }, recordingLog(), join(dir, 'absent.mjs'))).toBeNull();
  });
});
