/** Vigil's own failures (too many open files, a full disk) are never the target's: no down result comes of them. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError, faultBehind, ownFault } from '../../lambdas/checks/shared/classify.js';
import { VigilFault } from '../../lambdas/core/errors.js';
import { VIGIL, vigil } from '../support/cli.js';
import { type Running, startHttp } from '../support/servers.js';

const errno = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:80`), { code });

describe('classifying an error as Vigil’s own', () => {
  it('takes EMFILE, ENFILE and ENOSPC for a fault of Vigil itself, with what it means', () => {
    for (const [code, what] of [
      ['EMFILE', 'too many open files in Vigil’s process (EMFILE)'],
      ['ENFILE', 'too many open files on this machine (ENFILE)'],
      ['ENOSPC', 'no space left on the device (ENOSPC)'],
    ]) {
      const seen = classifyError(errno(code as string), 'connect', 'api.example.com');
      const fault = faultBehind(seen);
      expect(fault).toBeInstanceOf(VigilFault);
      expect({ message: fault?.message, source: fault?.source }).toEqual({ message: `probe not made: ${what}`, source: 'host' });
      expect(ownFault(errno(code as string))?.message).toBe(fault?.message);
    }
  });

  it('leaves the target’s errors to the target', () => {
    const refused = classifyError(errno('ECONNREFUSED'), 'connect', 'api.example.com');
    expect(refused).toEqual({ kind: 'connect_refused', message: 'connection refused by api.example.com' });
    expect(faultBehind(refused)).toBeNull();
    expect(ownFault(errno('ECONNRESET'))).toBeNull();
    // A ProbeError that only looks like one (the same words) is not taken for a fault.
    expect(
      faultBehind({ kind: 'internal', message: 'probe not made: too many open files in Vigil’s process (EMFILE)' }),
    ).toBeNull();
  });
});

describe('vigil check out of file descriptors (a real EMFILE)', () => {
  let hanging: Running;
  beforeAll(async () => {
    // Holds every request: each probe keeps its socket until its timeout.
    hanging = await startHttp(() => {});
    // Built before the limit is lowered: the build is not what is tested.
    await vigil(['--version']);
  });
  afterAll(() => hanging.close());

  it('names the checks it could not probe and judges none of them down for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-emfile-'));
    const checks = Array.from(
      { length: 120 },
      (_, i) => `  - { id: c${i}, type: http, url: "${hanging.url}/", timeout: 1s, retries: 0 }`,
    );
    writeFileSync(join(dir, 'vigil.yaml'), `checks:\n${checks.join('\n')}\n`);
    // 64 descriptors: Node and the CLI need some 30, so most of the 120 sockets cannot be opened.
    const child = spawn(
      'prlimit',
      ['--nofile=64:64', '--', process.execPath, VIGIL, 'check', '--json', '--config', join(dir, 'vigil.yaml')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    const notProbed = stderr.split('\n').filter((line) => line.includes(' not probed: '));
    const { results } = JSON.parse(stdout) as { results: { checkId: string; status: string; error: { kind: string } | null }[] };
    expect(notProbed.length).toBeGreaterThan(0);
    expect(notProbed[0]).toMatch(
      /^vigil: c\d+ not probed: probe not made: too many open files in Vigil’s process \(EMFILE\) \(Vigil itself, not the target\)$/,
    );
    // Every check is either a result of the target (its timeout) or named as not probed; none is an internal down.
    expect(results.length + notProbed.length).toBe(120);
    expect(results.filter((r) => r.error?.kind !== 'timeout')).toEqual([]);
    expect(code).toBe(1);
  });
});
