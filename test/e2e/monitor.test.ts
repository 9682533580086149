import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, vigil, waitFor } from '../support/cli.js';
import { type Receiver, type Running, startHealthTarget, startReceiver } from '../support/servers.js';

let target: Running;
let slack: Receiver;
let pagerduty: Receiver;
let healthy = true;
let dir: string;

beforeAll(async () => {
  target = await startHealthTarget(() => healthy);
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

describe('vigil monitor (the real executable; alerting on simulated time is in test/cli/monitor.test.ts)', () => {
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
    const stopped = await second.finished;
    expect(stopped).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/vigil monitor: stopped\n$/) });
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
      text: 'TEST: Vigil test notification: test notification from Vigil; routing works',
    });
  });

  it('exits 1 when the channel cannot be reached', async () => {
    const { code, stderr } = await vigil(['test-alert', '--channel', 'platform-pd', '--config', join(dir, 'vigil.yaml')], {});
    expect(code).toBe(1);
    expect(stderr).toContain('not delivered: secret vigil/pd is not available locally: set VIGIL_SECRET_VIGIL_PD');
  });
});
