/**
 * Heartbeat checks on `vigil monitor`'s real wiring (ping API on a port, dynalite, Slack and PagerDuty
 * stand-ins), on simulated time so hours of silence take no waiting; jobs report over real HTTP, some
 * through the real `vigil run`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { PINGS_PER_MINUTE } from '../../lambdas/core/heartbeat.js';
import { config, HEARTBEAT_TOKEN } from '../support/checks.js';
import { vigil } from '../support/cli.js';
import { type Receiver, startReceiver } from '../support/servers.js';
import { type SimMonitor, simMonitor } from '../support/sim-monitor.js';

const MINUTE = 60_000;
let slack: Receiver | undefined;
let pagerduty: Receiver | undefined;
let sim: SimMonitor | undefined;

afterEach(async () => {
  await sim?.close();
  await Promise.all([slack?.close(), pagerduty?.close()]);
  sim = slack = pagerduty = undefined;
});

/** A monitor with one heartbeat check `nightly` (looked at every minute) made of `fields`. */
async function monitorWith(fields: Record<string, unknown>) {
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
  const document = {
    channels: {
      chat: { type: 'slack', webhookUrl: `${slack.url}/hook` },
      pager: { type: 'pagerduty', routingKey: 'key', eventsUrl: `${pagerduty.url}/v2/enqueue` },
    },
    checks: [{ id: 'nightly', name: 'Nightly upload', type: 'heartbeat', interval: '1m', token: HEARTBEAT_TOKEN, ...fields }],
  };
  sim = await simMonitor(config(document), { listen: true });
  const file = join(sim.dataDir, 'vigil.json');
  writeFileSync(file, JSON.stringify(document));
  return { sim, configFile: file, url: sim.monitor.pingUrl as string };
}

async function ping(url: string, path: string, options: { token?: string | null; body?: string | Buffer } = {}) {
  const token = options.token === undefined ? HEARTBEAT_TOKEN : options.token;
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const texts = () => (slack?.received ?? []).map((r) => (r.body as { text: string }).text);
const pages = () => (pagerduty?.received ?? []).map((r) => (r.body as { event_action: string }).event_action);

describe('heartbeat checks', () => {
  it('pages once when a job stops reporting after schedule + grace, and resolves on its next success', async () => {
    const { sim, url } = await monitorWith({ every: '1h', grace: '10m' });
    await sim.run(30 * MINUTE);
    expect((await ping(url, '/ping/nightly')).status).toBe(200);
    // Due at 1h30, late from 1h40.
    await sim.run(69 * MINUTE);
    expect(pages()).toEqual([]);
    await sim.run(2 * MINUTE);
    expect(pages()).toEqual(['trigger']);
    // Silence for hours more is the same outage.
    await sim.run(180 * MINUTE);
    expect(pages()).toEqual(['trigger']);
    expect((await ping(url, '/ping/nightly')).status).toBe(200);
    await sim.run(MINUTE);
    expect(pages()).toEqual(['trigger', 'resolve']);
    expect(texts()).toEqual([
      expect.stringMatching(/^DOWN: Nightly upload: no success since \S+; a run was expected by \S+ \(grace 10m\)$/),
      expect.stringMatching(/^RECOVERED: Nightly upload: back up after 3h( \d+m)?$/),
    ]);
  });

  it('pages at once with the exit code and the tail of the output when `vigil run` reports a failure', async () => {
    const { sim, url, configFile } = await monitorWith({ every: '1d' });
    const job = 'console.log("uploaded 41 of 42"); console.error("Error: shop refused listing 42"); process.exit(3)';
    const run = await vigil([
      'run',
      '--check',
      'nightly',
      '--config',
      configFile,
      '--url',
      url,
      '--',
      process.execPath,
      '-e',
      job,
    ]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('uploaded 41 of 42\n');
    expect(run.stderr).toBe('Error: shop refused listing 42\n');
    await sim.run(MINUTE);
    expect(pages()).toEqual(['trigger']);
    const [alert] = texts();
    expect(alert).toMatch(/^DOWN: Nightly upload: run [0-9a-f-]{36} failed with exit code 3 after \d+ ms: /);
    expect(alert).toContain('uploaded 41 of 42');
    expect(alert).toContain('Error: shop refused listing 42');
    const page = pagerduty?.received[0]?.body as { payload: { custom_details: Record<string, unknown> } } | undefined;
    const details = page?.payload.custom_details ?? {};
    expect(details.error).toMatchObject({ kind: 'job_failed', message: expect.stringContaining('exit code 3') });
    expect(details.heartbeat).toMatchObject({ lastRun: { ok: false, exitCode: 3 }, running: null });

    const ok = await vigil(['run', '--check', 'nightly', '--config', configFile, '--url', url, '--', process.execPath, '-e', '']);
    expect(ok.code).toBe(0);
    await sim.run(MINUTE);
    expect(pages()).toEqual(['trigger', 'resolve']);
  });

  it("holds a late job's page in a maintenance window, like a probed check's, and records why", async () => {
    slack = await startReceiver();
    pagerduty = await startReceiver({ status: 202 });
    const start = new Date(Date.now() + 50 * MINUTE).toISOString();
    const end = new Date(Date.now() + 5 * 60 * MINUTE).toISOString();
    sim = await simMonitor(
      config({
        channels: { pager: { type: 'pagerduty', routingKey: 'key', eventsUrl: `${pagerduty.url}/v2/enqueue` } },
        checks: [{ id: 'nightly', type: 'heartbeat', every: '1h', grace: '0s', interval: '1m', token: HEARTBEAT_TOKEN }],
        maintenance: [{ name: 'migration', checks: ['nightly'], start, end }],
      }),
    );
    await sim.run(2 * 60 * MINUTE);
    expect(pages()).toEqual([]);
    expect(sim.out).toContain('HELD down of nightly: maintenance window "migration"');
    const [incident] = await sim.monitor.store.listIncidents('nightly');
    expect(incident?.cause?.kind).toBe('late');
  });

  it('pages when a run goes past maxRuntime, naming the run', async () => {
    const { sim, url } = await monitorWith({ every: '1d', maxRuntime: '30m' });
    expect((await ping(url, '/ping/nightly/start?rid=run-1123')).status).toBe(200);
    await sim.run(30 * MINUTE);
    expect(pages()).toEqual([]);
    await sim.run(2 * MINUTE);
    expect(texts()).toEqual([
      expect.stringMatching(/^DOWN: Nightly upload: run run-1123 started \S+ has run 3[01]m, over maxRuntime 30m$/),
    ]);
    expect((await ping(url, '/ping/nightly?rid=run-1123')).status).toBe(200);
    await sim.run(MINUTE);
    expect(pages()).toEqual(['trigger', 'resolve']);
  });

  it('warns when the success rate falls under its minimum', async () => {
    const { sim, url } = await monitorWith({ every: '1h', successRate: { window: 4, min: 75 } });
    for (const outcome of ['', '', '', '', 'fail', '']) {
      expect((await ping(url, `/ping/nightly/${outcome}`)).status).toBe(200);
      await sim.run(10 * MINUTE);
    }
    // 3 of the last 4: at the minimum. The failed run paged and resolved on its own.
    expect(pages()).toEqual(['trigger', 'resolve']);
    expect(sim.out.filter((l) => l.startsWith('STATE'))).not.toContain('STATE nightly: up → degraded');
    expect((await ping(url, '/ping/nightly/fail')).status).toBe(200);
    await sim.run(10 * MINUTE);
    expect((await ping(url, '/ping/nightly/')).status).toBe(200);
    await sim.run(10 * MINUTE);
    // Back from the failure, but 2 of the last 4: a warning, which the pager's minSeverity (critical) leaves to chat.
    expect(pages()).toEqual(['trigger', 'resolve', 'trigger', 'resolve']);
    expect(texts().at(-1)).toBe(
      'RECOVERED: Nightly upload: back degraded after 10m: 50% of the last 4 runs succeeded, under the minimum 75%',
    );
    expect(sim.out).toContain('STATE nightly: down → degraded');
  });

  it('warns without paging when failed runs are given time to be fixed and the rate falls', async () => {
    // A failed run pages only if no success follows within 30 looks (30 minutes); the rate warns at once.
    const { sim, url } = await monitorWith({
      every: '1h',
      successRate: { window: 4, min: 75 },
      failureThreshold: 30,
      degradedThreshold: 1,
    });
    for (const outcome of ['', '', 'fail', '', 'fail', '']) {
      expect((await ping(url, `/ping/nightly/${outcome}`)).status).toBe(200);
      await sim.run(10 * MINUTE);
    }
    expect(pages()).toEqual([]);
    expect(texts()).toEqual(['DEGRADED: Nightly upload: 50% of the last 4 runs succeeded, under the minimum 75%']);
  });

  it('refuses bad tokens, unknown checks, oversized bodies and floods, and records nothing for them', async () => {
    const { url } = await monitorWith({ every: '1h' });
    const store = sim?.monitor.store as DynamoResultStore;
    const before = await store.readHeartbeat('nightly', new Date());

    expect(await ping(url, '/ping/nightly', { token: null })).toEqual({
      status: 401,
      body: { ok: false, error: 'missing bearer token: send Authorization: Bearer <token>' },
    });
    expect((await ping(url, '/ping/nightly', { token: 'not-the-token-at-all' })).status).toBe(403);
    expect((await ping(url, '/ping/weekly')).status).toBe(404);
    expect((await ping(url, '/ping/nightly/reboot')).status).toBe(404);
    expect((await ping(url, '/ping/nightly/256')).status).toBe(404);
    expect((await ping(url, '/ping/nightly?rid=a%20b')).status).toBe(400);
    expect((await ping(url, '/ping/nightly/fail', { body: Buffer.alloc(10 * 1024 + 1, 'x') })).status).toBe(413);
    // A body that says it is small and is not.
    const sneaky = await fetch(`${url}/ping/nightly/fail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HEARTBEAT_TOKEN}` },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(sneaky.status).toBe(413);
    expect(await fetch(`${url}/ping/nightly`).then((r) => r.status)).toBe(405);
    expect(await store.readHeartbeat('nightly', new Date())).toEqual(before);
    expect(await store.listRuns('nightly', new Date(0), new Date())).toEqual([]);

    for (let i = 0; i < PINGS_PER_MINUTE; i++) expect((await ping(url, '/ping/nightly/start')).status).toBe(200);
    const flood = await ping(url, '/ping/nightly/start');
    expect(flood.status).toBe(429);
    expect((await store.readHeartbeat('nightly', new Date())).version).toBe(before.version + PINGS_PER_MINUTE);
  });

  it("treats a job's output as hostile: no mention, link or terminal escape gets through", async () => {
    const { sim, url } = await monitorWith({ every: '1h' });
    const output = 'fatal <!channel> see <https://evil.example|the fix>\u001b[2J\u001b[31m gone';
    expect((await ping(url, '/ping/nightly/fail', { body: output })).status).toBe(200);
    await sim.run(MINUTE);
    const [text] = texts();
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example|');
    const alert = sim.out.find((line) => line.startsWith('ALERT ')) ?? '';
    expect(alert).toContain('\\x1b[2J');
    expect(alert).not.toContain('\u001b');
  });

  it('acknowledges a retried report once, by its run id', async () => {
    const { sim, url } = await monitorWith({ every: '1h' });
    expect((await ping(url, '/ping/nightly/start?rid=r1')).body).toMatchObject({ ok: true, recorded: 'start' });
    expect((await ping(url, '/ping/nightly/0?rid=r1', { body: 'done' })).body).toMatchObject({ ok: true, recorded: '0' });
    expect((await ping(url, '/ping/nightly/0?rid=r1', { body: 'done' })).body).toEqual({ ok: true, duplicate: true });
    const store = sim.monitor.store as DynamoResultStore;
    const runs = await store.listRuns('nightly', new Date(0), new Date(Date.now() + 86_400_000));
    expect(runs).toEqual([expect.objectContaining({ rid: 'r1', ok: true, exitCode: 0, output: 'done' })]);
    // An end whose start never arrived takes the duration the job measured; a bad one is refused.
    expect((await ping(url, '/ping/nightly/0?rid=r2&duration=1500')).status).toBe(200);
    expect((await ping(url, '/ping/nightly/0?rid=r3&duration=-5')).status).toBe(400);
    expect((await ping(url, '/ping/nightly/0?rid=r3&duration=99999999999')).status).toBe(400);
    const later = await store.listRuns('nightly', new Date(0), new Date(Date.now() + 86_400_000));
    expect(later.map((r) => [r.rid, r.durationMs])).toEqual([
      ['r1', expect.any(Number)],
      ['r2', 1500],
    ]);
  });
});
