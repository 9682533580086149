import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretResolver, environmentSource } from '../../lambdas/adapters/secrets.js';
import { type DeliveryDeps, deliver, parseRetryAfter, type RetryPolicy } from '../../lambdas/channels/deliver.js';
import { notify } from '../../lambdas/channels/notify.js';
import { selfSigned } from '../support/certs.js';
import { config } from '../support/checks.js';
import { alertEvent } from '../support/events.js';
import { recordingLog } from '../support/log.js';
import { type Receiver, refusedPort, startHttps, startReceiver } from '../support/servers.js';

let receiver: Receiver;
let sleeps: number[];
let deps: DeliveryDeps & { log: ReturnType<typeof recordingLog> };

const SECRET_PATH = '/services/T000/B000/very-secret-token';

beforeEach(async () => {
  receiver = await startReceiver();
  sleeps = [];
  deps = {
    fetch: globalThis.fetch,
    resolveSecret: createSecretResolver(environmentSource({ VIGIL_SECRET_VIGIL_PD: 'pd-routing-key' }), {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: recordingLog(),
    random: () => 0.5,
    retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 30_000, requestTimeoutMs: 500 },
  };
});

afterEach(() => receiver.close());

const slack = () => ({ type: 'slack' as const, webhookUrl: `${receiver.url}${SECRET_PATH}`, minSeverity: 'info' as const });
const pagerduty = () => ({
  type: 'pagerduty' as const,
  routingKey: { secret: 'vigil/pd' },
  eventsUrl: `${receiver.url}/v2/enqueue`,
  minSeverity: 'critical' as const,
});

describe('deliver to a local Slack stand-in', () => {
  it('posts the message once when accepted', async () => {
    const outcome = await deliver(alertEvent(), 'ops-slack', slack(), deps);
    expect(outcome).toEqual({ channel: 'ops-slack', delivered: true, attempts: 1, error: null });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.path).toBe(SECRET_PATH);
    expect(receiver.received[0]?.body).toMatchObject({ text: 'DOWN: Public API health: expected status 200, got 503' });
  });

  it('retries 429 after Retry-After and 5xx with doubling backoff, then delivers', async () => {
    receiver.respondWith({ status: 429, headers: { 'retry-after': '2' } }, { status: 500 }, { status: 503 });
    const outcome = await deliver(alertEvent(), 'ops-slack', slack(), deps);
    expect(outcome).toMatchObject({ delivered: true, attempts: 4 });
    expect(receiver.received).toHaveLength(4);
    // 429 waits its Retry-After (2 s); the 5xx retries back off 200 ms then 400 ms (jitter fixed at 1×).
    expect(sleeps).toEqual([2000, 200, 400]);
  });

  it('says why a channel is unreachable in fixed words by error code, never by URL or error message', async () => {
    const once = { ...deps, retry: { ...(deps.retry as RetryPolicy), attempts: 1 } };
    const refused = await refusedPort();
    const outcome = await deliver(
      alertEvent(),
      'ops-slack',
      { ...slack(), webhookUrl: `http://127.0.0.1:${refused}${SECRET_PATH}` },
      once,
    );
    expect(outcome.error).toBe('ops-slack unreachable: connection refused (ECONNREFUSED) (gave up after 1 attempt)');
    const unknownHost = await deliver(
      alertEvent(),
      'ops-slack',
      { ...slack(), webhookUrl: `http://hooks.invalid${SECRET_PATH}` },
      once,
    );
    expect(unknownHost.error).toBe('ops-slack unreachable: host name not found (ENOTFOUND) (gave up after 1 attempt)');
    const tls = await startHttps(selfSigned({ hosts: ['127.0.0.1'] }), (_req, res) => res.end('ok'));
    try {
      const untrusted = await deliver(alertEvent(), 'ops-slack', { ...slack(), webhookUrl: `${tls.url}${SECRET_PATH}` }, once);
      expect(untrusted.error).toBe('ops-slack unreachable: TLS error (DEPTH_ZERO_SELF_SIGNED_CERT) (gave up after 1 attempt)');
    } finally {
      await tls.close();
    }
    expect(deps.log.text()).not.toContain('hooks.invalid');
    expect(deps.log.text()).not.toContain('very-secret-token');
  });

  it('never passes an error message through: undici may quote the URL in it', async () => {
    const leaky = (message: string, cause: unknown) => async () => {
      throw new TypeError(message, { cause });
    };
    const cases: [typeof globalThis.fetch, string][] = [
      [
        leaky(`fetch failed for ${receiver.url}${SECRET_PATH}`, { code: 'ECONNRESET', message: SECRET_PATH }),
        'connection dropped (ECONNRESET)',
      ],
      [leaky(`request to ${SECRET_PATH}`, { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timed out (UND_ERR_HEADERS_TIMEOUT)'],
      [leaky(`bad ${SECRET_PATH}`, { code: `not a code ${SECRET_PATH}` }), 'network error'],
      [leaky(`bad ${SECRET_PATH}`, undefined), 'network error'],
    ];
    for (const [fetch, said] of cases) {
      const outcome = await deliver(alertEvent(), 'ops-slack', slack(), { ...deps, fetch });
      expect(outcome.error).toBe(`ops-slack unreachable: ${said} (gave up after 4 attempts)`);
    }
    // Anything thrown on the way to the request (a resolver's own error) is named by its type only.
    const resolveSecret = async () => {
      throw new Error(`could not read ${SECRET_PATH}`);
    };
    const unresolved = await deliver(alertEvent(), 'ops-slack', slack(), { ...deps, resolveSecret });
    expect(unresolved.error).toBe('ops-slack: the request could not be made (Error)');
    expect(deps.log.lines.length).toBeGreaterThan(10);
    expect(deps.log.text()).not.toContain('very-secret-token');
  });

  it('gives up after the last attempt and says so, without leaking the webhook URL', async () => {
    receiver.respondWith({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const outcome = await deliver(alertEvent(), 'ops-slack', slack(), deps);
    expect(outcome).toEqual({
      channel: 'ops-slack',
      delivered: false,
      attempts: 4,
      error: 'ops-slack answered HTTP 500 (gave up after 4 attempts)',
    });
    expect(deps.log.lines.map((l) => l.level)).toEqual(['warn', 'warn', 'warn', 'error']);
    expect(deps.log.text()).not.toContain('very-secret-token');
  });

  it('never follows a redirect: a 307 would re-post the body elsewhere, a 302 turn it into a GET that succeeds', async () => {
    const elsewhere = await startReceiver();
    try {
      for (const status of [307, 302]) {
        receiver.respondWith({ status, headers: { location: `${elsewhere.url}/stolen` } });
        const outcome = await deliver(alertEvent(), 'ops-slack', slack(), deps);
        expect(outcome).toMatchObject({
          delivered: false,
          attempts: 1,
          error: `ops-slack answered HTTP ${status} (a redirect, not followed)`,
        });
      }
      expect(elsewhere.received).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('names a malformed channel URL by its channel, never quoting it', async () => {
    const outcome = await deliver(alertEvent(), 'ops-slack', { ...slack(), webhookUrl: 'hxxp:/very-secret-token' }, deps);
    expect(outcome).toMatchObject({ delivered: false, error: 'ops-slack: its URL is not a valid http(s) URL' });
    expect(deps.log.text()).not.toContain('very-secret-token');
    const spaced = await deliver(
      alertEvent(),
      'ops-slack',
      { ...slack(), webhookUrl: 'http://exa mple/very-secret-token' },
      deps,
    );
    expect(spaced.error).toBe('ops-slack: its URL is not a valid http(s) URL');
    expect(deps.log.text()).not.toContain('very-secret-token');
  });

  it('refuses a URL resolved from a secret that carries credentials, before any request, without echoing it', async () => {
    const resolveSecret = createSecretResolver(environmentSource({}), {
      HOOK_URL: `http://ops:hunter2-secret@127.0.0.1:${new URL(receiver.url).port}${SECRET_PATH}`,
    });
    const outcome = await deliver(
      alertEvent(),
      'ops-slack',
      { ...slack(), webhookUrl: { env: 'HOOK_URL' } },
      { ...deps, resolveSecret },
    );
    expect(outcome).toEqual({
      channel: 'ops-slack',
      delivered: false,
      attempts: 0,
      error:
        'channels.ops-slack.webhookUrl: must not carry credentials (user:password@; an http check takes them as auth: { basic }); the URL is not shown',
    });
    expect(receiver.received).toEqual([]);
    expect(deps.log.lines.map((line) => line.message)).toEqual(['notification not delivered']);
    expect(deps.log.text()).not.toContain('hunter2');
    const webhook = await deliver(
      alertEvent(),
      'receiver',
      { type: 'webhook', url: { env: 'HOOK_URL' }, minSeverity: 'info' },
      { ...deps, resolveSecret },
    );
    expect(webhook.error).toMatch(/^channels\.receiver\.url: must not carry credentials/);
    expect(receiver.received).toEqual([]);
  });

  it('does not retry a 4xx other than 429', async () => {
    receiver.respondWith({ status: 404 });
    const outcome = await deliver(alertEvent(), 'ops-slack', slack(), deps);
    expect(outcome).toMatchObject({ delivered: false, attempts: 1, error: 'ops-slack answered HTTP 404' });
    expect(sleeps).toEqual([]);
  });

  it('retries a receiver that does not answer in time', async () => {
    receiver.respondWith({ status: 200, delayMs: 2_000 });
    const outcome = await deliver(alertEvent(), 'ops-slack', slack(), deps);
    expect(outcome).toMatchObject({ delivered: true, attempts: 2 });
    expect(deps.log.lines[0]?.attributes.reason).toBe('ops-slack unreachable: request timed out');
  });
});

describe('deliver to a local PagerDuty stand-in', () => {
  it('sends the routing key from the secret in the body, never in logs', async () => {
    receiver.respondWith({ status: 500 });
    const outcome = await deliver(alertEvent(), 'platform-pd', pagerduty(), deps);
    expect(outcome.delivered).toBe(true);
    expect(receiver.received[1]).toMatchObject({
      path: '/v2/enqueue',
      body: { routing_key: 'pd-routing-key', event_action: 'trigger', dedup_key: 'vigil/prod/api' },
    });
    expect(deps.log.text()).not.toContain('pd-routing-key');
  });

  it('fails cleanly when the secret cannot be resolved', async () => {
    const outcome = await deliver(alertEvent(), 'platform-pd', { ...pagerduty(), routingKey: { secret: 'vigil/missing' } }, deps);
    expect(outcome).toEqual({
      channel: 'platform-pd',
      delivered: false,
      attempts: 0,
      error: 'secret vigil/missing is not available locally: set VIGIL_SECRET_VIGIL_MISSING',
    });
    expect(receiver.received).toEqual([]);
  });
});

describe('notify', () => {
  it('routes to the check’s channels only', async () => {
    const cfg = config({
      channels: { chat: slack(), pager: pagerduty() },
      checks: [{ id: 'api', type: 'http', url: 'http://127.0.0.1/', channels: ['chat'] }],
    });
    const outcomes = await notify(alertEvent(), cfg, deps);
    expect(outcomes.map((o) => o.channel)).toEqual(['chat']);
    expect(receiver.received.map((r) => r.path)).toEqual([SECRET_PATH]);
  });

  it('reports an event for a check the config does not know as going to every channel', async () => {
    const cfg = config({
      channels: { chat: slack(), pager: pagerduty() },
      checks: [{ id: 'other', type: 'tcp', host: 'h', port: 1 }],
    });
    const outcomes = await notify(alertEvent(), cfg, deps);
    expect(outcomes.map((o) => [o.channel, o.delivered])).toEqual([
      ['chat', true],
      ['pager', true],
    ]);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    ['0', 0],
    ['Sun, 22 Nov 2026 10:00:05 GMT', 5000],
    ['soon', null],
    [null, null],
  ])('%j → %j', (value, ms) => {
    expect(parseRetryAfter(value, Date.parse('2026-11-22T10:00:00Z'))).toBe(ms);
  });
});
