import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config/parse.js';
import { acknowledgeNagFindings } from '../../lib/nag-suppressions.js';
import { planStack, stackAlarms } from '../../lib/stack-config.js';
import { VigilStack } from '../../lib/vigil-stack.js';

const document = {
  channels: {
    'ops-slack': { type: 'slack', webhookUrl: { secret: 'vigil/ops-slack' } },
    'platform-pd': { type: 'pagerduty', routingKey: { secret: 'vigil/pd' } },
    'oncall-mail': {
      type: 'email',
      address: 'oncall@example.com',
      minSeverity: 'warning',
      kinds: ['down', 'recovered', 'degraded'],
    },
  },
  checks: [
    {
      id: 'api-health',
      name: 'Public API',
      type: 'http',
      url: 'https://api.example.com/health',
      interval: '30s',
      timeout: '5s',
      headers: { authorization: { secret: 'vigil/api-token' } },
      objectives: [{ availability: 99.9 }, { latency: { percent: 90, under: '2s' } }],
    },
    {
      id: 'web',
      type: 'http',
      url: 'https://www.example.com/',
      interval: '30s',
      auth: { bearer: { secret: 'vigil/web-token' } },
    },
    { id: 'db-port', type: 'tcp', host: '10.0.0.5', port: 5432, interval: '5m' },
  ],
};

function synth(doc: object = document) {
  // No bundling here: the template is what these tests read (test/infra/bundle.test.ts runs the bundles).
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new VigilStack(app, 'VigilTest', { config: parseConfig(doc), configDocument: doc });
  return { app, stack, template: Template.fromStack(stack) };
}

let template: Template;
let stack: VigilStack;
let app: App;

beforeAll(() => {
  ({ app, stack, template } = synth());
});

/** The logical id of the topic with this display name. */
function topicIdIn(synthesized: Template, displayName: string): string {
  const [id] = Object.keys(synthesized.findResources('AWS::SNS::Topic', { Properties: { DisplayName: displayName } }));
  return id ?? '';
}
const topicId = (displayName: string) => topicIdIn(template, displayName);

function subscriptionsOf(displayName: string) {
  const topic = topicId(displayName);
  return Object.values(template.findResources('AWS::SNS::Subscription'))
    .map((s) => s.Properties)
    .filter((s) => s.TopicArn.Ref === topic);
}

describe('VigilStack', () => {
  it('keeps results in one on-demand, encrypted, point-in-time-recoverable table with TTL', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('runs the probe and one notifier per non-e-mail channel on nodejs24.x arm64 with reserved concurrency', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: 'nodejs24.x', Architectures: ['arm64'] },
    });
    const byChannel = Object.values(functions).map((f) => [
      f.Properties.Environment.Variables.CHANNEL_NAME ?? f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
      f.Properties.ReservedConcurrentExecutions,
    ]);
    expect(byChannel.sort()).toEqual([
      ['ops-slack', 1],
      ['platform-pd', 1],
      ['vigil-dispatch', 2],
      ['vigil-probe', 10],
    ]);
  });

  it('routes with subscription filter policies: PagerDuty takes critical only, e-mail its kinds from warning up', () => {
    const subscriptions = subscriptionsOf('Vigil alerts');
    const email = subscriptions.find((s) => s.Protocol === 'email');
    expect(email).toMatchObject({
      Endpoint: 'oncall@example.com',
      FilterPolicy: {
        severity: ['warning', 'critical'],
        kind: ['down', 'recovered', 'degraded', 'test'],
        checkId: ['api-health', 'web', 'db-port', 'vigil-test'],
      },
    });
    const lambdas = subscriptions.filter((s) => s.Protocol === 'lambda').map((s) => s.FilterPolicy.severity);
    expect(lambdas.sort()).toEqual([['critical'], ['info', 'warning', 'critical']]);
  });

  it('tells every channel, unfiltered, when one of Vigil’s own alarms fires or clears', () => {
    const health = subscriptionsOf('Vigil health');
    expect(health.map((s) => [s.Protocol, s.FilterPolicy ?? null]).sort()).toEqual([
      ['email', null],
      ['lambda', null],
      ['lambda', null],
    ]);
    const healthTopic = topicId('Vigil health');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'DispatchErrors',
      'Invocations',
      'ProbeErrors',
    ]);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: healthTopic }]);
      expect(alarm.OKActions).toEqual([{ Ref: healthTopic }]);
    }
    // CloudWatch may use the topic's key and publish to it, for this account's alarms only.
    const fromCloudWatchHere = (Action: unknown) =>
      Match.objectLike({
        Action,
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Vigil health topic encryption',
      KeyPolicy: { Statement: Match.arrayWith([fromCloudWatchHere(['kms:Decrypt', 'kms:GenerateDataKey*'])]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: healthTopic }],
      PolicyDocument: { Statement: Match.arrayWith([fromCloudWatchHere('sns:Publish')]) },
    });
  });

  it('alarms on errors the probe and dispatcher log without failing their run', () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f) => f.Properties);
    expect(filters.map((f) => [f.FilterPattern, f.MetricTransformations[0].MetricName]).sort()).toEqual([
      ['{ $.level = "ERROR" }', 'DispatchErrors'],
      ['{ $.level = "ERROR" }', 'ProbeErrors'],
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ProbeErrors',
      Namespace: 'Vigil',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on anything in a dead-letter queue (probe, dispatcher, notifier), and when probes stop running', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    // The longest schedule is every 5 minutes: silent for 10 is a probe that stopped.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocations',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Period: 600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('sends a probe run that failed to its dead-letter queue at once, not after retries', () => {
    const probe = stack.vigil.probes.function.fn.node.defaultChild as { logicalId?: string };
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: stack.getLogicalId(probe as never) },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('schedules one rule per interval group, sub-minute groups as runs within a minute', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => ({
      schedule: r.Properties.ScheduleExpression,
      input: JSON.parse(r.Properties.Targets[0].Input),
      retries: r.Properties.Targets[0].RetryPolicy.MaximumRetryAttempts,
      dlq: r.Properties.Targets[0].DeadLetterConfig !== undefined,
    }));
    expect(rules).toEqual([
      {
        schedule: 'rate(1 minute)',
        // Two starts 27.6 ms apart: what one check's CPU takes at 512 MB's share, at half load.
        input: { checkIds: ['api-health', 'web'], runs: 2, intervalMs: 30_000, spreadMs: 55 },
        retries: 0,
        dlq: true,
      },
      {
        schedule: 'rate(5 minutes)',
        input: { checkIds: ['db-port'], runs: 1, intervalMs: 300_000, spreadMs: 28 },
        retries: 0,
        dlq: true,
      },
    ]);
  });

  it('gives the probe a timeout that covers its longest group', () => {
    // 30 s group: second run starts at 30 s, spreads over 55 ms, its slowest timeout is 10 s (web's
    // default) → 40.1 s, plus 30 s headroom, in whole seconds.
    const probe = stack.vigil.probes.function.fn.node.defaultChild as { timeout?: number };
    expect(probe.timeout).toBe(71);
  });

  it('splits an interval’s checks into even shards, each spread over at most half the interval', () => {
    const many = (n: number, extra: object = {}) =>
      parseConfig({ checks: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, type: 'tcp', host: 'h', port: 1, ...extra })) });
    // At 512 MB a start every 27.6 ms fills 30 s with 1,085 checks: 5,000 checks make 5 shards of 1,000.
    const fleet = planStack(many(5000)).groups;
    expect(fleet.map((g) => g.checkIds.length)).toEqual(Array(5).fill(1000));
    expect(fleet.map((g) => g.shard)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(fleet.flatMap((g) => g.checkIds)).size).toBe(5000);
    expect(fleet[0]?.spreadMs).toBe(27_641);
    // Worst case, every target hangs until its 10 s timeout, 50 at a time: 20 waves after the spread; then
    // the cycle's storing and deciding, 50 ms a check at worst.
    expect(fleet[0]?.maxDurationMs).toBe(27_641 + 200_000 + 1000 * 50);
    expect(planStack(many(50)).groups.map((g) => [g.checkIds.length, g.spreadMs])).toEqual([[50, 1_382]]);
    // Half the memory buys half the CPU: half the checks per shard.
    expect(planStack(many(5000), 'config', { probeMemoryMb: 256 }).groups).toHaveLength(10);
    // Long ids: a shard's event must fit EventBridge's 8,192 characters of target input.
    const longIds = parseConfig({
      checks: Array.from({ length: 500 }, (_, i) => ({ id: `${'service-'.repeat(6)}${i}`, type: 'tcp', host: 'h', port: 1 })),
    });
    const shards = planStack(longIds).groups;
    expect(shards.length).toBeGreaterThan(1);
    for (const shard of shards) expect(JSON.stringify(shard.checkIds).length).toBeLessThanOrEqual(8_092);
    // A long interval spreads over 5 minutes at most, so a shard still ends within Lambda's 15.
    expect(planStack(many(6000, { interval: '1h' })).groups[0]?.spreadMs).toBeLessThanOrEqual(300_000);
  });

  it('refuses a shard whose hanging targets could not finish within Lambda’s 15 minutes', () => {
    const checks = parseConfig({
      checks: Array.from({ length: 500 }, (_, i) => ({
        id: `c${i}`,
        type: 'tcp',
        host: 'h',
        port: 1,
        interval: '5m',
        timeout: '60s',
        retries: 2,
      })),
    });
    expect(() => planStack(checks)).toThrow(
      'checks every 5m: 500 checks whose targets hang until their timeouts (retries included) need up to',
    );
  });

  it('creates the alarms `vigil cost` prices', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', stackAlarms(parseConfig(document)));
  });

  it('reserves a probe concurrency for every shard that may run at once', () => {
    const document = { checks: Array.from({ length: 3000 }, (_, i) => ({ id: `c${i}`, type: 'tcp', host: 'h', port: 1 })) };
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const big = new VigilStack(app, 'Fleet', { config: parseConfig(document), configDocument: document });
    const probe = big.vigil.probes.function.fn.node.defaultChild as { reservedConcurrentExecutions?: number };
    // 3 shards, each invocation (27.6 s spread + 200 s of hanging targets + 50 s of deciding + 30 s
    // headroom) spanning 6 minutes.
    expect(probe.reservedConcurrentExecutions).toBe(18);
    Template.fromStack(big).resourceCountIs('AWS::Events::Rule', 3);
  });

  it('runs a dispatcher from its own queue, with a dead-letter queue, and lets the probe only send to it', () => {
    const dispatcher = stack.vigil.dispatcher.function.fn.node.defaultChild as { logicalId?: string };
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: stack.getLogicalId(dispatcher as never) },
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 10, deadLetterTargetArn: Match.anyValue() },
    });
  });

  it('bundles the config into the code, not the template', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toContain('api.example.com');
    expect(text).not.toContain('VIGIL_CONFIG');
  });

  it('encrypts the alert topic with a rotating key and subscribes the notifier', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    expect(subscriptionsOf('Vigil alerts')).toHaveLength(3);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('grants least privilege: table item actions, namespaced metrics, publish, and each function only its secrets', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((p) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    const probe = policies.find((p) => p.includes('cloudwatch:PutMetricData')) ?? '';
    const pagerduty = policies.find((p) => p.includes('vigil/pd')) ?? '';
    const slack = policies.find((p) => p.includes('vigil/ops-slack')) ?? '';
    expect(probe).toContain(
      '"dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:Query","dynamodb:BatchGetItem","dynamodb:BatchWriteItem"',
    );
    expect(probe).not.toContain('dynamodb:DeleteItem');
    expect(probe).toContain('{"StringEquals":{"cloudwatch:namespace":"Vigil"}}');
    expect(probe).not.toContain('sns:Publish');
    expect(probe).toContain('sqs:SendMessage');
    const dispatcher = policies.find((p) => p.includes('sns:Publish') && p.includes('sqs:ReceiveMessage')) ?? '';
    expect(dispatcher).toContain('"dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:Query"');
    expect(dispatcher).not.toContain('secretsmanager:');
    expect(probe).toContain('secret:vigil/api-token-??????');
    expect(probe).toContain('secret:vigil/web-token-??????');
    expect(probe).not.toContain('vigil/pd');
    expect(slack).not.toContain('vigil/pd');
    expect(pagerduty).not.toContain('vigil/ops-slack');
    expect(pagerduty).not.toContain('vigil/api-token');
  });

  it('draws availability and latency percentiles for every check', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const parts: unknown[] = dashboard?.Properties.DashboardBody['Fn::Join'][1];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REGION')).join(''));
    const graphs = body.widgets.filter((w: { properties: { view?: string } }) => w.properties.view === 'timeSeries');
    const metrics = graphs.flatMap((w: { properties: { metrics?: unknown[][] } }) => w.properties.metrics ?? []);
    const series = metrics.map((m: unknown[]) => [m[1], m[3], (m[4] as { stat?: string }).stat ?? 'Average']);
    expect(series).toEqual(
      ['api-health', 'web', 'db-port'].flatMap((id) => [
        ['Availability', id, 'Average'],
        ['Latency', id, 'p50'],
        ['Latency', id, 'p95'],
        ['Latency', id, 'p99'],
        // An objective's own percentile is drawn too.
        ...(id === 'api-health' ? [['Latency', id, 'p90']] : []),
      ]),
    );
    // Objectives are lines on their graphs, not metrics.
    const lines = body.widgets.flatMap(
      (w: { properties: { annotations?: { horizontal?: { value: number; label: string }[] } } }) =>
        w.properties.annotations?.horizontal ?? [],
    );
    expect(lines).toEqual([
      { value: 0.999, label: 'objective: availability 99.9% over 30d', yAxis: 'left' },
      { value: 2000, label: 'objective: 90% under 2s over 30d', yAxis: 'left' },
    ]);
  });

  it('shows each objective’s attainment, budget left and last hour’s burn by metric math, at no metric cost', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const parts: unknown[] = dashboard?.Properties.DashboardBody['Fn::Join'][1];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REGION')).join(''));
    const single = body.widgets.filter((w: { properties: { view?: string } }) => w.properties.view === 'singleValue');
    expect(single.map((w: { properties: { title: string } }) => w.properties.title)).toEqual(['Public API: objectives']);
    const expressions = (single[0].properties.metrics as unknown[][])
      .map((m) => m[0])
      .filter((m): m is { expression: string; period: number } => typeof m === 'object');
    expect(expressions.map((e) => [e.expression, e.period])).toEqual([
      ['100 * w0', 2_592_000],
      ['100 * (1 - (1 - w0) / 0.001)', 2_592_000],
      ['(1 - h0) / 0.001', 3_600],
      ['100 * w1 / 100', 2_592_000],
      ['100 * (1 - (1 - w1 / 100) / 0.1)', 2_592_000],
      ['(1 - h1 / 100) / 0.1', 3_600],
    ]);
    // The share under 2 s is Latency's percentile rank: the check's own metric, read another way.
    const used = (single[0].properties.metrics as unknown[][]).filter((m) => m[0] === 'Vigil');
    expect(used.map((m) => [m[1], (m[4] as { stat?: string }).stat ?? 'Average'])).toEqual([
      ['Availability', 'Average'],
      ['Availability', 'Average'],
      ['Latency', 'PR(:2000)'],
      ['Latency', 'PR(:2000)'],
    ]);
  });

  it('shows the timing phases per check from the probe’s logs, at no metric cost', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const parts: unknown[] = dashboard?.Properties.DashboardBody['Fn::Join'][1];
    const probeLogs = stack.getLogicalId(stack.vigil.probes.function.logGroup.node.defaultChild as never);
    const logsAt = parts.findIndex((part) => JSON.stringify(part) === JSON.stringify({ Ref: probeLogs }));
    expect(logsAt).toBeGreaterThan(0);
    const query = String(parts[logsAt - 1]) + String(parts[logsAt + 1]);
    expect(query).toContain('filter message = \\"check result\\"');
    for (const phase of ['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'transferMs', 'totalMs']) {
      expect(query).toContain(`avg(timings.${phase})`);
    }
    expect(query).toContain('by checkId');
    // How many runs each check had timed under Vigil's own loop lag, which write no Latency datum.
    expect(query).toContain('fields least(floor(loopLagMs / 10), 1) as timedUnderLag');
    expect(query).toContain('sum(timedUnderLag) as lagged');
  });

  it('passes the AWS Solutions cdk-nag pack with only the acknowledged findings', () => {
    acknowledgeNagFindings(stack.vigil);
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`),
    ).toEqual([]);
  });
});

describe('VigilStack rejects what it cannot deploy, with config paths', () => {
  it.each([
    [
      { checks: [{ id: 'fast', type: 'tcp', host: 'h', port: 1, interval: '5s' }] },
      'checks[0].interval: the AWS stack runs checks at most every 10s, got 5s',
    ],
    [
      { checks: [{ id: 'odd', type: 'tcp', host: 'h', port: 1, interval: '45s' }] },
      'checks[0].interval: under a minute the interval must divide 60s evenly (10s, 12s, 15s, 20s, 30s), got 45s',
    ],
    [
      { checks: [{ id: 'odd', type: 'tcp', host: 'h', port: 1, interval: '90s' }] },
      'checks[0].interval: from a minute up the interval must be whole minutes, got 90s',
    ],
    [
      {
        channels: { s: { type: 'slack', webhookUrl: { env: 'SLACK_URL' } } },
        checks: [{ id: 'a', type: 'tcp', host: 'h', port: 1 }],
      },
      'channels.s.webhookUrl: { env: SLACK_URL } is for local runs; in the AWS stack use { secret: NAME } (Secrets Manager)',
    ],
    [
      { checks: [{ id: 'a', type: 'http', url: 'https://h/', headers: { 'x-api-key': 'inline-key' } }] },
      'checks[0].headers.x-api-key: an inline value would be bundled into Lambda code; use { secret: NAME } (Secrets Manager), or allow it with -c vigil:allowPlainSecrets=true',
    ],
    [
      {
        channels: { pd: { type: 'pagerduty', routingKey: 'inline-routing-key' } },
        checks: [{ id: 'a', type: 'tcp', host: 'h', port: 1 }],
      },
      'channels.pd.routingKey: an inline value would be bundled into Lambda code',
    ],
  ])('%j', (doc, problem) => {
    expect(() => synth(doc)).toThrow(problem);
  });
});

describe('VigilStack with heartbeat checks', () => {
  const withHeartbeats = {
    channels: { 'ops-slack': { type: 'slack', webhookUrl: { secret: 'vigil/ops-slack' } } },
    checks: [
      { id: 'api', type: 'http', url: 'https://api.example.com/health', headers: { 'x-key': { secret: 'vigil/api-key' } } },
      {
        id: 'nightly-upload',
        type: 'heartbeat',
        cron: '0 2 * * *',
        grace: '30m',
        token: { secret: 'vigil/nightly-token' },
        dependsOn: ['api'],
      },
    ],
  };
  let beats: ReturnType<typeof synth>;
  beforeAll(() => {
    beats = synth(withHeartbeats);
  });

  it('serves the heartbeat API from a Function URL whose function checks the tokens, and outputs its address', () => {
    beats.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'BUFFERED' });
    const fn = beats.stack.vigil.heartbeats?.function.fn.node.defaultChild as { reservedConcurrentExecutions?: number };
    // Past 5 reports at once the URL itself answers 429: what a flood can cost is bounded.
    expect(fn.reservedConcurrentExecutions).toBe(5);
    const outputs = Object.entries(beats.template.findOutputs('*'));
    const url = outputs.find(([name]) => name.includes('HeartbeatUrl'))?.[1];
    expect(url?.Value).toEqual({ 'Fn::GetAtt': [expect.stringContaining('Heartbeat'), 'FunctionUrl'] });
    beats.template.resourceCountIs('AWS::CloudWatch::Alarm', stackAlarms(parseConfig(withHeartbeats)));
  });

  it('gives the endpoint only the item actions a report takes, on its checks’ keys only, and only the tokens', () => {
    const policies = Object.values(beats.template.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument);
    const endpoint = policies.filter((p) => JSON.stringify(p).includes('vigil/nightly-token'));
    expect(endpoint).toHaveLength(1);
    const statements = (endpoint[0]?.Statement ?? []) as { Action: string | string[]; Condition?: unknown }[];
    const onTable = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
    // Its own items (heartbeat, run, result, state, incident), and its parent's state and incident: nothing else.
    expect(onTable.map(({ Action, Condition }) => ({ Action, Condition }))).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CHECK#nightly-upload'] } },
      },
      {
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CHECK#api'] } },
      },
    ]);
    const text = JSON.stringify(endpoint[0]);
    expect(text).not.toContain('dynamodb:Query');
    expect(text).not.toContain('vigil/api-key');
    expect(text).not.toContain('sns:Publish');
    expect(text).toContain('{"StringEquals":{"cloudwatch:namespace":"Vigil"}}');
    const probe = JSON.stringify(policies.find((p) => JSON.stringify(p).includes('vigil/api-key')));
    expect(probe).not.toContain('vigil/nightly-token');
  });

  it('keeps the public endpoint’s platform logs at WARN and alarms to the health topic when it refuses reports (429)', () => {
    const endpoint = beats.stack.vigil.heartbeats?.function.fn.node.defaultChild as { loggingConfig?: unknown };
    expect(beats.stack.resolve(endpoint.loggingConfig)).toMatchObject({ logFormat: 'JSON', systemLogLevel: 'WARN' });
    const health = topicIdIn(beats.template, 'Vigil health');
    beats.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      AlarmActions: [{ Ref: health }],
      OKActions: [{ Ref: health }],
    });
  });

  it('tells each notifier the only alarms it may believe: every one of the stack’s own, through its health topic', () => {
    const health = topicIdIn(beats.template, 'Vigil health');
    const alarms = Object.keys(beats.template.findResources('AWS::CloudWatch::Alarm'));
    const [notifier] = Object.values(
      beats.template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { CHANNEL_NAME: 'ops-slack' } } },
      }),
    );
    const variables = notifier?.Properties.Environment.Variables;
    expect(variables.HEALTH_TOPIC_ARN).toEqual({ Ref: health });
    const listed = JSON.stringify(variables.HEALTH_ALARM_ARNS);
    expect(alarms).toHaveLength(stackAlarms(parseConfig(withHeartbeats)));
    for (const alarm of alarms) expect(listed).toContain(`{"Fn::GetAtt":["${alarm}","Arn"]}`);
  });

  it('draws a heartbeat’s run time and success rate where a probed check has latency', () => {
    const [dashboard] = Object.values(beats.template.findResources('AWS::CloudWatch::Dashboard'));
    const parts: unknown[] = dashboard?.Properties.DashboardBody['Fn::Join'][1];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REGION')).join(''));
    const titles = body.widgets.map((w: { properties: { title?: string } }) => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['nightly-upload: availability', 'nightly-upload: runs', 'api: latency (ms)']));
    expect(titles).not.toContain('nightly-upload: latency (ms)');
    const runs = JSON.stringify(
      body.widgets.find((w: { properties: { title?: string } }) => w.properties.title === 'nightly-upload: runs'),
    );
    expect(runs).toContain('"RunDuration","CheckId","nightly-upload"');
    expect(runs).toContain('100 * ok');
  });

  it('passes the AWS Solutions cdk-nag pack with only the acknowledged findings', () => {
    acknowledgeNagFindings(beats.stack.vigil);
    const report = new AwsSolutionsChecks(beats.app).validateScope(beats.stack);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`),
    ).toEqual([]);
  });

  it.each([
    [
      { env: 'NIGHTLY_TOKEN' },
      'checks[1].token: { env: NIGHTLY_TOKEN } is for local runs; in the AWS stack use { secret: NAME }',
    ],
    ['an-inline-token-of-some-length', 'checks[1].token: an inline value would be bundled into Lambda code'],
  ])('refuses a token %j it would have to bundle', (token, problem) => {
    const doc = { ...withHeartbeats, checks: [withHeartbeats.checks[0], { ...withHeartbeats.checks[1], token }] };
    expect(() => synth(doc)).toThrow(problem);
  });
});
