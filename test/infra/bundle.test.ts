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
import { parseConfig } from '../../lambdas/core/config.js';
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

function bundledHandler(name: string) {
  const require = createRequire(import.meta.url);
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
  });
});

describe('the bundled notifier Lambda', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('runs from its asset with the config inlined at synth, and delivers alerts and Vigil’s own alarms to Slack', async () => {
    vi.stubEnv('CHANNEL_NAME', 'chat');
    vi.stubEnv('STACK_NAME', 'BundleTest');
    const handler = bundledHandler('Notifier');
    const alarm = {
      AlarmName: 'BundleTest-Heartbeat',
      AlarmDescription: 'Vigil probes have stopped running',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed: no datapoints were received for 1 period',
      StateChangeTime: '2026-11-23T10:00:00.000+0000',
    };
    const event: SNSEvent = {
      Records: [alertEvent(), alarm].map(
        (message) => ({ Sns: { Message: JSON.stringify(message) } }) as SNSEvent['Records'][number],
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
    const metrics = await startReceiver();
    // SQS answers with the MD5 of the body it took, and the client checks it.
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const queue = await startReceiver({
      status: 200,
      body: (request) => JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5(JSON.parse(request).MessageBody) }),
    });
    const db = await startEmbeddedDynamoDB();
    try {
      // What Lambda's environment and the stack would set, pointed at local stand-ins.
      vi.stubEnv('AWS_REGION', 'eu-west-1');
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
      vi.stubEnv('AWS_ENDPOINT_URL_CLOUDWATCH', metrics.url);
      vi.stubEnv('TABLE_NAME', db.tableName);
      vi.stubEnv('STACK_NAME', 'BundleTest');
      // The SQS client sends to the queue URL's host, as it does in AWS.
      vi.stubEnv('DISPATCH_QUEUE_URL', `${queue.url}/123456789012/dispatch`);
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
    } finally {
      await Promise.all([metrics.close(), queue.close(), db.close()]);
    }
  });
});
