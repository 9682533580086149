/**
 * A job reporting through the real `vigil run` against the real `vigil monitor --listen`, then read back
 * with `vigil check` and `vigil report`. Lateness, maxRuntime and rates on simulated time are in
 * test/cli/heartbeat.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_TOKEN } from '../support/checks.js';
import { type Started, start, VIGIL, vigil, waitFor } from '../support/cli.js';
import { refusedPort } from '../support/servers.js';

let dir: string;
let config: string;
let data: string;
let monitor: Started;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-heartbeat-'));
  config = join(dir, 'vigil.yaml');
  data = join(dir, 'data');
  writeFileSync(
    config,
    `
checks:
  - id: nightly-upload
    name: Nightly upload
    type: heartbeat
    cron: "0 2 * * *"
    timezone: Europe/Berlin
    grace: 30m
    interval: 1s
    token: { env: NIGHTLY_TOKEN }
`,
  );
  monitor = start(['monitor', '--config', config, '--data', data, '--listen', '127.0.0.1:0'], { NIGHTLY_TOKEN: HEARTBEAT_TOKEN });
  await waitFor('the heartbeat API', () => /heartbeat API on (\S+)/.test(monitor.stdout()));
  url = /heartbeat API on (\S+)/.exec(monitor.stdout())?.[1] as string;
});

afterAll(async () => {
  monitor.child.kill('SIGINT');
  await monitor.finished;
});

const job = (code: number, output: string) => [
  process.execPath,
  '-e',
  `process.stdout.write(${JSON.stringify(output)}); process.exit(${code})`,
];
const run = (command: readonly string[], target = url, flags: readonly string[] = []) =>
  vigil(['run', '--check', 'nightly-upload', '--config', config, '--url', target, ...flags, '--', ...command], {
    NIGHTLY_TOKEN: HEARTBEAT_TOKEN,
  });

describe('vigil run against vigil monitor --listen', () => {
  it('reports start and end, the monitor decides on them, and check and report show the runs', async () => {
    expect(await run(job(0, 'uploaded 42 listings\n'))).toEqual({ code: 0, stdout: 'uploaded 42 listings\n', stderr: '' });
    expect(await run(job(4, 'translation service timed out\n'))).toMatchObject({ code: 4, stderr: '' });
    await waitFor('the failure alert', () => monitor.stdout().includes('ALERT CRITICAL DOWN: Nightly upload: run '));
    expect(monitor.stdout()).toMatch(
      /ALERT CRITICAL DOWN: Nightly upload: run \S+ failed with exit code 4 after \d+ ms: translation service timed out/,
    );
    // The run's start, then its end, with no other report between (a scheduled look may print between them).
    expect(monitor.stdout()).toMatch(
      /REPORT POST \/ping\/nightly-upload\/start → 200\n(?:(?!REPORT ).*\n)*REPORT POST \/ping\/nightly-upload\/0 → 200/,
    );

    const checked = await vigil(['check', '--config', config, '--data', data, '--json'], { NIGHTLY_TOKEN: HEARTBEAT_TOKEN });
    expect(checked.code).toBe(1);
    const [result] = JSON.parse(checked.stdout).results;
    expect(result).toMatchObject({
      checkId: 'nightly-upload',
      status: 'down',
      error: { kind: 'job_failed' },
      heartbeat: { lastRun: { ok: false, exitCode: 4 }, successRatePercent: 50, running: null },
    });
    // 02:00 in Berlin, whatever day comes next.
    expect(result.heartbeat.nextExpectedAt).toMatch(/T0[01]:00:00\.000Z$/);

    const report = await vigil(['report', '--config', config, '--data', data, '--json'], { NIGHTLY_TOKEN: HEARTBEAT_TOKEN });
    expect(report.code).toBe(0);
    const [row] = JSON.parse(report.stdout).checks;
    expect(row.heartbeat).toMatchObject({ runs: 2, failed: 1, successPercent: 50, lastRun: { exitCode: 4 } });
    expect(row.latencyMs).toEqual({ p50: null, p95: null, p99: null });
    const table = await vigil(['report', '--config', config, '--data', data], { NIGHTLY_TOKEN: HEARTBEAT_TOKEN });
    expect(table.stdout).toMatch(/HEARTBEATS|CHECK\s+RUNS\s+SUCCEEDED/);
    expect(table.stdout).toMatch(/nightly-upload\s+2 \(1 failed\)\s+50%/);
  });

  it('refuses to serve the API without the tokens it checks', async () => {
    const refused = await vigil(['monitor', '--config', config, '--data', join(dir, 'other'), '--listen', '127.0.0.1:0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('checks[0].token: environment variable NIGHTLY_TOKEN is not set');
    const taken = await vigil(
      ['monitor', '--config', config, '--data', join(dir, 'other'), '--listen', url.slice('http://'.length)],
      {
        NIGHTLY_TOKEN: HEARTBEAT_TOKEN,
      },
    );
    expect(taken).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('the address is in use (another vigil monitor?) (EADDRINUSE)'),
    });
  });

  it('finds the deployed URL in cdk-outputs.json when neither --url nor the config gives one', async () => {
    const deployed = join(dir, 'deployed');
    mkdirSync(deployed);
    writeFileSync(join(deployed, 'cdk-outputs.json'), JSON.stringify({ Vigil: { TableName: 't', HeartbeatUrl: `${url}/` } }));
    const before = (monitor.stdout().match(/REPORT POST \/ping\/nightly-upload\/0 → 200/g) ?? []).length;
    const done = await vigil(
      ['run', '--check', 'nightly-upload', '--config', config, '--', ...job(0, 'ok\n')],
      { NIGHTLY_TOKEN: HEARTBEAT_TOKEN },
      deployed,
    );
    expect(done).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    await waitFor(
      'the report',
      () => (monitor.stdout().match(/REPORT POST \/ping\/nightly-upload\/0 → 200/g) ?? []).length > before,
    );
  });

  it('keeps running and reports when whoever reads its output stops early (`vigil run … | head`)', async () => {
    const before = (monitor.stdout().match(/REPORT POST \/ping\/nightly-upload\/5 → 200/g) ?? []).length;
    const chatty = 'for (let i = 0; i < 20000; i++) console.log("line " + i); process.exitCode = 5';
    const args = ['run', '--check', 'nightly-upload', '--config', config, '--url', url, '--', process.execPath, '-e', chatty];
    const child = spawn(process.execPath, [VIGIL, ...args], {
      env: { ...process.env, NIGHTLY_TOKEN: HEARTBEAT_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(5);
    await waitFor(
      'the report',
      () => (monitor.stdout().match(/REPORT POST \/ping\/nightly-upload\/5 → 200/g) ?? []).length > before,
    );
  });

  it('runs the job and keeps its exit code when the report cannot be sent', async () => {
    const nowhere = `http://127.0.0.1:${await refusedPort()}`;
    const done = await run(job(7, 'still ran\n'), nowhere, ['--retry-for', '0s']);
    expect(done).toEqual({
      code: 7,
      stdout: 'still ran\n',
      stderr: [
        `vigil run: ${nowhere}/ping/nightly-upload/start: not reported after 1 attempt: connection refused (ECONNREFUSED)`,
        `vigil run: ${nowhere}/ping/nightly-upload/7: not reported after 1 attempt: connection refused (ECONNREFUSED)`,
        '',
      ].join('\n'),
    });
  });

  it('runs the job when the wrapper itself is misconfigured, and says why nothing was reported', async () => {
    const done = await vigil(['run', '--check', 'weekly', '--config', config, '--url', url, '--', ...job(0, 'ok\n')]);
    expect(done).toEqual({
      code: 0,
      stdout: 'ok\n',
      stderr: 'vigil run: no check "weekly" in the config; running the job without reporting it\n',
    });
    const missing = await vigil([
      'run',
      '--check',
      'nightly-upload',
      '--config',
      config,
      '--url',
      url,
      '--',
      join(dir, 'no-such-job'),
    ]);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('cannot run');
    expect(await vigil(['run', '--check', 'nightly-upload', '--config', config])).toMatchObject({
      code: 2,
      stderr: 'vigil: run needs the job after --: vigil run --check ID -- ./job.sh\n',
    });
  });
});
