import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Context, SNSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { parseConfig } from '../../lambdas/config/parse.js';
import { VigilStack } from '../../lib/vigil-stack.js';
import { alertEvent } from '../support/events.js';
import { type Receiver, type Running, startHttp, startReceiver } from '../support/servers.js';

// Inside the project, so the bundle finds the AWS SDK in node_modules as it finds it in the Lambda runtime.
const OUT = fileURLToPath(new URL('../../cdk.out/', import.meta.url));
let slack: Receiver;
let target: Running;
let outdir: string;
let app: App;
let stack: VigilStack;
beforeAll(async () => {
  slack = await startReceiver();
  target = await startHttp((_req, res) => res.writeHead(503).end('down'));
  mkdirSync(OUT, { recursive: true });
  outdir = mkdtempSync(join(OUT, 'bundle-test-'));
  // The bundle is CommonJS, as Lambda runs it; the project's own "type": "module" must not apply here.
  writeFileSync(join(outdir, 'package.json'), '{"type":"commonjs"}');
  // One synth for every test: bundling is the slow part.
  const document = {
    channels: { chat: { type: 'slack', webhookUrl: `${slack.url}/hook` } },
    checks: [
      {
        id: 'api',
        type: 'http',
        url: `${target.url}/`,
        interval: '1m',
        failureThreshold: 1,
        headers: { 'x-api-key': 'probe-only-api-key' },
      },
      { id: 'nightly', type: 'heartbeat', every: '1h', token: 'bundle-test-heartbeat-token' },
      // A fleet's worth more: the config outgrows what a command-line argument may hold (128 KB), so
      // it must reach the bundle some other way than an esbuild define.
      ...Array.from({ length: 3_000 }, (_, i) => ({ id: `filler-check-${i}`, type: 'tcp', host: '127.0.0.1', port: 1 })),
    ],
  };
  app = new App({ outdir });
  stack = new VigilStack(app, 'BundleTest', {
    config: parseConfig(document),
    configDocument: document,
    allowPlainSecrets: true,
  });
});
afterAll(async () => {
  await Promise.all([slack.close(), target.close()]);
  rmSync(outdir, { recursive: true, force: true });
});

// The functions log JSON lines to stdout, as in Lambda: keep them to read, out of the test output.
let logged: string[];
const log = () => logged.join('');
beforeEach(() => {
  logged = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => logged.push(String(chunk)) > 0);
});
afterEach(() => vi.restoreAllMocks());

/** Where the code the stack would upload for the function whose logical id contains `name` is. */
function bundlePath(name: string): string {
  const assembly = app.synth();
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const [, resource] = Object.entries(functions).find(([id]) => id.includes(name)) ?? [];
  const key: string = resource?.Properties.Code.S3Key;
  return join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`, 'index.js');
}

/** A cold start: the module is loaded afresh, so its clients take this test's environment (its store's address and key). */
function bundledHandler(name: string) {
  const require = createRequire(import.meta.url);
  delete require.cache[require.resolve(bundlePath(name))];
  return require(bundlePath(name)).handler as (event: unknown, context: Context) => Promise<unknown>;
}

describe('what each bundle carries', () => {
  it('puts an inline secret only in the code of the function that uses it', () => {
    // What is uploaded for a function: its code and the config beside it.
    const code = (name: string) =>
      ['index.js', 'vigil-config.json'].map((file) => readFileSync(join(dirname(bundlePath(name)), file), 'utf8')).join('\n');
    const hook = `${slack.url}/hook`;
    expect(code('Probe')).toContain('probe-only-api-key');
    expect(code('Probe')).not.toContain(hook);
    expect(code('Dispatch')).not.toContain('probe-only-api-key');
    expect(code('Dispatch')).not.toContain(hook);
    expect(code('Notifier')).toContain(hook);
    expect(code('Notifier')).not.toContain('probe-only-api-key');
    expect(code('Heartbeat')).toContain('bundle-test-heartbeat-token');
    expect(code('Heartbeat')).not.toContain('probe-only-api-key');
    expect(code('Heartbeat')).not.toContain(hook);
    for (const other of ['Probe', 'Dispatch', 'Notifier']) expect(code(other)).not.toContain('bundle-test-heartbeat-token');
  });

  it('leaves probe code out of every bundle but the probe’s: no TLS, socket, DNS or HTTP client', () => {
    const modules = (name: string) =>
      [...readFileSync(bundlePath(name), 'utf8').matchAll(/require\("(node:)?(tls|net|dns|dns\/promises|http|https)"\)/g)].map(
        (m) => m[2],
      );
    expect(new Set(modules('Probe'))).toEqual(new Set(['tls', 'net', 'dns/promises', 'http', 'https']));
    for (const other of ['Dispatch', 'Notifier', 'Heartbeat']) expect(modules(other)).toEqual([]);
  });
});

describe('the bundled notifier Lambda', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('runs from its asset with the config inlined at synth, and delivers alerts and Vigil’s own alarms to Slack', async () => {
    vi.stubEnv('CHANNEL_NAME', 'chat');
    vi.stubEnv('STACK_NAME', 'BundleTest');
    const healthTopic = 'arn:aws:sns:eu-west-1:111122223333:BundleTestHealth';
    const alarmArn = 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:BundleTest-Heartbeat';
    vi.stubEnv('HEALTH_TOPIC_ARN', healthTopic);
    vi.stubEnv('HEALTH_ALARM_ARNS', `${alarmArn},${alarmArn}-other`);
    const handler = bundledHandler('Notifier');
    const alarm = {
      AlarmName: 'BundleTest-Heartbeat',
      AlarmArn: alarmArn,
      AlarmDescription: 'Vigil probes have stopped running',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed: no datapoints were received for 1 period',
      StateChangeTime: '2026-11-23T10:00:00.000+0000',
    };
    const event: SNSEvent = {
      Records: [alertEvent(), alarm].map(
        (message) => ({ Sns: { Message: JSON.stringify(message), TopicArn: healthTopic } }) as SNSEvent['Records'][number],
      ),
    };
    const context = {
      functionName: 'notify',
      awsRequestId: 'req-1',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:notify',
    } as Context;
    expect(await handler(event, context)).toEqual({ delivered: 2 });
    expect(slack.received.map((r) => r.body)).toMatchObject([
      // Names come from the bundled config, not the message.
      { text: 'DOWN: api: expected status 200, got 503' },
      {
        text: 'DOWN: Vigil itself: Vigil probes have stopped running (Threshold Crossed: no datapoints were received for 1 period)',
      },
    ]);
    expect(slack.received[0]?.path).toBe('/hook');
  });
});

describe('the bundled probe Lambda', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('probes the checks its schedule names, records the results in DynamoDB and hands an outage to the dispatcher', async () => {
    await withLocalAws(async ({ db, metrics, queue }) => {
      const handler = bundledHandler('Probe');
      const context = {
        functionName: 'probe',
        awsRequestId: 'req-7',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:probe',
      } as Context;
      expect(await handler({ checkIds: ['api'], runs: 1, intervalMs: 60_000 }, context)).toEqual({ batches: 1, results: 1 });
      const store = new DynamoResultStore(db.client, { tableName: db.tableName });
      const [result] = await store.listResults('api', new Date(0), new Date());
      expect(result).toMatchObject({ checkId: 'api', status: 'down', httpStatus: 503 });
      expect((await store.getState('api'))?.outbox.map((e) => e.kind)).toEqual(['down']);
      expect(metrics.received.length).toBeGreaterThan(0);
      expect(log()).toContain('"message":"check result"');
      expect(log()).not.toContain('dispatcher not told');
      expect(queue.received.map((r) => r.body)).toEqual([
        expect.objectContaining({ MessageBody: '{"checkIds":["api"]}', DelaySeconds: 0 }),
      ]);
    });
  });
});

describe('the bundled heartbeat Lambda', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('answers Function URL requests: refuses a wrong token, records a failed run and hands the outage to the dispatcher', async () => {
    await withLocalAws(async ({ db, metrics, queue }) => {
      const handler = bundledHandler('Heartbeat');
      const context = { functionName: 'heartbeat', awsRequestId: 'req-9' } as Context;
      const request = (path: string, token: string, body: string) => ({
        rawPath: path,
        rawQueryString: 'rid=nightly-42',
        headers: { authorization: `Bearer ${token}` },
        requestContext: { http: { method: 'POST' } },
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
      });
      expect(await handler(request('/ping/nightly/3', 'guessed-token-xxxxxx', ''), context)).toMatchObject({ statusCode: 403 });
      const store = new DynamoResultStore(db.client, { tableName: db.tableName });
      expect(await store.listRuns('nightly', new Date(0), new Date())).toEqual([]);
      const answer = (await handler(request('/ping/nightly/3', 'bundle-test-heartbeat-token', 'disk full'), context)) as {
        statusCode: number;
        body: string;
      };
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ ok: true, check: 'nightly', recorded: '3', rid: 'nightly-42', status: 'down' });
      expect(await store.listRuns('nightly', new Date(0), new Date())).toEqual([
        expect.objectContaining({ rid: 'nightly-42', ok: false, exitCode: 3, output: 'disk full' }),
      ]);
      expect((await store.getState('nightly'))?.outbox.map((e) => e.kind)).toEqual(['down']);
      expect(queue.received.map((r) => r.body)).toEqual([expect.objectContaining({ MessageBody: '{"checkIds":["nightly"]}' })]);
      // RunSuccess and Availability went to CloudWatch.
      expect(metrics.received.map((r) => r.raw).join('\n')).toContain('RunSuccess');

      // The probe schedule's next look at the same check reads the run from the table.
      const probe = bundledHandler('Probe');
      expect(await probe({ checkIds: ['nightly'], runs: 1, intervalMs: 60_000 }, context)).toEqual({ batches: 1, results: 1 });
      const results = await store.listResults('nightly', new Date(0), new Date(Date.now() + 60_000));
      expect(results.at(-1)).toMatchObject({ status: 'down', error: { kind: 'job_failed' } });
    });
  });
});

/** DynamoDB (dynalite), CloudWatch and SQS stand-ins, and the environment Lambda and the stack would set, pointed at them. */
async function withLocalAws(
  test: (aws: { db: Awaited<ReturnType<typeof startEmbeddedDynamoDB>>; metrics: Receiver; queue: Receiver }) => Promise<void>,
) {
  const metrics = await startReceiver();
  // SQS answers with the MD5 of the body it took, and the client checks it.
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const queue = await startReceiver({
    status: 200,
    body: (request) => JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5(JSON.parse(request).MessageBody) }),
  });
  const db = await startEmbeddedDynamoDB();
  try {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    // The embedded store takes only requests signed with its per-run key (the stand-ins take anything).
    vi.stubEnv('AWS_ACCESS_KEY_ID', db.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', db.credentials.secretAccessKey);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDWATCH', metrics.url);
    vi.stubEnv('TABLE_NAME', db.tableName);
    vi.stubEnv('STACK_NAME', 'BundleTest');
    // The SQS client sends to the queue URL's host, as it does in AWS.
    vi.stubEnv('DISPATCH_QUEUE_URL', `${queue.url}/123456789012/dispatch`);
    await test({ db, metrics, queue });
  } finally {
    await Promise.all([metrics.close(), queue.close(), db.close()]);
  }
}
