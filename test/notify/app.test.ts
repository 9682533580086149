import type { SNSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretResolver } from '../../lambdas/adapters/secrets.js';
import { healthSourceOf } from '../../lambdas/core/alarm-event.js';
import { DeliveryError } from '../../lambdas/core/errors.js';
import { createNotifierApp } from '../../lambdas/notify/app.js';
import { config } from '../support/checks.js';
import { alertEvent } from '../support/events.js';
import { recordingLog } from '../support/log.js';
import { type Receiver, startReceiver } from '../support/servers.js';

let slack: Receiver;
let pagerduty: Receiver;

beforeEach(async () => {
  log = recordingLog();
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
});
afterEach(() => Promise.all([slack.close(), pagerduty.close()]));

const HEALTH_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:VigilHealthTopic';
const OWN_ALARM = 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:Vigil-NotifierDeadLetters';
/** A location region's health topic and one of its probe stack's alarms. */
const REGIONAL_TOPIC = 'arn:aws:sns:ap-southeast-2:111122223333:prod-vigil-health';
const REGIONAL_ALARM = 'arn:aws:cloudwatch:ap-southeast-2:111122223333:alarm:prod-vigil-probe-ap-stopped';

const snsEvent = (...messages: string[]): SNSEvent => snsEventOn(HEALTH_TOPIC, ...messages);
const snsEventOn = (topicArn: string, ...messages: string[]): SNSEvent => ({
  Records: messages.map(
    (Message, i) => ({ Sns: { Message, MessageId: `m-${i}`, TopicArn: topicArn } }) as SNSEvent['Records'][number],
  ),
});
let log: ReturnType<typeof recordingLog>;

function app(channel: string) {
  const secrets: Record<string, string> = { 'vigil/slack': `${slack.url}/hook`, 'vigil/pd': 'routing-key' };
  return createNotifierApp({
    config: config({
      channels: {
        'ops-slack': { type: 'slack', webhookUrl: { secret: 'vigil/slack' } },
        'platform-pd': { type: 'pagerduty', routingKey: { secret: 'vigil/pd' }, eventsUrl: `${pagerduty.url}/v2/enqueue` },
      },
      checks: [{ id: 'api', type: 'http', url: 'https://api.example.com/' }],
    }),
    channel,
    stackName: 'prod',
    // As the handler makes it: the stack's own, and the probe alarms of location ap through its region's topic.
    health: healthSourceOf(HEALTH_TOPIC, [OWN_ALARM, `${OWN_ALARM}-other`], 'prod', [{ name: 'ap', region: 'ap-southeast-2' }]),
    now: () => new Date('2026-11-23T10:00:05.000Z'),
    secretResolver: () => createSecretResolver(async (name) => secrets[name] ?? Promise.reject(new Error(`no ${name}`))),
    fetch: globalThis.fetch,
    sleep: async () => {},
    log,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, requestTimeoutMs: 1000 },
  });
}

describe('notifier Lambda app (one per channel)', () => {
  it('rebuilds dedup keys, names and links from its own config: a forged message cannot resolve another key', async () => {
    const forged = alertEvent({
      kind: 'recovered',
      from: 'down',
      dedupKey: 'vigil/prod/someone-elses-incident',
      checkName: 'Not what the config says',
      runbookUrl: 'javascript:alert(1)',
      dashboardUrl: 'https://phish.example/',
    });
    await app('platform-pd')(snsEvent(JSON.stringify(forged)));
    expect(pagerduty.received.map((r) => r.body)).toEqual([
      { routing_key: 'routing-key', event_action: 'resolve', dedup_key: 'vigil/prod/api' },
    ]);
    await app('ops-slack')(snsEvent(JSON.stringify(alertEvent({ runbookUrl: 'javascript:alert(1)', checkName: 'Forged' }))));
    const posted = JSON.stringify(slack.received[0]?.body);
    expect(posted).not.toContain('javascript:');
    expect(posted).not.toContain('Forged');
    await expect(app('ops-slack')(snsEvent(JSON.stringify(alertEvent({ checkId: 'not-configured' }))))).rejects.toThrow(
      'alert event names no configured check; refused',
    );
  });

  it('delivers each SNS record to its own channel only', async () => {
    const outcomes = await app('platform-pd')(
      snsEvent(JSON.stringify(alertEvent()), JSON.stringify(alertEvent({ kind: 'recovered', from: 'down' }))),
    );
    expect(outcomes.map((o) => [o.channel, o.delivered])).toEqual([
      ['platform-pd', true],
      ['platform-pd', true],
    ]);
    expect(slack.received).toEqual([]);
    expect(pagerduty.received.map((r) => r.body)).toMatchObject([
      { event_action: 'trigger', dedup_key: 'vigil/prod/api', routing_key: 'routing-key' },
      { event_action: 'resolve', dedup_key: 'vigil/prod/api' },
    ]);
  });

  it('skips an event its channel does not take (a warning for a critical-only pager)', async () => {
    const outcomes = await app('platform-pd')(snsEvent(JSON.stringify(alertEvent({ kind: 'degraded', severity: 'warning' }))));
    expect(outcomes).toEqual([]);
    expect(pagerduty.received).toEqual([]);
  });

  it('fails the invocation when its channel stays down, so Lambda retries and then dead-letters it', async () => {
    pagerduty.respondWith({ status: 500 }, { status: 500 });
    await expect(app('platform-pd')(snsEvent(JSON.stringify(alertEvent())))).rejects.toThrow(
      new DeliveryError('not delivered to platform-pd (platform-pd answered HTTP 500 (gave up after 2 attempts))'),
    );
  });

  it('rejects a message that is not a Vigil alert event, naming what is wrong', async () => {
    await expect(app('ops-slack')(snsEvent(JSON.stringify({ hello: 'world' })))).rejects.toThrow(
      /^not a Vigil alert event: .*version/,
    );
    expect(slack.received).toEqual([]);
  });

  it('tells every channel when one of Vigil’s own alarms fires, and resolves it when it clears', async () => {
    const alarm = (state: string) =>
      JSON.stringify({
        AlarmName: 'Vigil-NotifierDeadLetters',
        AlarmArn: OWN_ALARM,
        AlarmDescription: 'Vigil could not deliver an alert',
        NewStateValue: state,
        NewStateReason: 'Threshold Crossed: 1 datapoint [2.0] was greater than the threshold (0.0).',
        StateChangeTime: '2026-11-23T10:00:00.000+0000',
      });
    await app('ops-slack')(snsEvent(alarm('ALARM')));
    await app('platform-pd')(snsEvent(alarm('ALARM'), alarm('INSUFFICIENT_DATA'), alarm('OK')));
    expect(slack.received.map((r) => (r.body as { text: string }).text)).toEqual([
      'DOWN: Vigil itself: Vigil could not deliver an alert (Threshold Crossed: 1 datapoint [2.0] was greater than the threshold (0.0).)',
    ]);
    expect(pagerduty.received.map((r) => r.body)).toMatchObject([
      {
        event_action: 'trigger',
        dedup_key: 'vigil/prod/vigil-health/Vigil-NotifierDeadLetters',
        payload: { severity: 'critical' },
      },
      { event_action: 'resolve', dedup_key: 'vigil/prod/vigil-health/Vigil-NotifierDeadLetters' },
    ]);
  });

  it('believes only the stack’s own alarms through its own health topic: any other alarm in the account is not told', async () => {
    const alarm = (arn: string | undefined) =>
      JSON.stringify({
        AlarmName: 'Vigil-NotifierDeadLetters',
        ...(arn ? { AlarmArn: arn } : {}),
        AlarmDescription: 'Vigil is broken: call +1 555 0100 now',
        NewStateValue: 'ALARM',
        StateChangeTime: '2026-11-23T10:00:00.000+0000',
      });
    const outcomes = await app('ops-slack')(
      snsEvent(
        alarm('arn:aws:cloudwatch:eu-west-1:111122223333:alarm:someone-elses-alarm'),
        alarm(undefined),
        alarm(`${OWN_ALARM}-`),
      ),
    );
    const elsewhere = await app('ops-slack')(snsEventOn('arn:aws:sns:eu-west-1:111122223333:OtherTopic', alarm(OWN_ALARM)));
    expect([...outcomes, ...elsewhere]).toEqual([]);
    expect(slack.received).toEqual([]);
    expect(log.lines.filter((l) => l.message === 'alarm not from this stack; not notified')).toHaveLength(4);
    await app('ops-slack')(snsEvent(alarm(OWN_ALARM)));
    expect(slack.received).toHaveLength(1);
    // A location region's probe alarm through that region's health topic; not through a topic it does not own.
    await app('ops-slack')(snsEventOn(REGIONAL_TOPIC, alarm(REGIONAL_ALARM)));
    expect(slack.received).toHaveLength(2);
    await app('ops-slack')(snsEventOn('arn:aws:sns:ap-southeast-2:111122223333:OtherTopic', alarm(REGIONAL_ALARM)));
    expect(slack.received).toHaveLength(2);
    // Its other alarm too; not another location's, nor one of another stack's.
    await app('ops-slack')(snsEventOn(REGIONAL_TOPIC, alarm(REGIONAL_ALARM.replace('-stopped', '-failed'))));
    expect(slack.received).toHaveLength(3);
    await app('ops-slack')(snsEventOn(REGIONAL_TOPIC, alarm(REGIONAL_ALARM.replace('probe-ap-', 'probe-eu-'))));
    await app('ops-slack')(snsEventOn(REGIONAL_TOPIC, alarm(REGIONAL_ALARM.replace(':alarm:prod-', ':alarm:staging-'))));
    expect(slack.received).toHaveLength(3);
  });

  it('refuses to start for a channel the config does not have', () => {
    expect(() => app('nope')).toThrow('channel "nope" is not in the bundled config');
  });
});
