/**
 * The synthesized stack on moto (./moto-stack.ts deploys it): outages through the probe schedule, the
 * dispatcher and the notifiers to Slack and PagerDuty; a heartbeat through its Function URL; Vigil's own
 * alarms through the health topic; the dead-letter queues; and, over everything the bundles sent on the
 * way, their roles' grants and the dashboard's metrics. The tests run in order on one deployment: each
 * starts from where the one before left the checks. The last ones break the template on purpose and
 * show the checks above catch each break.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SnsAlertPublisher } from '../../lambdas/adapters/sns.js';
import { parseConfig } from '../../lambdas/config/parse.js';
import { METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from '../../lambdas/core/contracts.js';
import type { AlertEvent } from '../../lambdas/core/types.js';
import { VigilStack } from '../../lib/vigil-stack.js';
import { type Receiver, type Running, startHttp, startReceiver } from '../support/servers.js';
import { roleOf, ungrantedCalls } from './iam.js';
import { type Moto, type RecordingProxy, startMoto, startRecordingProxy } from './moto.js';
import { type Json, MotoStack, type Resource, type TemplateJson } from './moto-stack.js';

// Inside the project, so the bundle finds the AWS SDK in node_modules as it finds it in the Lambda runtime.
const OUT = fileURLToPath(new URL('../../cdk.out/', import.meta.url));
const STACK = 'VigilOnMoto';
const BEAT_TOKEN = 'e2e-heartbeat-token-0123456789';
const HOUR_MS = 3_600_000;

let moto: Moto;
let proxy: RecordingProxy;
let target: Running;
let healthy = true;
let jobs: Running;
let jobsHealthy = true;
let slack: Receiver;
let pagerduty: Receiver;
let outdir: string;
let assetDir: string;
let template: TemplateJson;
let stack: MotoStack;

const texts = (receiver: Receiver, from = 0) => receiver.received.slice(from).map((r) => (r.body as { text: string }).text);
const actions = (from = 0) => pagerduty.received.slice(from).map((r) => (r.body as Json).event_action);

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startRecordingProxy(moto.url);
  target = await startHttp((_req, res) => (healthy ? res.writeHead(200).end('ok') : res.writeHead(503).end('down')));
  jobs = await startHttp((_req, res) => (jobsHealthy ? res.writeHead(200).end('ok') : res.writeHead(503).end('down')));
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
  const document = {
    channels: {
      chat: { type: 'slack', webhookUrl: { secret: 'e2e/slack-hook' } },
      pager: { type: 'pagerduty', routingKey: { secret: 'e2e/pager-key' }, eventsUrl: `${pagerduty.url}/v2/enqueue` },
    },
    checks: [
      { id: 'api', type: 'http', url: `${target.url}/`, interval: '1m', failureThreshold: 2, successThreshold: 1 },
      // A target of its own, so its outage is never grouped with api's.
      {
        id: 'jobs',
        type: 'http',
        url: `${jobs.url}/`,
        interval: '1m',
        failureThreshold: 1,
        successThreshold: 1,
        severity: 'warning',
      },
      {
        id: 'nightly',
        type: 'heartbeat',
        every: '1h',
        grace: '5m',
        token: { secret: 'e2e/beat-token' },
        failureThreshold: 1,
        successThreshold: 1,
        channels: ['chat'],
      },
    ],
  };
  const secrets = new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  for (const [name, value] of [
    ['e2e/slack-hook', `${slack.url}/hook`],
    ['e2e/pager-key', 'e2e-routing-key'],
    ['e2e/beat-token', BEAT_TOKEN],
  ])
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  mkdirSync(OUT, { recursive: true });
  outdir = mkdtempSync(join(OUT, 'e2e-aws-'));
  // The bundle is CommonJS, as Lambda runs it; the project's own "type": "module" must not apply here.
  writeFileSync(join(outdir, 'package.json'), '{"type":"commonjs"}');
  const app = new App({ outdir });
  const synthesized = new VigilStack(app, STACK, { config: parseConfig(document), configDocument: document });
  assetDir = app.synth().directory;
  template = Template.fromStack(synthesized).toJSON() as TemplateJson;
  stack = await MotoStack.deploy(template, { name: STACK, assetDir, moto, proxy });
}, 180_000);

afterAll(async () => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  await Promise.all([moto?.close(), proxy?.close(), target?.close(), jobs?.close(), slack?.close(), pagerduty?.close()]);
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** One turn of the whole: the schedule's probe runs, the dispatcher drains its queue, SNS invokes the notifiers. */
async function cycle(): Promise<void> {
  await stack.runProbeCycle();
  await stack.runDispatcher();
  await stack.runNotifiers();
}

describe('the stack on moto', () => {
  it('takes an outage from the probe schedule to one PagerDuty trigger and one Slack DOWN, and its end to resolve and RECOVERED', async () => {
    healthy = true;
    await cycle();
    expect([...slack.received, ...pagerduty.received]).toEqual([]);

    healthy = false;
    // failureThreshold 2: the first failed run is not yet an outage.
    await cycle();
    expect([...slack.received, ...pagerduty.received]).toEqual([]);
    await cycle();
    expect(actions()).toEqual(['trigger']);
    expect(pagerduty.received[0]?.body).toMatchObject({ routing_key: 'e2e-routing-key', dedup_key: `vigil/${STACK}/api` });
    expect(texts(slack)).toEqual([expect.stringMatching(/^DOWN: api: expected status 2xx, got 503$/)]);
    expect(slack.received[0]?.path).toBe('/hook');

    // Still down: nothing new.
    await cycle();
    expect(pagerduty.received).toHaveLength(1);
    expect(slack.received).toHaveLength(1);

    healthy = true;
    await cycle();
    expect(actions()).toEqual(['trigger', 'resolve']);
    expect(pagerduty.received[1]?.body).toMatchObject({ dedup_key: `vigil/${STACK}/api` });
    expect(texts(slack)).toEqual([expect.stringMatching(/^DOWN: api/), expect.stringMatching(/^RECOVERED: api/)]);

    // Nothing was left undelivered.
    for (const [id, resource] of Object.entries(template.Resources))
      if (resource.Type === 'AWS::SQS::Queue') expect({ id, count: await stack.queueDepth(id) }).toEqual({ id, count: 0 });

    // The probe runs left in CloudWatch the metrics the dashboard reads, per check.
    const listed = await stack.client(CloudWatchClient).send(new ListMetricsCommand({ Namespace: METRIC_NAMESPACE }));
    const names = (listed.Metrics ?? [])
      .filter((m) => m.Dimensions?.some((d) => d.Name === METRIC_DIMENSION && d.Value === 'api'))
      .map((m) => m.MetricName);
    expect(names).toEqual(expect.arrayContaining([METRICS.availability, METRICS.latency]));
  });

  it('routes a warning to Slack only, by the subscription filter policy, and keeps an alert Slack refused in the notifier dead-letter queue, which pages Vigil itself', async () => {
    const chat = stack.functionId('Channelchat');
    const pager = stack.functionId('Channelpager');
    const slackBefore = slack.received.length;
    const pagerBefore = pagerduty.received.length;
    jobsHealthy = false;
    await stack.runProbeCycle();
    await stack.runDispatcher();
    // SNS itself held the warning back from PagerDuty's function: nothing waits in its stand-in queue.
    expect(await stack.inboxDepth(chat)).toBe(1);
    expect(await stack.inboxDepth(pager)).toBe(0);
    await stack.runNotifiers();
    expect(pagerduty.received).toHaveLength(pagerBefore);
    expect(texts(slack, slackBefore)).toEqual([expect.stringMatching(/^DOWN: jobs: expected status 2xx, got 503$/)]);

    // Slack answers 500 to the function's four attempts (its own retries), then 404, a hook revoked (not retried),
    // to Lambda's two retries: the event is dead-lettered. (404s keep the retries' backoff out of the test's time.)
    slack.respondWith(...Array.from({ length: 4 }, () => ({ status: 500 })), { status: 404 }, { status: 404 });
    jobsHealthy = true;
    await stack.runProbeCycle();
    await stack.runDispatcher();
    expect(await stack.runNotifiers()).toBe(1);
    expect(slack.received.length - slackBefore).toBe(1 + 4 + 2);
    const dlq = stack.idOf('AWS::SQS::Queue', 'NotifierDeadLetters');
    expect(pagerduty.received).toHaveLength(pagerBefore);

    // The queue's alarm watches this very queue, which now holds more than its threshold: it fires, and
    // CloudWatch's notification goes through the health topic to every channel, whatever their routing.
    const paged = pagerduty.received.length;
    const told = slack.received.length;
    const alarm = await alarmWatching(dlq);
    expect(await visibleMessages(dlq)).toBeGreaterThan(alarm.Threshold ?? Number.NaN);
    expect(
      await stack.changeAlarm(alarm.id, 'ALARM', 'Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0).'),
    ).toBe(1);
    await stack.runNotifiers();
    const key = `vigil/${STACK}/vigil-health/${alarm.AlarmName}`;
    expect(pagerduty.received.slice(paged).map((r) => r.body)).toEqual([
      expect.objectContaining({ event_action: 'trigger', dedup_key: key }),
    ]);
    expect(texts(slack, told)).toEqual([
      expect.stringMatching(
        /^DOWN: Vigil itself: Vigil could not deliver an alert; the event and its error are in the notifier dead-letter queue/,
      ),
    ]);

    // What was dead-lettered is the refused alert, with Lambda's record of why.
    const dead = await stack.drain(dlq);
    expect(dead).toHaveLength(1);
    const record = JSON.parse(dead[0]?.Body ?? '{}');
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(JSON.parse(record.requestPayload.Records[0].Sns.Message)).toMatchObject({ kind: 'recovered', checkId: 'jobs' });

    // Emptied, the queue is back under the threshold: the alarm's OK resolves the page under the same key.
    expect(await visibleMessages(dlq)).toBe(0);
    await stack.changeAlarm(alarm.id, 'OK', 'Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (0.0).');
    await stack.runNotifiers();
    expect(pagerduty.received.slice(paged).map((r) => (r.body as Json).dedup_key)).toEqual([key, key]);
    expect(actions(paged)).toEqual(['trigger', 'resolve']);
    expect(texts(slack, told)).toEqual([
      expect.stringMatching(/^DOWN: Vigil itself/),
      expect.stringMatching(/^RECOVERED: Vigil itself/),
    ]);
  }, 60_000);

  it('lets the dispatcher retry by itself while the alert topic is unavailable, dead-letters a dispatch that keeps failing after maxReceiveCount receives, pages Vigil itself, and loses no alert', async () => {
    const dispatch = stack.functionId('Dispatch');
    const queue = stack.idOf('AWS::SQS::Queue', 'DispatcherQueue');
    const redrive = template.Resources[queue]?.Properties.RedrivePolicy as {
      deadLetterTargetArn: unknown;
      maxReceiveCount: number;
    };
    const dlq = stack.resolve(redrive.deadLetterTargetArn);
    const slackBefore = slack.received.length;
    const topicGone = { status: 404, code: 'NotFound', message: 'Topic does not exist' };
    jobsHealthy = false;
    await stack.runProbeCycle();

    // The topic refuses: the message is consumed all the same, and a retry is booked on the queue, delayed.
    proxy.refuse = (call) => (call.caller === dispatch && call.action === 'sns:Publish' ? topicGone : undefined);
    const sent = proxy.calls.length;
    expect(await stack.runDispatcher()).toBe(0);
    const bookings = proxy.calls.slice(sent).filter((c) => c.caller === dispatch && c.action === 'sqs:SendMessage');
    expect(bookings.map((c) => [c.params.MessageBody, c.params.DelaySeconds])).toEqual([
      [JSON.stringify({ checkIds: ['jobs'] }), 30],
    ]);
    expect(await stack.queueDepth(queue)).toBe(1);
    expect(await stack.queueDepth(dlq)).toBe(0);
    // The booked retry is dropped: due in 30 s, it would arrive in the middle of what follows.
    await stack.client(SQSClient).send(new PurgeQueueCommand({ QueueUrl: stack.queueUrl(queue) }));

    // The booking is refused too: now the dispatch fails, and SQS gives the message again until it is dead-lettered.
    proxy.refuse = (call) =>
      call.caller !== dispatch
        ? undefined
        : call.action === 'sns:Publish'
          ? topicGone
          : call.action === 'sqs:SendMessage'
            ? { status: 400, code: 'AWS.SimpleQueueService.NonExistentQueue', message: 'The specified queue does not exist.' }
            : undefined;
    // Still down: ingest announces the unsent outbox again.
    await stack.runProbeCycle();
    expect(await stack.runDispatcher({ redeliver: true })).toBe(redrive.maxReceiveCount);
    proxy.refuse = () => undefined;
    expect(await stack.queueDepth(queue)).toBe(0);
    expect(texts(slack, slackBefore)).toEqual([]);

    // Its alarm watches that queue and fires: Vigil itself is paged.
    const alarm = await alarmWatching(dlq);
    expect(await visibleMessages(dlq)).toBeGreaterThan(alarm.Threshold ?? Number.NaN);
    const paged = pagerduty.received.length;
    await stack.changeAlarm(alarm.id, 'ALARM', 'Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0).');
    await stack.runNotifiers();
    expect(pagerduty.received.slice(paged).map((r) => r.body)).toEqual([
      expect.objectContaining({ event_action: 'trigger', dedup_key: `vigil/${STACK}/vigil-health/${alarm.AlarmName}` }),
    ]);
    expect(texts(slack, slackBefore)).toEqual([expect.stringMatching(/^DOWN: Vigil itself: Vigil could not dispatch alerts/)]);

    // Someone redrives the dead message: the alert the dispatcher kept goes out, and the alarm clears.
    const [dead] = await stack.drain(dlq);
    expect(dead?.Body).toBe(JSON.stringify({ checkIds: ['jobs'] }));
    expect(Number(dead?.Attributes?.ApproximateReceiveCount)).toBeGreaterThan(redrive.maxReceiveCount);
    await stack.client(SQSClient).send(new SendMessageCommand({ QueueUrl: stack.queueUrl(queue), MessageBody: dead?.Body }));
    await stack.runDispatcher();
    await stack.runNotifiers();
    await stack.changeAlarm(alarm.id, 'OK', 'Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (0.0).');
    await stack.runNotifiers();
    expect(texts(slack, slackBefore)).toEqual([
      expect.stringMatching(/^DOWN: Vigil itself/),
      expect.stringMatching(/^DOWN: jobs: expected status 2xx, got 503$/),
      expect.stringMatching(/^RECOVERED: Vigil itself/),
    ]);
    jobsHealthy = true;
    await cycle();
    expect(texts(slack, slackBefore).at(-1)).toMatch(/^RECOVERED: jobs/);
  }, 60_000);

  it('takes heartbeat reports through the Function URL: refuses a wrong token, records a run, pages Slack when the next is late and recovers on the next report', async () => {
    const report = (path: string, token: string | undefined, body?: string) =>
      stack.requestUrl(path, {
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'text/plain; charset=utf-8' },
        body,
      });
    const runs = async () => (await items('CHECK#nightly')).filter((sk) => sk.startsWith('RUN#'));
    const slackBefore = slack.received.length;

    expect((await report('/ping/nightly', undefined)).statusCode).toBe(401);
    expect((await report('/ping/nightly', 'not-the-token-0123456789')).statusCode).toBe(403);
    // An unknown id answers like a wrong token to a caller without the right one; with it, 404.
    expect((await report('/ping/nobody', 'not-the-token-0123456789')).statusCode).toBe(403);
    expect((await report('/ping/nobody', BEAT_TOKEN)).statusCode).toBe(404);
    expect(await runs()).toEqual([]);

    expect((await report('/ping/nightly/start?rid=run-1', BEAT_TOKEN)).statusCode).toBe(200);
    const done = await report('/ping/nightly?rid=run-1', BEAT_TOKEN, 'uploaded 42 files\n');
    expect({ status: done.statusCode, body: JSON.parse(done.body) }).toEqual({
      status: 200,
      body: { ok: true, check: 'nightly', recorded: 'success', rid: 'run-1', status: 'up' },
    });
    expect(await runs()).toEqual([expect.stringMatching(/^RUN#.*#run-1$/)]);
    await cycle();
    expect(texts(slack, slackBefore)).toEqual([]);

    // An hour and the grace later, with no report since: the scheduled look finds the run late.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + HOUR_MS + 6 * 60_000);
    try {
      await cycle();
      expect(texts(slack, slackBefore)).toEqual([expect.stringMatching(/^DOWN: nightly: /)]);
      expect((await report('/ping/nightly?rid=run-2', BEAT_TOKEN, 'late but done')).statusCode).toBe(200);
      await stack.runDispatcher();
      await stack.runNotifiers();
      expect(texts(slack, slackBefore)).toEqual([
        expect.stringMatching(/^DOWN: nightly/),
        expect.stringMatching(/^RECOVERED: nightly/),
      ]);
    } finally {
      vi.useRealTimers();
    }
    expect(await runs()).toHaveLength(2);
  }, 60_000);

  it('leaves in CloudWatch every metric the dashboard reads', async () => {
    expect(await unreadMetrics(stack, template)).toEqual([]);
  });

  it("calls AWS only as each function's role allows", async () => {
    const callers = new Set(proxy.calls.map((c) => c.caller));
    for (const name of ['Probe', 'Dispatch', 'Channelchat', 'Channelpager', 'Heartbeat'])
      expect(callers).toContain(stack.functionId(name));
    expect(ungrantedCalls(proxy.calls, stack.iamWorld(await secretArns()))).toEqual([]);
  });
});

describe('the stack on moto, broken on purpose', () => {
  it('finds any grant a call needed missing from its role, and the key an encrypted topic needs', async () => {
    const world = stack.iamWorld(await secretArns());
    const needed = [...new Set(proxy.calls.map((c) => `${c.caller} ${c.action}`))].map((n) => n.split(' ') as [string, string]);
    // What the service asks of the key on the dispatcher's behalf, never sent by the bundle itself.
    needed.push([stack.functionId('Dispatch'), 'kms:GenerateDataKey*']);
    for (const [caller, action] of needed) {
      const broken = withoutGrant(template, caller, action);
      expect({ caller, action, denied: ungrantedCalls(proxy.calls, { ...world, template: broken }).length > 0 }).toEqual({
        caller,
        action,
        denied: true,
      });
    }
    expect(needed.length).toBeGreaterThanOrEqual(15);
  });

  it('finds a metric the dashboard reads that nothing puts', async () => {
    const broken = mutate(template, (t) => {
      const dashboard = Object.values(t.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard') as Resource;
      const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
      body['Fn::Join'][1] = body['Fn::Join'][1].map((part) =>
        typeof part === 'string' ? part.replaceAll('"Availability"', '"Uptime"') : part,
      );
    });
    expect(await unreadMetrics(stack, broken)).toEqual(expect.arrayContaining(['Vigil/Uptime CheckId=api']));
  });

  it('fails a function whose template lost an environment variable its code reads', async () => {
    const chat = stack.functionId('Channelchat');
    const broken = mutate(template, (t) => {
      const fn = t.Resources[chat] as Resource;
      delete (fn.Properties.Environment as { Variables: Json }).Variables.HEALTH_TOPIC_ARN;
    });
    const variant = await MotoStack.deploy(broken, { name: 'NoHealthArn', assetDir, moto, proxy });
    await expect(variant.invoke(chat, { Records: [] })).rejects.toThrow(/HEALTH_TOPIC_ARN is not set/);
  });

  it('lets a warning reach PagerDuty when its subscription lost the filter policy', async () => {
    const pager = stack.functionId('Channelpager');
    const broken = mutate(template, (t) => {
      for (const r of Object.values(t.Resources))
        if (r.Type === 'AWS::SNS::Subscription' && JSON.stringify(r.Properties.Endpoint).includes(pager))
          delete r.Properties.FilterPolicy;
    });
    const warning = { ...(await lastAlert('jobs')), severity: 'warning' } as AlertEvent;
    for (const [deployed, expected] of [
      [stack, 0],
      [await MotoStack.deploy(broken, { name: 'NoFilter', assetDir, moto, proxy }), 1],
    ] as const) {
      const topic = deployed.resolve({ Ref: deployed.idOf('AWS::SNS::Topic', 'AlertsTopic') });
      await new SnsAlertPublisher(deployed.client(SNSClient), topic).publish(warning);
      expect(await deployed.inboxDepth(pager)).toBe(expected);
    }
    await stack.runNotifiers();
  });
});

/** The alarm (as made on moto from the template) whose metric is this queue's visible messages. */
async function alarmWatching(queueIdOrArn: string) {
  const queueName = stack.queueUrl(queueIdOrArn).split('/').pop();
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const alarm = await stack.alarm(id);
    if (alarm.Namespace === 'AWS/SQS' && alarm.Dimensions?.some((d) => d.Name === 'QueueName' && d.Value === queueName)) {
      expect(alarm).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanThreshold',
      });
      return { ...alarm, id };
    }
  }
  throw new Error(`no alarm of the template watches ${queueName}`);
}

/** What SQS reports to CloudWatch as ApproximateNumberOfMessagesVisible. */
async function visibleMessages(queue: string): Promise<number> {
  const { Attributes = {} } = await stack
    .client(SQSClient)
    .send(new GetQueueAttributesCommand({ QueueUrl: stack.queueUrl(queue), AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages);
}

/** The sort keys of a partition of the results table. */
async function items(pk: string): Promise<string[]> {
  const { Items = [] } = await stack.client(DynamoDBClient).send(
    new QueryCommand({
      TableName: stack.resolve({ Ref: stack.idOf('AWS::DynamoDB::GlobalTable', 'Results') }),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
    }),
  );
  return Items.map((item) => item.sk?.S ?? '');
}

/** The last alert the dispatcher published about a check, as it sent it. */
async function lastAlert(checkId: string): Promise<AlertEvent> {
  const published = proxy.calls.filter(
    (c) => c.action === 'sns:Publish' && String(c.params.Message).includes(`"checkId":"${checkId}"`),
  );
  return JSON.parse(String(published.at(-1)?.params.Message)) as AlertEvent;
}

async function secretArns(): Promise<Map<string, string>> {
  const { SecretList = [] } = await stack.client(SecretsManagerClient).send(new ListSecretsCommand({}));
  return new Map(SecretList.map((s) => [s.Name ?? '', s.ARN ?? '']));
}

/**
 * Each metric a dashboard widget of the template reads (`Namespace/Name Dim=Value`) that CloudWatch
 * does not list: nothing ever put it. Math expressions read other entries and are skipped.
 */
async function unreadMetrics(on: MotoStack, t: TemplateJson): Promise<string[]> {
  const listed = await on.client(CloudWatchClient).send(new ListMetricsCommand({}));
  const known = new Set(
    (listed.Metrics ?? []).map(
      (m) => `${m.Namespace}/${m.MetricName} ${(m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(',')}`,
    ),
  );
  const read: string[] = [];
  for (const r of Object.values(t.Resources)) {
    if (r.Type !== 'AWS::CloudWatch::Dashboard') continue;
    const body = JSON.parse(on.resolve(r.Properties.DashboardBody)) as { widgets: { properties: { metrics?: unknown[][] } }[] };
    for (const widget of body.widgets)
      for (const entry of widget.properties.metrics ?? []) {
        const fields = entry.filter((f): f is string => typeof f === 'string');
        if (fields.length < 2) continue;
        const [namespace, name, ...dimensions] = fields;
        const pairs = [];
        for (let i = 0; i < dimensions.length; i += 2) pairs.push(`${dimensions[i]}=${dimensions[i + 1]}`);
        read.push(`${namespace}/${name} ${pairs.join(',')}`);
      }
  }
  expect(read.length).toBeGreaterThan(0);
  return [...new Set(read)].filter((metric) => !known.has(metric));
}

/** A deep copy of the template, changed. */
function mutate(t: TemplateJson, change: (copy: TemplateJson) => void): TemplateJson {
  const copy = structuredClone(t) as TemplateJson;
  change(copy);
  return copy;
}

/** The template with `action` taken out of every statement of the caller's role. */
function withoutGrant(t: TemplateJson, caller: string, action: string): TemplateJson {
  const role = roleOf(t, caller);
  return mutate(t, (copy) => {
    for (const r of Object.values(copy.Resources)) {
      if (r.Type !== 'AWS::IAM::Policy' || !JSON.stringify(r.Properties.Roles).includes(`"${role}"`)) continue;
      for (const statement of (r.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
        statement.Action = [statement.Action].flat().filter((a) => a !== action);
    }
  });
}
