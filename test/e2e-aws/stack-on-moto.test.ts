/**
 * The synthesized stack, deployed by hand onto moto (an AWS emulator; its CloudFormation cannot deploy
 * this stack): the table, queues, topics and subscriptions are made from the template's own
 * properties (key schema, redrive policies, filter policies), and the bundles from cdk.out run as
 * Lambda would run them, with the template's environment resolved to what was made here.
 * Lambda itself is the one thing emulated in this file: a rule's Input, an SQS batch, an SNS envelope.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../lambdas/config/parse.js';
import { METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from '../../lambdas/core/contracts.js';
import { VigilStack } from '../../lib/vigil-stack.js';
import { type Receiver, type Running, startHttp, startReceiver } from '../support/servers.js';

// Inside the project, so the bundle finds the AWS SDK in node_modules as it finds it in the Lambda runtime.
const OUT = fileURLToPath(new URL('../../cdk.out/', import.meta.url));
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const STACK = 'VigilOnMoto';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

type Json = Record<string, unknown>;
interface Resource {
  readonly Type: string;
  readonly Properties: Json;
}

/** What was made for each logical id: what `Ref` and `Fn::GetAtt` answer for it. */
interface Physical {
  readonly ref: string;
  readonly attributes: Record<string, string>;
}

interface Deployed {
  readonly physical: Map<string, Physical>;
  /** Per function logical id: the SQS queues standing in for its SNS subscriptions. */
  readonly snsInbox: Map<string, { queueUrl: string; subscription: string }[]>;
}

let moto: { url: string; close(): Promise<void> };
let target: Running;
let healthy = true;
let jobs: Running;
let jobsHealthy = true;
let slack: Receiver;
let pagerduty: Receiver;
let outdir: string;
let template: { Resources: Record<string, Resource> };
let deployed: Deployed;
let assetDir: string;
const logged: string[] = [];

const client = <T>(Client: new (config: Json) => T): T =>
  new Client({ region: REGION, endpoint: moto.url, credentials: CREDENTIALS });

beforeAll(async () => {
  moto = await startMoto();
  target = await startHttp((_req, res) => (healthy ? res.writeHead(200).end('ok') : res.writeHead(503).end('down')));
  jobs = await startHttp((_req, res) => (jobsHealthy ? res.writeHead(200).end('ok') : res.writeHead(503).end('down')));
  slack = await startReceiver();
  pagerduty = await startReceiver({ status: 202 });
  const secrets = client(SecretsManagerClient);
  await secrets.send(new CreateSecretCommand({ Name: 'e2e/slack-hook', SecretString: `${slack.url}/hook` }));
  await secrets.send(new CreateSecretCommand({ Name: 'e2e/pager-key', SecretString: 'e2e-routing-key' }));
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
    ],
  };
  mkdirSync(OUT, { recursive: true });
  outdir = mkdtempSync(join(OUT, 'e2e-aws-'));
  // The bundle is CommonJS, as Lambda runs it; the project's own "type": "module" must not apply here.
  writeFileSync(join(outdir, 'package.json'), '{"type":"commonjs"}');
  const app = new App({ outdir });
  const stack = new VigilStack(app, STACK, { config: parseConfig(document), configDocument: document });
  assetDir = app.synth().directory;
  template = Template.fromStack(stack).toJSON() as typeof template;
  deployed = await deploy(template);
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([moto?.close(), target?.close(), jobs?.close(), slack?.close(), pagerduty?.close()]);
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('the stack on moto', () => {
  it('takes an outage from the probe schedule to one PagerDuty trigger and one Slack DOWN, and its end to resolve and RECOVERED', async () => {
    const probe = functionId('Probe');
    const dispatch = functionId('Dispatch');
    healthy = true;
    await runProbeCycle(probe);
    await runDispatcher(dispatch);
    await runNotifiers();
    expect([...slack.received, ...pagerduty.received]).toEqual([]);

    healthy = false;
    // failureThreshold 2: the first failed run is not yet an outage.
    await runProbeCycle(probe);
    await runDispatcher(dispatch);
    await runNotifiers();
    expect([...slack.received, ...pagerduty.received]).toEqual([]);
    await runProbeCycle(probe);
    await runDispatcher(dispatch);
    await runNotifiers();
    expect(pagerduty.received.map((r) => (r.body as Json).event_action)).toEqual(['trigger']);
    expect(pagerduty.received[0]?.body).toMatchObject({ routing_key: 'e2e-routing-key', dedup_key: `vigil/${STACK}/api` });
    expect(slack.received.map((r) => (r.body as { text: string }).text)).toEqual([
      expect.stringMatching(/^DOWN: api: expected status 2xx, got 503$/),
    ]);
    expect(slack.received[0]?.path).toBe('/hook');

    // Still down: nothing new.
    await runProbeCycle(probe);
    await runDispatcher(dispatch);
    await runNotifiers();
    expect(pagerduty.received).toHaveLength(1);
    expect(slack.received).toHaveLength(1);

    healthy = true;
    await runProbeCycle(probe);
    await runDispatcher(dispatch);
    await runNotifiers();
    expect(pagerduty.received.map((r) => (r.body as Json).event_action)).toEqual(['trigger', 'resolve']);
    expect(pagerduty.received[1]?.body).toMatchObject({ dedup_key: `vigil/${STACK}/api` });
    expect(slack.received.map((r) => (r.body as { text: string }).text)).toEqual([
      expect.stringMatching(/^DOWN: api/),
      expect.stringMatching(/^RECOVERED: api/),
    ]);

    // Nothing was left undelivered.
    for (const [id, resource] of Object.entries(template.Resources))
      if (resource.Type === 'AWS::SQS::Queue') expect({ id, count: await queueDepth(id) }).toEqual({ id, count: 0 });

    // The probe runs left in CloudWatch the metrics the dashboard reads, per check.
    const listed = await client(CloudWatchClient).send(new ListMetricsCommand({ Namespace: METRIC_NAMESPACE }));
    const names = (listed.Metrics ?? [])
      .filter((m) => m.Dimensions?.some((d) => d.Name === METRIC_DIMENSION && d.Value === 'api'))
      .map((m) => m.MetricName);
    expect(names).toEqual(expect.arrayContaining([METRICS.availability, METRICS.latency]));
  });

  it('routes a warning to Slack only, by the subscription filter policy, and keeps an alert Slack refused in the notifier dead-letter queue', async () => {
    const probe = functionId('Probe');
    const dispatch = functionId('Dispatch');
    const chat = functionId('Channelchat');
    const pager = functionId('Channelpager');
    const slackBefore = slack.received.length;
    const pagerBefore = pagerduty.received.length;
    jobsHealthy = false;
    await runProbeCycle(probe);
    await runDispatcher(dispatch);
    // SNS itself held the warning back from PagerDuty's function: nothing waits in its stand-in queue.
    expect(await inboxDepth(chat)).toBe(1);
    expect(await inboxDepth(pager)).toBe(0);
    await runNotifiers();
    expect(pagerduty.received).toHaveLength(pagerBefore);
    expect(slack.received.slice(slackBefore).map((r) => (r.body as { text: string }).text)).toEqual([
      expect.stringMatching(/^DOWN: jobs: expected status 2xx, got 503$/),
    ]);

    // Slack answers 500 to every attempt: the function's own retries and Lambda's two fail, and the event is dead-lettered.
    slack.respondWith(...Array.from({ length: 12 }, () => ({ status: 500 })));
    jobsHealthy = true;
    await runProbeCycle(probe);
    await runDispatcher(dispatch);
    const failed = await runNotifiers();
    expect(failed).toBe(1);
    expect(slack.received.length - slackBefore).toBe(1 + 12);
    const dlq = Object.keys(template.Resources).find((id) => id.startsWith('NotifierDeadLetters') && id.includes('Queue'));
    const dead = await receiveAll(deployed.physical.get(dlq as string)?.ref as string);
    expect(dead).toHaveLength(1);
    const record = JSON.parse(dead[0] as string);
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(JSON.parse(record.requestPayload.Records[0].Sns.Message)).toMatchObject({ kind: 'recovered', checkId: 'jobs' });
    expect(pagerduty.received).toHaveLength(pagerBefore);
  }, 60_000);
});

/** The functions' logical ids, found by the construct name in them. */
function functionId(name: string): string {
  const ids = Object.entries(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.includes(name))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one function named like ${name}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

/** Each EventBridge rule that targets the probe function, invoked once with the rule's own Input. */
async function runProbeCycle(probe: string) {
  const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
  const inputs = rules.flatMap((rule) =>
    (rule.Properties.Targets as { Arn: unknown; Input?: string }[])
      .filter((t) => JSON.stringify(t.Arn).includes(probe))
      .map((t) => JSON.parse(t.Input ?? 'null')),
  );
  expect(inputs.length).toBeGreaterThan(0);
  for (const input of inputs) await invoke(probe, input);
}

/** What Lambda's SQS event source does: batches from the queue the mapping names, deleted on success. */
async function runDispatcher(dispatch: string) {
  const mapping = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName).includes(dispatch),
  );
  if (!mapping) throw new Error('the template has no event source mapping for the dispatcher');
  const queueArn = resolve(mapping.Properties.EventSourceArn);
  const queueUrl = [...deployed.physical.values()].find((p) => p.attributes.Arn === queueArn)?.ref as string;
  const sqs = client(SQSClient);
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Number(mapping.Properties.BatchSize ?? 10),
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return;
    await invoke(dispatch, {
      Records: Messages.map((m) => ({
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        body: m.Body,
        attributes: m.Attributes ?? {},
        messageAttributes: {},
        md5OfBody: m.MD5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: REGION,
      })),
    });
    for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
}

/**
 * What SNS's Lambda subscriptions do: each message the filter policy let through, one asynchronous
 * invocation per message, retried and then sent to the failure destination as the function's
 * EventInvokeConfig says. Answers how many invocations ended there.
 */
async function runNotifiers(): Promise<number> {
  const sqs = client(SQSClient);
  let failed = 0;
  for (const [fn, inboxes] of deployed.snsInbox)
    for (const inbox of inboxes)
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: inbox.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (Messages.length === 0) break;
        for (const m of Messages) {
          if (!(await invokeAsync(fn, snsEvent(m, inbox.subscription)))) failed++;
          await sqs.send(new DeleteMessageCommand({ QueueUrl: inbox.queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
  return failed;
}

/** Lambda's asynchronous invocation: the retries and the on-failure destination of the function's EventInvokeConfig. */
async function invokeAsync(fn: string, event: unknown): Promise<boolean> {
  const config = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r.Properties.FunctionName).includes(fn),
  );
  const retries = Number(config?.Properties.MaximumRetryAttempts ?? 2);
  let error: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      await invoke(fn, event);
      return true;
    } catch (e) {
      error = e;
    }
  }
  const destination = (config?.Properties.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined)?.OnFailure;
  if (!destination) throw error;
  const queueArn = resolve(destination.Destination);
  const queueUrl = [...deployed.physical.values()].find((p) => p.attributes.Arn === queueArn)?.ref;
  // The record shape Lambda sends to an on-failure destination.
  const record = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: `req-${logged.length}`,
      functionArn: deployed.physical.get(fn)?.attributes.Arn,
      condition: 'RetriesExhausted',
      approximateInvokeCount: retries + 1,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'Error', errorMessage: String((error as Error).message).split('\n')[0] },
  };
  await client(SQSClient).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
  return false;
}

async function inboxDepth(fn: string): Promise<number> {
  let total = 0;
  for (const inbox of deployed.snsInbox.get(fn) ?? []) {
    const { Attributes = {} } = await client(SQSClient).send(
      new GetQueueAttributesCommand({ QueueUrl: inbox.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    total += Number(Attributes.ApproximateNumberOfMessages);
  }
  return total;
}

async function receiveAll(queueUrl: string): Promise<string[]> {
  const { Messages = [] } = await client(SQSClient).send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return Messages.map((m) => m.Body ?? '');
}

/** An SQS message SNS delivered (not raw: the SNS JSON envelope), as the Lambda SNS event carries it. */
function snsEvent(message: Message, subscription: string) {
  const envelope = JSON.parse(message.Body ?? '{}') as Json;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscription,
        Sns: {
          Type: envelope.Type,
          MessageId: envelope.MessageId,
          TopicArn: envelope.TopicArn,
          Subject: envelope.Subject ?? null,
          Message: envelope.Message,
          Timestamp: envelope.Timestamp,
          SignatureVersion: envelope.SignatureVersion,
          Signature: envelope.Signature,
          SigningCertUrl: envelope.SigningCertURL,
          UnsubscribeUrl: envelope.UnsubscribeURL,
          MessageAttributes: envelope.MessageAttributes ?? {},
        },
      },
    ],
  };
}

async function queueDepth(logicalId: string): Promise<number> {
  const url = deployed.physical.get(logicalId)?.ref;
  const { Attributes = {} } = await client(SQSClient).send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesDelayed);
}

/**
 * A cold start of the function's bundle from cdk.out with the environment the template gives it
 * (references resolved to what was made on moto), the AWS SDK pointed at moto. The module is loaded
 * afresh each time, so its clients take this environment and nothing carries over between functions.
 */
async function invoke(logicalId: string, event: unknown): Promise<unknown> {
  const fn = template.Resources[logicalId] as Resource;
  const variables = ((fn.Properties.Environment as { Variables?: Json } | undefined)?.Variables ?? {}) as Json;
  const env: Record<string, string> = {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: moto.url,
    AWS_LAMBDA_FUNCTION_NAME: logicalId,
    ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolve(v)])),
  };
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  // The functions log JSON lines to stdout, as in Lambda: kept to show when an invocation fails.
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => logged.push(String(chunk)) > 0);
  const warn = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => logged.push(String(chunk)) > 0);
  try {
    const key = String(fn.Properties.Code && (fn.Properties.Code as Json).S3Key).replace(/\.zip$/, '');
    const path = join(assetDir, `asset.${key}`, 'index.js');
    const require = createRequire(import.meta.url);
    delete require.cache[require.resolve(path)];
    const handler = require(path).handler as (event: unknown, context: Context) => Promise<unknown>;
    const context = {
      functionName: logicalId,
      awsRequestId: `req-${logged.length}`,
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`,
      getRemainingTimeInMillis: () => Number(fn.Properties.Timeout ?? 3) * 1000,
    } as Context;
    return await handler(event, context);
  } catch (error) {
    throw new Error(`${logicalId} failed: ${(error as Error).message}\n${logged.slice(-20).join('')}`);
  } finally {
    write.mockRestore();
    warn.mockRestore();
    vi.unstubAllEnvs();
  }
}

/** `Ref`, `Fn::GetAtt`, `Fn::Join` and the pseudo parameters, answered from what was made on moto. */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const v = value as Json;
  if ('Ref' in v) {
    const pseudo: Record<string, string> = {
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': STACK,
    };
    const id = String(v.Ref);
    const found = pseudo[id] ?? deployed.physical.get(id)?.ref;
    if (found === undefined) throw new Error(`cannot resolve Ref ${id}: nothing was made for it on moto`);
    return found;
  }
  if ('Fn::GetAtt' in v) {
    const [id, attribute] = v['Fn::GetAtt'] as [string, string];
    const found = deployed.physical.get(id)?.attributes[attribute];
    if (found === undefined) throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
    return found;
  }
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolve).join(separator);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/**
 * Makes on moto what the template declares, from its own properties: DynamoDB tables (key schema,
 * attributes), SQS queues (visibility, redrive to their DLQ), SNS topics, and each SNS subscription to a
 * Lambda function as an SQS queue subscribed with the same filter policy, read later as SNS would invoke.
 * Lambda functions get their ARN only: they run in this process.
 */
async function deploy(t: typeof template): Promise<Deployed> {
  const physical = new Map<string, Physical>();
  const snsInbox = new Map<string, { queueUrl: string; subscription: string }[]>();
  const deployedSoFar = { physical, snsInbox };
  deployed = deployedSoFar;
  const entries = Object.entries(t.Resources);
  const db = client(DynamoDBClient);
  const sqs = client(SQSClient);
  const sns = client(SNSClient);
  const arn = (service: string, name: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${name}`;
  for (const [id, r] of entries) {
    if (r.Type === 'AWS::Lambda::Function') physical.set(id, { ref: id, attributes: { Arn: arn('lambda', `function:${id}`) } });
    // Alarms are named only (the notifiers trust Vigil's own by ARN); moto is not asked to evaluate them.
    if (r.Type === 'AWS::CloudWatch::Alarm') physical.set(id, { ref: id, attributes: { Arn: arn('cloudwatch', `alarm:${id}`) } });
    if (r.Type === 'AWS::DynamoDB::GlobalTable' || r.Type === 'AWS::DynamoDB::Table') {
      const p = r.Properties;
      const name = typeof p.TableName === 'string' ? p.TableName : `${STACK}-${id}`;
      await db.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: p.KeySchema as never,
          AttributeDefinitions: p.AttributeDefinitions as never,
          BillingMode: 'PAY_PER_REQUEST',
          ...(p.GlobalSecondaryIndexes
            ? {
                GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as Json[]).map((g) => ({
                  IndexName: g.IndexName as string,
                  KeySchema: g.KeySchema as never,
                  Projection: g.Projection as never,
                })),
              }
            : {}),
        }),
      );
      physical.set(id, { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`) } });
    }
    if (r.Type === 'AWS::SNS::Topic') {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${STACK}-${id}` }));
      physical.set(id, { ref: TopicArn as string, attributes: { TopicArn: TopicArn as string, TopicName: `${STACK}-${id}` } });
    }
  }
  // Queues after the others, dead-letter queues first: a redrive policy names its DLQ's ARN.
  const queues = entries.filter(([, r]) => r.Type === 'AWS::SQS::Queue');
  queues.sort(([, a], [, b]) => Number('RedrivePolicy' in a.Properties) - Number('RedrivePolicy' in b.Properties));
  for (const [id, r] of queues) {
    const p = r.Properties;
    const name = `${STACK}-${id}`.slice(0, 80);
    const attributes: Record<string, string> = {};
    if (p.VisibilityTimeout !== undefined) attributes.VisibilityTimeout = String(p.VisibilityTimeout);
    if (p.MessageRetentionPeriod !== undefined) attributes.MessageRetentionPeriod = String(p.MessageRetentionPeriod);
    if (p.RedrivePolicy) {
      const redrive = p.RedrivePolicy as Json;
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: resolve(redrive.deadLetterTargetArn),
        maxReceiveCount: redrive.maxReceiveCount,
      });
    }
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    physical.set(id, {
      ref: QueueUrl as string,
      attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: QueueUrl as string },
    });
  }
  for (const [id, r] of entries) {
    if (r.Type !== 'AWS::SNS::Subscription') continue;
    const p = r.Properties;
    if (p.Protocol !== 'lambda') throw new Error(`subscription ${id}: protocol ${String(p.Protocol)} is not emulated here`);
    const fn = (p.Endpoint as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const name = `${STACK}-inbox-${id}`.slice(0, 80);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const attributes: Record<string, string> = { RawMessageDelivery: 'false' };
    if (p.FilterPolicy) attributes.FilterPolicy = JSON.stringify(p.FilterPolicy);
    if (p.FilterPolicyScope) attributes.FilterPolicyScope = String(p.FilterPolicyScope);
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: resolve(p.TopicArn),
        Protocol: 'sqs',
        Endpoint: arn('sqs', name),
        Attributes: attributes,
        ReturnSubscriptionArn: true,
      }),
    );
    snsInbox.set(fn, [...(snsInbox.get(fn) ?? []), { queueUrl: QueueUrl as string, subscription: SubscriptionArn as string }]);
  }
  return deployedSoFar;
}

/** moto_server on a free port, answering before this returns; the process is ended by `close`. */
async function startMoto(): Promise<{ url: string; close(): Promise<void> }> {
  const probe = await startHttp(() => {});
  const port = probe.port;
  await probe.close();
  const output: string[] = [];
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const missing = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'ENOENT'
            ? 'moto_server is not on PATH: install moto[server] (pip install "moto[server]") to run npm run e2e:aws'
            : `moto_server did not start: ${error.message}`,
        ),
      ),
    ),
  );
  child.stdout?.on('data', (b: Buffer) => output.push(String(b)));
  child.stderr?.on('data', (b: Buffer) => output.push(String(b)));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const answering = (async () => {
    for (let tries = 0; tries < 150; tries++) {
      if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${output.join('')}`);
      try {
        if ((await fetch(`${url}/moto-api/`)).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`moto_server did not answer on ${url} within 15 s: ${output.join('')}`);
  })();
  try {
    await Promise.race([answering, missing]);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, close };
}
