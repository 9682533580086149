import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeNagFindings, parseConfig, Vigil } from '../../lib/index.js';

// A host app's own stack, built from a folder that is not this repository: entries and the lock file
// must be found from Vigil's modules, not the current directory.
const document = {
  channels: { chat: { type: 'slack', webhookUrl: { secret: 'vigil/chat' } } },
  checks: [
    { id: 'api', type: 'http', url: 'https://api.example.com/health' },
    { id: 'nightly', type: 'heartbeat', every: '1h', token: { secret: 'vigil/nightly' } },
  ],
};

const cwd = process.cwd();
let app: App;
let host: Stack;
let vigil: Vigil;
let bucket: Bucket;
let queue: Queue;
beforeAll(() => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'vigil-host-app-'));
  process.chdir(elsewhere);
  try {
    app = new App({ outdir: join(elsewhere, 'cdk.out') });
    host = new Stack(app, 'HostApp');
    // Two findings of the host's own: an unencrypted bucket, and a queue without a dead-letter queue
    // (AwsSolutions-SQS3, which Vigil acknowledges for its dead-letter queues only).
    bucket = new Bucket(host, 'Uploads');
    queue = new Queue(host, 'Jobs', { enforceSSL: true });
    vigil = new Vigil(host, 'Monitoring', {
      config: parseConfig(document),
      configDocument: document,
      tableRemovalPolicy: RemovalPolicy.DESTROY,
      logRetention: RetentionDays.ONE_WEEK,
      probeReservedConcurrency: 3,
      notifierReservedConcurrency: 2,
    });
    acknowledgeNagFindings(vigil);
    app.synth();
  } finally {
    process.chdir(cwd);
  }
}, 120_000);
afterAll(() => process.chdir(cwd));

describe('Vigil inside a host stack, synthesized from another folder', () => {
  it('bundles each of its four Lambdas with its config beside the code', () => {
    const functions = Template.fromStack(host).findResources('AWS::Lambda::Function');
    const handlers = Object.entries(functions)
      .filter(([, fn]) => fn.Properties.Handler === 'index.handler')
      .map(([id, fn]) => {
        const dir = join(app.outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
        expect(existsSync(join(dir, 'vigil-config.json')), id).toBe(true);
        return readFileSync(join(dir, 'index.js'), 'utf8');
      });
    expect(handlers).toHaveLength(4);
    for (const code of handlers) expect(code).toMatch(/exports|module\.exports/);
  });

  it('leaves the host resources to cdk-nag: its acknowledgements cover only its own constructs', () => {
    const report = new AwsSolutionsChecks(app).validateScope(host);
    const found = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(found).toContain(`AwsSolutions-SQS3 ${queue.node.path}/Resource`);
    expect(found).toContain(`AwsSolutions-S1 ${bucket.node.path}/Resource`);
    // Everything reported is the host's: none of Vigil's resources.
    expect(found.filter((line) => line.includes(`${vigil.node.path}/`))).toEqual([]);
  });

  it('takes the table removal policy, log retention and reserved concurrency', () => {
    const template = Template.fromStack(host);
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    const retention = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.RetentionInDays);
    expect(retention).toEqual([7, 7, 7, 7]);
    const probe = vigil.probes.function.fn.node.defaultChild as { reservedConcurrentExecutions?: number };
    expect(probe.reservedConcurrentExecutions).toBe(3);
    const notifier = vigil.notifier.functions.get('chat')?.fn.node.defaultChild as { reservedConcurrentExecutions?: number };
    expect(notifier.reservedConcurrentExecutions).toBe(2);
  });
});
