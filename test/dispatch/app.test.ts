import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { SnsAlertPublisher } from '../../lambdas/adapters/sns.js';
import { SqsDispatchQueue } from '../../lambdas/adapters/sqs.js';
import type { Check } from '../../lambdas/config/parse.js';
import { ingest } from '../../lambdas/core/pipeline/ingest.js';
import { createDispatcherApp } from '../../lambdas/dispatch/app.js';
import { config } from '../support/checks.js';
import { failingResult } from '../support/events.js';
import { recordingLog } from '../support/log.js';

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/1/dispatch';

// Checks every 5 minutes, grouped with a 30 s wait: the group's page must not wait for the next run.
const cfg = config({
  defaults: { interval: '5m', failureThreshold: 1, groupWait: '30s' },
  checks: [
    { id: 'web-a', type: 'http', url: 'https://a.example/', group: 'web' },
    { id: 'web-b', type: 'http', url: 'https://b.example/', group: 'web' },
  ],
});

let db: EmbeddedDynamoDB;
let now: number;
const sqsEvent = (...bodies: string[]): SQSEvent => ({ Records: bodies.map((body) => ({ body })) }) as unknown as SQSEvent;

beforeEach(async () => {
  sns.reset();
  sqs.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'q' });
  db = await startEmbeddedDynamoDB();
  now = Date.parse('2026-11-22T10:00:00.000Z');
});
afterEach(() => db.close());

describe('dispatcher Lambda app', () => {
  it('books the group’s deadline as a delayed message and sends one grouped page when it arrives, 30 s after the first outage', async () => {
    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    const queue = new SqsDispatchQueue(new SQSClient({}), QUEUE, () => new Date(now));
    const log = recordingLog();
    const ingestDeps = { store, log, alertContext: { stackName: 'prod', dashboardUrl: null }, dispatch: queue };
    const down = (check: Check, at: number) =>
      ingest(check, { ...failingResult, checkId: check.id, startedAt: new Date(at).toISOString() }, ingestDeps, new Date(at));
    const app = createDispatcherApp({
      config: cfg,
      store,
      publisher: new SnsAlertPublisher(new SNSClient({}), 'arn:aws:sns:eu-west-1:1:alerts'),
      queue,
      log,
      now: () => new Date(now),
    });

    await down(cfg.checks[0] as Check, now);
    now += 10_000;
    await down(cfg.checks[1] as Check, now);
    const asked = sqs.commandCalls(SendMessageCommand).map((c) => [c.args[0].input.MessageBody, c.args[0].input.DelaySeconds]);
    expect(asked).toEqual([
      ['{"checkIds":["web-a"]}', 0],
      ['{"checkIds":["web-b"]}', 0],
    ]);

    const early = await app(sqsEvent('{"checkIds":["web-a"]}', '{"checkIds":["web-b"]}', 'not json'));
    expect(early.published).toEqual([]);
    // web-a went down at 10:00:00; the group's window closes at 10:00:30, 20 s from now.
    expect(sqs.commandCalls(SendMessageCommand).at(-1)?.args[0].input).toMatchObject({
      MessageBody: '{"checkIds":["web-a"]}',
      DelaySeconds: 20,
    });
    expect(log.lines.some((l) => l.message === 'dispatch message not understood; skipped')).toBe(true);

    now += 20_000;
    const due = await app(sqsEvent('{"checkIds":["web-a"]}'));
    expect(due.published.map((e) => [e.kind, e.checkId, e.group?.members.map((m) => m.checkId)])).toEqual([
      ['down', 'web-a', ['web-a', 'web-b']],
    ]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect((await store.getState('web-b'))?.outbox).toEqual([]);

    // A duplicate delivery of the same message sends nothing again.
    expect((await app(sqsEvent('{"checkIds":["web-a"]}'))).published).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('keeps an event SNS refused and books a retry instead of losing it', async () => {
    sns.on(PublishCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'm' });
    const solo = config({ defaults: { failureThreshold: 1 }, checks: [{ id: 'api', type: 'tcp', host: 'h', port: 1 }] });
    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    const queue = new SqsDispatchQueue(new SQSClient({}), QUEUE, () => new Date(now));
    const log = recordingLog();
    const check = solo.checks[0] as Check;
    await ingest(
      check,
      { ...failingResult, startedAt: new Date(now).toISOString() },
      { store, log, alertContext: { stackName: 'prod', dashboardUrl: null }, dispatch: queue },
      new Date(now),
    );
    const app = createDispatcherApp({
      config: solo,
      store,
      publisher: new SnsAlertPublisher(new SNSClient({}), 'arn:aws:sns:eu-west-1:1:alerts'),
      queue,
      log,
      now: () => new Date(now),
    });
    expect((await app(sqsEvent('{"checkIds":["api"]}'))).published).toEqual([]);
    expect(sqs.commandCalls(SendMessageCommand).at(-1)?.args[0].input).toMatchObject({ DelaySeconds: 30 });
    now += 30_000;
    expect((await app(sqsEvent('{"checkIds":["api"]}'))).published.map((e) => e.kind)).toEqual(['down']);
    expect((await store.getState('api'))?.outbox).toEqual([]);
  });
});
