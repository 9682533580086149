import type { SNSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretResolver } from '../../lambdas/adapters/secrets.js';
import { DeliveryError } from '../../lambdas/core/errors.js';
import { createNotifierApp } from '../../lambdas/notify/app.js';
import { config } from '../support/checks.js';
import { alertEvent } from '../support/events.js';
import { recordingLog } from '../support/log.js';
import { type Receiver, startReceiver } from '../support/servers.js';

let slack: Receiver;
let pagerduty: Receiver;

beforeEach(async () => {
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
});
afterEach(() => Promise.all([slack.close(), pagerduty.close()]));

const snsEvent = (...messages: string[]): SNSEvent => ({
  Records: messages.map((Message, i) => ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:alerts:sub',
    Sns: {
      Message,
      MessageId: `m-${i}`,
      Type: 'Notification',
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      Timestamp: '',
      SignatureVersion: '1',
      Signature: '',
      SigningCertUrl: '',
      UnsubscribeUrl: '',
      MessageAttributes: {},
      Subject: '',
    },
  })),
});

function app() {
  const secrets: Record<string, string> = { 'vigil/slack': `${slack.url}/hook`, 'vigil/pd': 'routing-key' };
  return createNotifierApp({
    config: config({
      channels: {
        'ops-slack': { type: 'slack', webhookUrl: { secret: 'vigil/slack' } },
        'platform-pd': { type: 'pagerduty', routingKey: { secret: 'vigil/pd' }, eventsUrl: `${pagerduty.url}/v2/enqueue` },
      },
      checks: [{ id: 'api', type: 'http', url: 'https://api.example.com/' }],
    }),
    secretResolver: () => createSecretResolver(async (name) => secrets[name] ?? Promise.reject(new Error(`no ${name}`))),
    fetch: globalThis.fetch,
    sleep: async () => {},
    log: recordingLog(),
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, requestTimeoutMs: 1000 },
  });
}

describe('notifier Lambda app', () => {
  it('delivers each SNS record to the check’s channels', async () => {
    const outcomes = await app()(snsEvent(JSON.stringify(alertEvent())));
    expect(outcomes.map((o) => [o.channel, o.delivered])).toEqual([
      ['ops-slack', true],
      ['platform-pd', true],
    ]);
    expect(slack.received).toHaveLength(1);
    expect(pagerduty.received[0]?.body).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'vigil/prod/api',
      routing_key: 'routing-key',
    });
  });

  it('fails the invocation when a channel stays down, so Lambda retries and then dead-letters it', async () => {
    pagerduty.respondWith({ status: 500 }, { status: 500 });
    await expect(app()(snsEvent(JSON.stringify(alertEvent())))).rejects.toThrow(
      new DeliveryError('not delivered to platform-pd (platform-pd answered HTTP 500 (gave up after 2 attempts))'),
    );
    expect(slack.received).toHaveLength(1);
  });

  it('rejects a message that is not a Vigil alert event, naming what is wrong', async () => {
    await expect(app()(snsEvent(JSON.stringify({ hello: 'world' })))).rejects.toThrow(/^not a Vigil alert event: .*version/);
    expect(slack.received).toEqual([]);
  });
});
