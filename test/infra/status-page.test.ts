import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config/parse.js';
import { acknowledgeNagFindings } from '../../lib/nag-suppressions.js';
import { stackAlarms } from '../../lib/stack-config.js';
import { VigilStack } from '../../lib/vigil-stack.js';

function synth(document: Record<string, unknown>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new VigilStack(app, 'Vigil', { config: parseConfig(document), configDocument: document });
  acknowledgeNagFindings(stack.vigil);
  return { app, stack, template: Template.fromStack(stack) };
}

const checks = [
  { id: 'api', type: 'http', url: 'https://api.example.com/health', public: true },
  { id: 'db', type: 'tcp', host: 'db.example.com', port: 5432 },
];

describe('the status page in AWS', () => {
  const { app, stack, template } = synth({ statusPage: { title: 'Acme status', every: '10m' }, checks });

  it('publishes to a private, encrypted bucket that takes TLS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasOutput('*', { Value: { Ref: Match.stringLikeRegexp('StatusPagePages') } });
  });

  it('on every alert and on the config’s schedule, one page at a time, reading the table and writing the bucket only', () => {
    const publisher = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'vigil-status-page' }) } },
    });
    const [id, fn] = Object.entries(publisher)[0] ?? [];
    expect(fn?.Properties).toMatchObject({ ReservedConcurrentExecutions: 1, Runtime: 'nodejs24.x' });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] } })],
    });
    // A failed, timed-out or out-of-memory run logs no error line: its own alarm tells Vigil itself.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Health') }],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [id, 'Arn'] },
      TopicArn: { Ref: Match.stringLikeRegexp('AlertsTopic') },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p).includes('StatusPagePublisher'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 's3:PutObject']);
    const put = statements.find((s) => s.Action === 's3:PutObject');
    expect(JSON.stringify(put?.Resource)).toMatch(/\/status\.json.*\/index\.html/);
  });

  it('passes the AWS Solutions cdk-nag pack', () => {
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`),
    ).toEqual([]);
  });

  it('has its two alarms counted where vigil cost counts the stack’s', () => {
    template.resourceCountIs(
      'AWS::CloudWatch::Alarm',
      stackAlarms(parseConfig({ statusPage: { title: 'Acme status', every: '10m' }, checks })),
    );
  });

  it('is not there without `statusPage`, nor without a public check', () => {
    for (const document of [{ checks }, { statusPage: {}, checks: checks.map(({ public: _p, ...c }) => c) }]) {
      synth(document).template.resourceCountIs('AWS::S3::Bucket', 0);
    }
  });
});
