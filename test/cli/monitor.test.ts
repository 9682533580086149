import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monitorCommand } from '../../lambdas/cli/monitor.js';
import { config } from '../support/checks.js';
import { waitFor } from '../support/cli.js';
import { startHttp, startReceiver } from '../support/servers.js';

describe('monitorCommand', () => {
  it('tries a failed delivery again later, so a channel that was down still gets the alert once', async () => {
    const target = await startHttp((_req, res) => res.writeHead(503).end());
    const slack = await startReceiver();
    slack.respondWith({ status: 404 }); // not retryable: the first delivery fails at once
    const out: string[] = [];
    const err: string[] = [];
    const controller = new AbortController();
    try {
      const cfg = config({
        defaults: { interval: '1s', timeout: '500ms', failureThreshold: 2 },
        channels: { chat: { type: 'slack', webhookUrl: `${slack.url}/hook` } },
        checks: [{ id: 'api', type: 'http', url: `${target.url}/` }],
      });
      const io = {
        stdout: (t: string) => out.push(t),
        stderr: (t: string) => err.push(t),
        env: {},
        signal: controller.signal,
        fetch: globalThis.fetch,
      };
      const running = monitorCommand(
        cfg,
        { dataDir: mkdtempSync(join(tmpdir(), 'vigil-redeliver-')), redeliverAfterMs: 500 },
        io,
      );
      await waitFor('the redelivery', () => slack.received.length >= 2);
      controller.abort();
      expect(await running).toBe(0);
    } finally {
      await Promise.all([target.close(), slack.close()]);
    }
    expect(slack.received.map((r) => (r.body as { text: string }).text)).toEqual([
      'DOWN: api: expected status 2xx, got 503',
      'DOWN: api: expected status 2xx, got 503',
    ]);
    const lines = out.join('\n');
    expect(lines).toContain('  → chat: NOT delivered: chat answered HTTP 404; will try again');
    const retry = out.indexOf('RETRY DOWN: api: expected status 2xx, got 503');
    expect(retry).toBeGreaterThan(0);
    expect(out.indexOf('  → chat: delivered (1 request)')).toBeGreaterThan(retry);
    expect(err.filter((l) => l.startsWith('error: stopping'))).toEqual([]);
  });
});
