import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretResolver } from '../../lambdas/adapters/secrets.js';
import { deliver } from '../../lambdas/channels/deliver.js';
import { channelsFor, notify } from '../../lambdas/channels/notify.js';
import type { AlertEvent } from '../../lambdas/core/types.js';
import { config } from '../support/checks.js';
import { alertEvent } from '../support/events.js';
import { recordingLog } from '../support/log.js';
import { type Receiver, startReceiver } from '../support/servers.js';

const routed = config({
  channels: {
    chat: { type: 'slack', webhookUrl: 'https://hooks.example/chat' },
    pager: { type: 'pagerduty', routingKey: 'key' },
    audit: { type: 'webhook', url: 'https://audit.example/hook', kinds: ['down', 'recovered'] },
    quiet: { type: 'slack', webhookUrl: 'https://hooks.example/quiet', minSeverity: 'warning' },
    mail: { type: 'email', address: 'oncall@example.com', minSeverity: 'critical' },
  },
  checks: [{ id: 'api', type: 'http', url: 'https://api.example.com/' }],
});

describe('channelsFor: severity and kind routing', () => {
  it.each([
    [{ kind: 'down', severity: 'critical' }, ['chat', 'pager', 'audit', 'quiet', 'mail']],
    [{ kind: 'degraded', severity: 'warning' }, ['chat', 'quiet']],
    [{ kind: 'recovered', severity: 'info' }, ['chat', 'audit']],
    [{ kind: 'flapping', severity: 'warning' }, ['chat', 'quiet']],
    [{ kind: 'test', severity: 'info' }, ['chat', 'pager', 'audit', 'quiet', 'mail']],
  ] as [Partial<AlertEvent>, string[]][])('%j → %j', (fields, channels) => {
    expect(channelsFor(alertEvent(fields), routed)).toEqual(channels);
  });
});

describe('webhook channel', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('posts the alert event as JSON, signed with an HMAC of the exact body', async () => {
    const deps = {
      fetch: globalThis.fetch,
      resolveSecret: createSecretResolver(async () => 'signing-secret'),
      sleep: async () => {},
      log: recordingLog(),
      now: () => new Date('2026-11-23T10:00:00.000Z'),
    };
    const event = alertEvent();
    const outcome = await deliver(
      event,
      'audit',
      { type: 'webhook', url: `${receiver.url}/hook`, hmacSecret: { secret: 'vigil/hmac' }, minSeverity: 'info' },
      deps,
    );
    expect(outcome.delivered).toBe(true);
    const [request] = receiver.received;
    expect(request?.body).toEqual(JSON.parse(JSON.stringify(event)));
    const expected = `sha256=${createHmac('sha256', 'signing-secret')
      .update(request?.raw ?? '')
      .digest('hex')}`;
    expect(request?.headers['x-vigil-signature']).toBe(expected);
    // The timestamped signature: a replay with an old timestamp is the receiver's to refuse.
    expect(request?.headers['x-vigil-timestamp']).toBe('1795428000');
    const v2 = `sha256=${createHmac('sha256', 'signing-secret')
      .update(`1795428000.${request?.raw ?? ''}`)
      .digest('hex')}`;
    expect(request?.headers['x-vigil-signature-v2']).toBe(v2);
    // The id a receiver drops a redelivery by: in the signed body, and as a header.
    expect(request?.headers['x-vigil-event-id']).toBe(event.eventId);
    expect(JSON.parse(request?.raw ?? '{}').eventId).toBe('api@2026-11-22T10:00:00.500Z#4.0');
  });

  it('leaves e-mail to SNS: nothing is sent by the notifier, and that counts as handled', async () => {
    const deps = { fetch: globalThis.fetch, resolveSecret: async () => '', sleep: async () => {}, log: recordingLog() };
    const outcomes = await notify(alertEvent(), routed, deps, ['mail']);
    expect(outcomes).toEqual([{ channel: 'mail', delivered: true, attempts: 0, error: null }]);
  });
});
