import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, vigil, waitFor } from '../support/cli.js';
import { type Receiver, type Running, startHttp, startReceiver } from '../support/servers.js';

let target: Running;
let slack: Receiver;
let pagerduty: Receiver;
let healthy = true;
let dir: string;

beforeAll(async () => {
  target = await startHttp((_req, res) => {
    const status = healthy ? 'healthy' : 'unhealthy';
    res
      .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status, checks: { db: { status } } }));
  });
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
  dir = mkdtempSync(join(tmpdir(), 'vigil-monitor-'));
  writeFileSync(
    join(dir, 'vigil.yaml'),
    `
defaults: { interval: 1s, timeout: 500ms, failureThreshold: 2, successThreshold: 2 }
channels:
  ops-slack: { type: slack, webhookUrl: { env: TEST_SLACK_WEBHOOK } }
  platform-pd: { type: pagerduty, routingKey: { secret: vigil/pd }, eventsUrl: "${pagerduty.url}/v2/enqueue" }
checks:
  - { id: api, name: Test API, type: http, url: "${target.url}/health", healthJson: true }
`,
  );
});
afterAll(() => Promise.all([target.close(), slack.close(), pagerduty.close()]));

const env = () => ({ TEST_SLACK_WEBHOOK: `${slack.url}/hook`, VIGIL_SECRET_VIGIL_PD: 'test-routing-key' });
const pdActions = () => pagerduty.received.map((r) => (r.body as { event_action: string }).event_action);

describe('vigil monitor', () => {
  it('pages once when a target goes down and resolves once when it recovers, then stops cleanly on SIGTERM', async () => {
    const data = join(dir, 'data');
    const monitor = start(['monitor', '--config', join(dir, 'vigil.yaml'), '--data', data], env());
    try {
      await waitFor('two healthy results', () => (monitor.stdout().match(/ api up 200 /g) ?? []).length >= 2);
      healthy = false;
      await waitFor('the PagerDuty trigger', () => pdActions().includes('trigger'));
      // Stay down for a few more runs: still one page.
      await waitFor('three more failing results', () => (monitor.stdout().match(/ api down 503 /g) ?? []).length >= 5);
      healthy = true;
      await waitFor('the PagerDuty resolve', () => pdActions().includes('resolve'));
      await waitFor(
        'two more healthy results',
        () =>
          (
            monitor
              .stdout()
              .split('RECOVERED')[1]
              ?.match(/ api up 200 /g) ?? []
          ).length >= 2,
      );
    } finally {
      monitor.child.kill('SIGTERM');
    }
    const { code, stdout, stderr } = await monitor.finished;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/vigil monitor: stopped\n$/);

    expect(pdActions()).toEqual(['trigger', 'resolve']);
    const [trigger, resolve] = pagerduty.received.map((r) => r.body as Record<string, unknown>);
    expect(trigger).toMatchObject({
      routing_key: 'test-routing-key',
      dedup_key: 'vigil/local/api',
      payload: { severity: 'critical', class: 'http_status' },
    });
    expect(resolve).toEqual({ routing_key: 'test-routing-key', event_action: 'resolve', dedup_key: 'vigil/local/api' });

    const slackTexts = slack.received.map((r) => (r.body as { text: string }).text);
    expect(slackTexts).toHaveLength(2);
    expect(slackTexts[0]).toBe('DOWN: Test API: expected status 2xx, got 503');
    expect(slackTexts[1]).toMatch(/^RECOVERED: Test API: back up after \d+s$/);
    expect(slack.received.every((r) => r.path === '/hook')).toBe(true);

    expect(stdout).toContain('ALERT CRITICAL DOWN: Test API: expected status 2xx, got 503');
    expect(stdout).toContain('  → platform-pd: delivered (1 request)');
    const metrics = readFileSync(join(data, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.metric === 'Availability').map((m) => m.value)).toContain(0);
  });

  it('keeps state across restarts: an outage confirmed before a restart is not paged again', async () => {
    const data = join(dir, 'restart-data');
    const config = join(dir, 'vigil.yaml');
    healthy = false;
    const before = pagerduty.received.length;
    const first = start(['monitor', '--config', config, '--data', data], env());
    await waitFor('the trigger', () => pagerduty.received.length > before);
    first.child.kill('SIGINT');
    expect((await first.finished).code).toBe(0);
    const second = start(['monitor', '--config', config, '--data', data], env());
    await waitFor('three failing results after the restart', () => (second.stdout().match(/ api down 503 /g) ?? []).length >= 3);
    second.child.kill('SIGTERM');
    expect((await second.finished).code).toBe(0);
    expect(pdActions().slice(before)).toEqual(['trigger']);
    healthy = true;
  });
});

describe('vigil test-alert', () => {
  it('sends a clearly marked test through the real channel path', async () => {
    const { code, stdout } = await vigil(['test-alert', '--channel', 'ops-slack', '--config', join(dir, 'vigil.yaml')], env());
    expect(code).toBe(0);
    expect(stdout).toBe('test notification delivered to ops-slack\n');
    expect(slack.received.at(-1)?.body).toMatchObject({
      text: '[TEST] TEST: Vigil test notification: test notification from Vigil; routing works',
    });
  });

  it('exits 1 when the channel cannot be reached', async () => {
    const { code, stderr } = await vigil(['test-alert', '--channel', 'platform-pd', '--config', join(dir, 'vigil.yaml')], {});
    expect(code).toBe(1);
    expect(stderr).toContain('not delivered: secret vigil/pd is not available locally: set VIGIL_SECRET_VIGIL_PD');
  });
});
