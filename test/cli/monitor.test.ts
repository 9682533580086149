import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { monitorCommand } from '../../lambdas/cli/monitor.js';
import { config } from '../support/checks.js';
import { waitFor } from '../support/cli.js';
import { type Receiver, type Running, startHealthTarget, startHttp, startReceiver } from '../support/servers.js';
import { type SimMonitor, simMonitor } from '../support/sim-monitor.js';

let target: Running;
let slack: Receiver;
let pagerduty: Receiver;
let healthy: boolean;
let sim: SimMonitor | undefined;

beforeEach(async () => {
  healthy = true;
  target = await startHealthTarget(() => healthy);
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await Promise.all([target.close(), slack.close(), pagerduty.close()]);
});

const pdActions = () => pagerduty.received.map((r) => (r.body as { event_action: string }).event_action);
const count = (lines: readonly string[], pattern: RegExp) => lines.filter((l) => pattern.test(l)).length;

describe('vigil monitor on simulated time', () => {
  it('pages once when a target goes down and resolves once when it recovers', async () => {
    const cfg = config({
      defaults: { interval: '1s', timeout: '500ms', failureThreshold: 2, successThreshold: 2 },
      channels: {
        'ops-slack': { type: 'slack', webhookUrl: { env: 'TEST_SLACK_WEBHOOK' } },
        'platform-pd': { type: 'pagerduty', routingKey: { secret: 'vigil/pd' }, eventsUrl: `${pagerduty.url}/v2/enqueue` },
      },
      checks: [{ id: 'api', name: 'Test API', type: 'http', url: `${target.url}/health`, healthJson: true }],
    });
    sim = await simMonitor(cfg, {
      env: { TEST_SLACK_WEBHOOK: `${slack.url}/hook`, VIGIL_SECRET_VIGIL_PD: 'test-routing-key' },
    });
    await sim.run(1_500);
    expect(count(sim.out, / api up 200 /)).toBe(2);
    healthy = false;
    await sim.run(6_000); // six failing runs: one page
    expect(count(sim.out, / api down 503 /)).toBe(6);
    healthy = true;
    await sim.run(4_000);
    expect(sim.err).toEqual([]);
    // Every change people see is printed, pending included.
    expect(sim.out.filter((l) => l.startsWith('STATE '))).toEqual([
      'STATE api: unknown → up',
      'STATE api: up → pending',
      'STATE api: pending → down',
      'STATE api: down → up',
    ]);

    expect(pdActions()).toEqual(['trigger', 'resolve']);
    const [trigger, resolve] = pagerduty.received.map((r) => r.body as Record<string, unknown>);
    expect(trigger).toMatchObject({
      routing_key: 'test-routing-key',
      dedup_key: 'vigil/local/api',
      payload: { severity: 'critical', class: 'unhealthy' },
    });
    expect(resolve).toEqual({ routing_key: 'test-routing-key', event_action: 'resolve', dedup_key: 'vigil/local/api' });

    const slackTexts = slack.received.map((r) => (r.body as { text: string }).text);
    expect(slackTexts).toEqual([
      'DOWN: Test API: health says unhealthy (db) (HTTP 503)',
      'RECOVERED: Test API: back up after 7s',
    ]);
    expect(slack.received.every((r) => r.path === '/hook')).toBe(true);

    expect(sim.out).toContain('ALERT CRITICAL DOWN: Test API: health says unhealthy (db) (HTTP 503)');
    expect(sim.out).toContain('  → platform-pd: down of api delivered (1 request)');
    const metrics = readFileSync(join(sim.dataDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.metric === 'Availability').map((m) => m.value)).toContain(0);
  });

  it('tries a failed delivery again later, so a channel that was down still gets the alert once', async () => {
    await target.close();
    target = await startHttp((_req, res) => res.writeHead(503).end());
    slack.respondWith({ status: 404 }); // not retryable: the first delivery fails at once
    const cfg = config({
      defaults: { interval: '1s', timeout: '500ms', failureThreshold: 2 },
      channels: { chat: { type: 'slack', webhookUrl: `${slack.url}/hook` } },
      checks: [{ id: 'api', type: 'http', url: `${target.url}/` }],
    });
    sim = await simMonitor(cfg, { redeliverAfterMs: 5_000 });
    await sim.run(3_000);
    expect(slack.received).toHaveLength(1);
    await sim.run(5_000);
    expect(slack.received.map((r) => (r.body as { text: string }).text)).toEqual([
      'DOWN: api: expected status 2xx, got 503',
      'DOWN: api: expected status 2xx, got 503',
    ]);
    expect(sim.out).toContain('  → chat: down of api NOT delivered: chat answered HTTP 404; will try again');
    const retry = sim.out.indexOf('RETRY DOWN: api: expected status 2xx, got 503 → chat');
    expect(retry).toBeGreaterThan(0);
    expect(sim.out.indexOf('  → chat: down of api delivered (1 request)')).toBeGreaterThan(retry);
    expect(sim.monitor.pendingDeliveries()).toBe(0);
  });
});

describe('vigil monitor: a bounded data folder', () => {
  it('deletes results older than the retention, hourly', async () => {
    const cfg = config({
      defaults: { interval: '5m', timeout: '500ms' },
      checks: [{ id: 'api', type: 'http', url: `${target.url}/health`, healthJson: true }],
    });
    sim = await simMonitor(cfg, { retentionMs: 2 * 3_600_000 });
    await sim.run(6 * 3_600_000);
    const now = sim.clock.now().getTime();
    const kept = await sim.monitor.store.listResults('api', new Date(0), sim.clock.now());
    // Pruned each hour: what is left is the last 2 hours, and at most one hour more.
    expect(kept.length).toBeGreaterThanOrEqual(24);
    expect(kept.length).toBeLessThanOrEqual(36);
    expect(Math.min(...kept.map((r) => Date.parse(r.startedAt)))).toBeGreaterThanOrEqual(now - 3 * 3_600_000);
  });
});

describe('vigil monitor: delivery off the probing path', () => {
  const down = (channels: Record<string, unknown>, interval = '1s') =>
    config({
      defaults: { interval, timeout: '500ms', failureThreshold: 1 },
      channels,
      checks: [{ id: 'api', type: 'http', url: `${target.url}/health`, healthJson: true }],
    });

  it('keeps undelivered alerts on disk: after a restart the channel gets them, once', async () => {
    healthy = false;
    const broken = await startReceiver({ status: 500 });
    try {
      sim = await simMonitor(down({ chat: { type: 'slack', webhookUrl: `${broken.url}/hook` } }));
      await sim.run(1_500);
      expect(broken.received.length).toBeGreaterThan(0);
      expect(sim.monitor.pendingDeliveries()).toBe(1);
    } finally {
      await sim?.close();
      await broken.close();
    }
    const { dataDir } = sim;
    // The receiver is back (at a new address: the queue keeps the channel, the config its URL).
    sim = await simMonitor(down({ chat: { type: 'slack', webhookUrl: `${slack.url}/hook` } }), { dataDir });
    expect(sim.monitor.pendingDeliveries()).toBe(1);
    await sim.run(31_000);
    expect(slack.received.map((r) => (r.body as { text: string }).text)).toEqual([
      'DOWN: api: health says unhealthy (db) (HTTP 503)',
    ]);
    expect(sim.monitor.pendingDeliveries()).toBe(0);
  });

  it('honours a channel’s Retry-After of an hour without holding back other channels or probes', async () => {
    healthy = false;
    const limited = await startReceiver({ status: 429, headers: { 'retry-after': '3600' } });
    try {
      sim = await simMonitor(
        down(
          {
            chat: { type: 'slack', webhookUrl: `${limited.url}/hook` },
            pager: { type: 'pagerduty', routingKey: 'key', eventsUrl: `${pagerduty.url}/v2/enqueue` },
          },
          '1m',
        ),
      );
      // A few ms past 30 minutes: the check starts at its phase, within 5 ms of the monitor's start.
      await sim.run(30 * 60_000 + 5);
      expect(pdActions()).toEqual(['trigger']);
      const tries = limited.received.length; // the first delivery's own retries
      expect(tries).toBeGreaterThan(0);
      expect(count(sim.out, / api down 503 /)).toBe(31); // at 0, 1, …, 30 minutes
      await sim.run(29 * 60_000);
      expect(limited.received).toHaveLength(tries);
      await sim.run(2 * 60_000);
      expect(limited.received.length).toBeGreaterThan(tries);
    } finally {
      await limited.close();
    }
  });

  it('keeps probing on time while a channel hangs (real time)', async () => {
    healthy = false;
    const hanging = await startReceiver({ status: 200, delayMs: 20_000 });
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-hang-'));
    const out: string[] = [];
    const controller = new AbortController();
    try {
      const running = monitorCommand(
        down({
          chat: { type: 'slack', webhookUrl: `${hanging.url}/hook` },
          pager: { type: 'pagerduty', routingKey: 'key', eventsUrl: `${pagerduty.url}/v2/enqueue` },
        }),
        { dataDir, deliveryGraceMs: 200 },
        { stdout: (t) => out.push(t), stderr: () => {}, env: {}, signal: controller.signal, fetch: globalThis.fetch },
      );
      await waitFor('four results', () => count(out, / api down 503 /) >= 4, 10_000);
      expect(pdActions()).toEqual(['trigger']);
      controller.abort();
      expect(await running).toBe(0);
      // The alert the hanging channel never took is kept for the next start.
      expect(JSON.parse(readFileSync(join(dataDir, 'deliveries.json'), 'utf8'))).toMatchObject([{ channel: 'chat' }]);
    } finally {
      controller.abort();
      await hanging.close();
    }
  }, 30_000);
});

describe('vigil monitor: the data folder’s store fails', () => {
  it('keeps probing when the store process dies, says so, restarts it and stores again (real time)', async () => {
    healthy = false;
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-store-dies-'));
    const out: string[] = [];
    const err: string[] = [];
    const controller = new AbortController();
    const cfg = config({
      defaults: { interval: '1s', timeout: '500ms', failureThreshold: 100 },
      checks: [{ id: 'api', type: 'http', url: `${target.url}/health` }],
    });
    const running = monitorCommand(
      cfg,
      { dataDir },
      {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        env: {},
        signal: controller.signal,
        fetch: globalThis.fetch,
      },
    );
    try {
      await waitFor('two results', () => count(out, / api down 503 /) >= 2, 10_000);
      // What a full disk does to it: the process serving the folder ends.
      execFileSync('pkill', ['-KILL', '-f', `dynalite-server.mjs ${dataDir}`]);
      await waitFor('the restart', () => err.some((l) => l.includes('embedded DynamoDB restarted')), 10_000);
      const afterRestart = count(out, / api down 503 /);
      await waitFor('two more results', () => count(out, / api down 503 /) >= afterRestart + 2, 10_000);
    } finally {
      controller.abort();
    }
    expect(await running).toBe(0);
    expect(err.find((l) => l.includes('embedded DynamoDB stopped'))).toMatch(/killed by SIGKILL\); restarting in 1s/);
    // Results from after the restart were stored: the report (through the same folder) counts them.
    const { reportCommand } = await import('../../lambdas/cli/report.js');
    const report: string[] = [];
    await reportCommand(
      cfg,
      { period: '24h', format: 'json', dataDir, htmlFile: undefined, table: undefined },
      {
        stdout: (t) => report.push(t),
        stderr: () => {},
        env: {},
        signal: new AbortController().signal,
        fetch: globalThis.fetch,
      },
    );
    const runs = JSON.parse(report.join('\n')).checks[0].runs;
    expect(runs).toBeGreaterThanOrEqual(3);
  }, 40_000);
});

describe('vigil monitor: Vigil itself is hurt (real time)', () => {
  const texts = () => slack.received.map((r) => (r.body as { text: string }).text);
  const storePid = (dataDir: string) =>
    Number(execFileSync('pgrep', ['-f', `dynalite-server.mjs ${join(dataDir, 'dynamodb')}`], { encoding: 'utf8' }).trim());

  /** The real monitor on an outage during a fault of its own store; `hurt` starts the fault and returns how it ends. */
  async function outageDuringFault(hurt: (dataDir: string) => () => void, extra: { diskFullWhile?: string } = {}) {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-hurt-'));
    const out: string[] = [];
    const controller = new AbortController();
    const cfg = config({
      defaults: { interval: '1s', timeout: '500ms', failureThreshold: 2, successThreshold: 2 },
      channels: { chat: { type: 'slack', webhookUrl: `${slack.url}/hook` } },
      checks: [{ id: 'api', type: 'http', url: `${target.url}/health`, healthJson: true }],
    });
    const running = monitorCommand(
      cfg,
      { dataDir, deliveryGraceMs: 1_000, ...extra },
      { stdout: (t) => out.push(t), stderr: () => {}, env: {}, signal: controller.signal, fetch: globalThis.fetch },
    );
    let alertedAfterMs = Number.NaN;
    try {
      await waitFor('two up results', () => count(out, / api up 200 /) >= 2, 10_000);
      const hurtAt = Date.now();
      const heal = hurt(dataDir);
      healthy = false;
      await waitFor('the Vigil-itself alert', () => texts().some((t) => t.startsWith('DOWN: Vigil itself')), 60_000);
      alertedAfterMs = Date.now() - hurtAt;
      // The target's outage goes on while the store is hurt: none of it pages yet.
      expect(texts().filter((t) => t.startsWith('DOWN: api'))).toEqual([]);
      const downsSoFar = count(out, / api down 503 /);
      await waitFor('more failing results', () => count(out, / api down 503 /) >= downsSoFar + 2, 10_000);
      heal();
      await waitFor('the page for the outage', () => texts().some((t) => t.startsWith('DOWN: api')), 60_000);
      // Told as soon as what was kept is decided, not at the store's next ping (15 s).
      await waitFor('the recovery of Vigil itself', () => texts().some((t) => t.startsWith('RECOVERED: Vigil itself')), 5_000);
      await waitFor('more results after it', () => count(out, / api down 503 /) >= downsSoFar + 6, 10_000);
    } finally {
      controller.abort();
    }
    expect(await running).toBe(0);
    return { dataDir, out, alertedAfterMs, cfg };
  }

  /** The outage paged once, and its incident is the state's: open, not orphaned. */
  async function expectOnePageOneIncident(dataDir: string) {
    expect(texts().filter((t) => t.startsWith('DOWN: api'))).toEqual(['DOWN: api: health says unhealthy (db) (HTTP 503)']);
    expect(texts().filter((t) => t.includes('Vigil itself'))).toHaveLength(2);
    const { startEmbeddedDynamoDB } = await import('../../lambdas/adapters/local/embedded-dynamodb.js');
    const { DynamoResultStore } = await import('../../lambdas/adapters/dynamodb.js');
    const db = await startEmbeddedDynamoDB({ dataDir: join(dataDir, 'dynamodb') });
    try {
      const store = new DynamoResultStore(db.client, { tableName: db.tableName });
      const incidents = await store.listIncidents('api');
      expect(incidents.map((i) => i.endedAt)).toEqual([null]);
      expect((await store.getState('api'))?.incident?.startedAt).toBe(incidents[0]?.startedAt);
    } finally {
      await db.close();
    }
  }

  it('pages "Vigil itself" within a minute of its store hanging (SIGSTOP), then the outage once when it is back', async () => {
    let pid = 0;
    const { dataDir, out, alertedAfterMs } = await outageDuringFault((dir) => {
      pid = storePid(dir);
      process.kill(pid, 'SIGSTOP');
      return () => process.kill(pid, 'SIGCONT');
    });
    expect(alertedAfterMs).toBeLessThan(60_000);
    const vigilItself = texts().filter((t) => t.includes('Vigil itself'));
    expect(vigilItself[0]).toMatch(/^DOWN: Vigil itself: its store has not answered for \d+s: .*; results are kept in memory/);
    expect(vigilItself[1]).toMatch(
      /^RECOVERED: Vigil itself: cleared: the monitor works again; \d+ results kept meanwhile, decided now$/,
    );
    // Told once on the console too, as every alert is.
    expect(count(out, /^ALERT CRITICAL DOWN: Vigil itself/)).toBe(1);
    await expectOnePageOneIncident(dataDir);
  }, 150_000);

  it('pages "Vigil itself" when its disk is full (the store’s writes fail), then the outage once when there is room', async () => {
    const full = join(mkdtempSync(join(tmpdir(), 'vigil-disk-')), 'full');
    const { dataDir } = await outageDuringFault(
      () => {
        writeFileSync(full, '');
        return () => rmSync(full);
      },
      { diskFullWhile: full },
    );
    expect(texts().find((t) => t.startsWith('DOWN: Vigil itself'))).toMatch(/No space left on device/);
    await expectOnePageOneIncident(dataDir);
  }, 150_000);
});
