import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../support/checks.js';
import { type Receiver, type Running, startHttp, startReceiver } from '../support/servers.js';
import { simMonitor } from '../support/sim-monitor.js';

/** What a hostile target sends, and what must still reach people, whole and harmless. */
let hostile: Running;
let slack: Receiver;
let pagerduty: Receiver;

beforeAll(async () => {
  hostile = await startHttp((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/loop')) {
      // A redirect loop whose every Location is ~60 KB: the error message would quote them all.
      const next = `/loop/${path.length % 2}?${'x'.repeat(60_000)}`;
      res.writeHead(302, { location: next }).end();
    } else if (path === '/huge-json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: 'v'.repeat(300_000) }));
    } else {
      const components = {
        '<!channel>': 'unhealthy',
        '<https://evil.example|Click here>': 'unhealthy',
        '\u001b[2J\u001b[31mfake': 'unhealthy',
        pg_dump: 'unhealthy',
        '*bold* `code`': 'unhealthy',
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'unhealthy', checks: components }));
    }
  });
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
});
afterAll(() => Promise.all([hostile.close(), slack.close(), pagerduty.close()]));

describe('hostile targets cannot silence, inflate or inject an alert', () => {
  it('opens an incident and pages for each, within the providers’ limits, with target text escaped', async () => {
    const cfg = config({
      defaults: { interval: '1s', timeout: '2s', failureThreshold: 1 },
      channels: {
        chat: { type: 'slack', webhookUrl: `${slack.url}/hook` },
        pager: { type: 'pagerduty', routingKey: 'key', eventsUrl: `${pagerduty.url}/v2/enqueue` },
      },
      checks: [
        { id: 'loop', type: 'http', url: `${hostile.url}/loop/0`, maxRedirects: 10, timeout: '1s', interval: '1s' },
        { id: 'json', type: 'http', url: `${hostile.url}/huge-json`, expect: { json: [{ path: '$.version', equals: '2' }] } },
        { id: 'health', type: 'http', url: `${hostile.url}/health`, healthJson: true },
      ],
    });
    const sim = await simMonitor(cfg);
    try {
      await sim.run(500);
      // Every state write held: each check has its incident, and nothing was logged as not stored.
      for (const id of ['loop', 'json', 'health']) {
        const store = sim.monitor.store;
        expect((await store.getState(id))?.confirmed, id).toBe('down');
        expect(await store.listIncidents(id), id).toHaveLength(1);
      }
      expect(sim.err.join('\n')).not.toMatch(/not updated|not stored/);
    } finally {
      await sim.close();
    }
    const texts = slack.received.map((r) => r.body as { text: string; attachments: { blocks: { text?: { text: string } }[] }[] });
    expect(texts).toHaveLength(3);
    for (const message of texts) {
      const section = message.attachments[0]?.blocks[0]?.text?.text ?? '';
      expect(section.length).toBeLessThanOrEqual(3000);
      expect(message.text.length).toBeLessThanOrEqual(3000);
      expect(JSON.stringify(message)).not.toMatch(/<!channel>|<https:\/\/evil/);
    }
    const health = texts.find((m) => m.text.includes('unhealthy'));
    const reason = health?.attachments[0]?.blocks[0]?.text?.text;
    expect(reason).toContain('&lt;!channel&gt;');
    // What people copy arrives as sent; what would format is broken up.
    expect(reason).toContain('pg_dump');
    expect(reason).toContain('\u200b*\u200bbold\u200b*\u200b \u200b`\u200bcode\u200b`\u200b');
    expect(pagerduty.received).toHaveLength(3);
    for (const trigger of pagerduty.received) expect(trigger.raw.length).toBeLessThan(8_000);
    // The terminal shows the escape sequence as text instead of obeying it.
    expect(sim.out.join('\n')).not.toContain('\u001b');
    expect(sim.out.join('\n')).toContain('\\x1b[2J');
  });
});
