import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config/parse.js';
import { snsPrincipalFor, vigilStacks } from '../../lib/locations.js';
import { acknowledgeNagFindings } from '../../lib/nag-suppressions.js';
import { notifierFunctionName } from '../../lib/notifier.js';
import { planStack, stackAlarms, stackCost } from '../../lib/stack-config.js';
import { cfnLint } from '../support/cfn-lint.js';

const VPC = { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'] };
const document = {
  channels: {
    pd: { type: 'pagerduty', routingKey: { secret: 'vigil/pd' } },
    mail: { type: 'email', address: 'ops@example.com' },
  },
  locations: [
    { name: 'eu', region: 'eu-west-1' },
    { name: 'us', region: 'us-east-1' },
    { name: 'ap', region: 'ap-southeast-2' },
    { name: 'eu-private', region: 'eu-west-1', vpc: { ...VPC, securityGroupIds: ['sg-0123456789abcdef0'] } },
  ],
  checks: [
    {
      id: 'api',
      type: 'http',
      url: 'https://api.example.com/health',
      headers: { authorization: { secret: 'vigil/api-token' } },
    },
    { id: 'db', type: 'tcp', host: '10.0.0.5', port: 5432, locations: ['eu-private'] },
    { id: 'nightly', type: 'heartbeat', every: '1d', token: { secret: 'vigil/nightly' } },
  ],
};

const outdir = mkdtempSync(join(tmpdir(), 'vigil-locations-'));

function synth() {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = vigilStacks(app, 'Vigil', {
    config: parseConfig(document),
    configDocument: document,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  acknowledgeNagFindings(stacks.home.vigil);
  return { app, ...stacks };
}

const { app, home, probes } = synth();
const homeTemplate = Template.fromStack(home);
const probeTemplate = (region: string) => Template.fromStack(probes.get(region) as never);

describe('locations in AWS', () => {
  it('makes a home stack and one probe stack per region, the probes in the regions of their locations', () => {
    expect([...probes.keys()].sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect([...probes.values()].map((s) => s.region).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    // eu-west-1 holds two locations: a public probe and one in the VPC.
    probeTemplate('eu-west-1').resourceCountIs('AWS::Lambda::Function', 2);
    probeTemplate('us-east-1').resourceCountIs('AWS::Lambda::Function', 1);
    probeTemplate('eu-west-1').hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ VIGIL_LOCATION: 'eu', HOME_REGION: 'us-east-1' }) },
    });
    // The home queue's address in the partition's own domain (amazonaws.com.cn in China), not a literal one.
    probeTemplate('eu-west-1').hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DISPATCH_QUEUE_URL: {
            'Fn::Join': [
              '',
              ['https://sqs.us-east-1.', { Ref: 'AWS::URLSuffix' }, Match.stringLikeRegexp('^/123456789012/vigil[a-z0-9]+$')],
            ],
          },
        }),
      },
    });
    // The home stack keeps the table, topics and notifiers, and probes only the heartbeat itself.
    homeTemplate.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    expect(home.vigil.plan.groups.flatMap((g) => g.checkIds).sort()).toEqual(['api', 'db', 'nightly']);
    homeTemplate.resourceCountIs('AWS::Events::Rule', 1);
    homeTemplate.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Input: Match.stringLikeRegexp('"checkIds":\\["nightly"\\]') })],
    });
    for (const stack of probes.values()) Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });

  it('runs the VPC location inside its subnets, in a security group of its own with egress only', () => {
    const eu = probeTemplate('eu-west-1');
    eu.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ VIGIL_LOCATION: 'eu-private' }) },
      VpcConfig: {
        SubnetIds: VPC.subnetIds,
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('EuPrivateEgress'), 'GroupId'] }, 'sg-0123456789abcdef0'],
      },
    });
    eu.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    eu.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: VPC.vpcId,
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
      SecurityGroupIngress: Match.absent(),
    });
    eu.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  it('lets each region’s probe write the home table and queue with only what ingest needs', () => {
    for (const region of probes.keys()) {
      const template = probeTemplate(region);
      const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
      const functions = Object.keys(template.findResources('AWS::Lambda::Function')).length;
      // The home table only (by its literal name from another region, by the home stack's export from its own);
      // the actions ingest takes and no other.
      const homeTable =
        /:dynamodb:us-east-1:123456789012:table\/[a-z0-9]+"\]\]\}$|^\{"Fn::ImportValue":"Vigil:ExportsOutputFnGetAttResultsTable[0-9A-F]+Arn[0-9A-F]+"\}$/;
      const onTable = statements.filter((s) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('dynamodb:')));
      expect(onTable).toHaveLength(functions);
      for (const statement of onTable) {
        expect(JSON.stringify(statement.Resource)).toMatch(homeTable);
        expect(statement.Action).toEqual([
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
        ]);
      }
      const sending = statements.filter((s) => ([] as string[]).concat(s.Action).includes('sqs:SendMessage'));
      expect(
        sending.filter((s) => /:sqs:us-east-1:123456789012:|ImportValue.*Dispatcher/.test(JSON.stringify(s.Resource))),
      ).toHaveLength(functions);
      // Secrets are read where they are kept: the home region.
      const secrets = statements.filter((s) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue'));
      expect(secrets).toHaveLength(functions);
      expect(JSON.stringify(secrets.map((s) => s.Resource))).toContain(
        ':secretsmanager:us-east-1:123456789012:secret:vigil/api-token',
      );
    }
  });

  it('alarms to the health topic for each location that stops reporting, and graphs latency per location', () => {
    for (const name of ['eu', 'us', 'ap', 'eu-private']) {
      homeTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'LocationUp',
        Dimensions: [{ Name: 'Location', Value: name }],
        Statistic: 'Minimum',
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('Health') }],
      });
    }
    const body = JSON.stringify(homeTemplate.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Latency from eu-private (eu-west-1)');
    expect(body).toContain('/vigil/Vigil/probe-ap');
    // Latency per location as the Latency metric counts it: no down run, none timed under heavy loop lag.
    expect(body).toMatch(/location = \W+eu\W+ and status != \W+down\W+ and \(not ispresent\(loopLagMs\) or loopLagMs < 10\)/);
    expect(body).toContain('\\"region\\":\\"ap-southeast-2\\"');
    probeTemplate('ap-southeast-2').hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/vigil/Vigil/probe-ap' });
  });

  it('tells the home channels of each region’s own probe alarms, through a health topic of that region', () => {
    const inPartition = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
    const fn = Object.values(homeTemplate.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Environment?.Variables?.CHANNEL_NAME === 'pd',
    );
    // Named alike in every stack: no stack holds another's function by an export (beside the home stack, a
    // reference would be one, and removing a channel would fail while a probe stack imports it).
    const functionName = notifierFunctionName('Vigil', 'pd');
    expect(fn?.Properties.FunctionName).toBe(functionName);
    expect(functionName).toMatch(/^vigil-notify-[0-9a-f]{16}$/);
    for (const region of ['eu-west-1', 'us-east-1', 'ap-southeast-2']) {
      const probe = probeTemplate(region);
      probe.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'Vigil-vigil-health', KmsMasterKeyId: Match.anyValue() });
      const [topic] = Object.keys(probe.findResources('AWS::SNS::Topic'));
      probe.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: { Ref: topic },
        Endpoint: inPartition(`:lambda:us-east-1:123456789012:function:${functionName}`),
      });
      probe.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
      // Both alarms of every probe here, named as the home notifiers trust them, notify it when they fire and clear.
      const alarms = Object.values(probe.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
      const here = document.locations.filter((l) => l.region === region).map((l) => l.name);
      expect(alarms.map((a) => a.AlarmName).sort()).toEqual(
        here.flatMap((name) => [`Vigil-vigil-probe-${name}-failed`, `Vigil-vigil-probe-${name}-stopped`]).sort(),
      );
      for (const alarm of alarms) {
        expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
        expect(alarm.OKActions).toEqual([{ Ref: topic }]);
      }
      homeTemplate.hasResourceProperties('AWS::Lambda::Permission', {
        Principal: 'sns.amazonaws.com',
        SourceArn: inPartition(`:sns:${region}:123456789012:Vigil-vigil-health`),
      });
    }
  });

  it('invokes the notifiers from an opt-in region as that region’s SNS, and says when SNS cannot deliver at all', () => {
    expect(snsPrincipalFor('eu-west-1', 'us-east-1')).toBe('sns.amazonaws.com');
    expect(snsPrincipalFor('af-south-1', 'us-east-1')).toBe('sns.af-south-1.amazonaws.com');
    expect(snsPrincipalFor('us-east-1', 'eu-south-1')).toBeNull();
    expect(snsPrincipalFor('af-south-1', 'eu-south-1')).toBeNull();
    expect(snsPrincipalFor('eu-south-1', 'eu-south-1')).toBe('sns.amazonaws.com');
    const stacksIn = (home: string, location: string) => {
      const doc = {
        channels: document.channels,
        locations: [{ name: 'far', region: location }],
        checks: [{ id: 'api', type: 'http', url: 'https://api.example.com/' }],
      };
      const scope = new App({ outdir: mkdtempSync(join(tmpdir(), 'vigil-opt-in-')), context: { 'aws:cdk:bundling-stacks': [] } });
      return vigilStacks(scope, 'Vigil', {
        config: parseConfig(doc),
        configDocument: doc,
        env: { account: '123456789012', region: home },
      });
    };
    const optInLocation = stacksIn('us-east-1', 'af-south-1');
    // Every check has a location: the home stack probes nothing, and has no probe alarms for vigil cost to count.
    const homeOnly = optInLocation.home.vigil.probeSchedule;
    expect(homeOnly).toBeUndefined();
    Template.fromStack(optInLocation.home).resourceCountIs(
      'AWS::CloudWatch::Alarm',
      stackAlarms(
        parseConfig({
          locations: [{ name: 'far', region: 'af-south-1' }],
          checks: [{ id: 'api', type: 'http', url: 'https://api.example.com/' }],
        }),
      ),
    );
    Template.fromStack(optInLocation.home).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'sns.af-south-1.amazonaws.com',
      SourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':sns:af-south-1:123456789012:Vigil-vigil-health'])] }),
    });
    const optInHome = stacksIn('eu-south-1', 'us-east-1');
    const probe = Template.fromStack(optInHome.probes.get('us-east-1') as never);
    expect(Object.values(probe.findResources('AWS::SNS::Subscription')).map((r) => r.Properties.Protocol)).toEqual(['email']);
    const warnings = Annotations.fromStack(optInHome.home).findWarning('*', Match.stringLikeRegexp('reach only e-mail channels'));
    expect(warnings).toHaveLength(1);
  });

  it('makes the alarms vigil cost counts: the home stack’s, and two of each location’s probe in its region', () => {
    const config = parseConfig(document);
    homeTemplate.resourceCountIs('AWS::CloudWatch::Alarm', stackAlarms(config));
    const inRegions = [...probes.values()].reduce(
      (n, stack) => n + Object.keys(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).length,
      0,
    );
    expect(inRegions).toBe(2 * document.locations.length);
    expect(stackCost(config).lines.find((l) => l.item === 'CloudWatch alarms')?.usage).toBe(
      `${stackAlarms(config) + inRegions} alarms`,
    );
  });

  it('passes the AWS Solutions cdk-nag pack in every stack', () => {
    const checks = new AwsSolutionsChecks(app);
    for (const stack of [home, ...probes.values()]) {
      const report = checks.validateScope(stack);
      expect(
        report.violations.map(
          (v) => `${stack.stackName} ${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`,
        ),
      ).toEqual([]);
    }
  });
});

describe('cfn-lint', () => {
  it('finds no error and no warning in the home stack and any region’s probe stack', async () => {
    app.synth();
    const files = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    expect(files.length).toBe(4);
    expect(await cfnLint(files.map((f) => join(outdir, f)))).toBe('');
  }, 120_000);
});

describe('a location’s control probe in the probe’s sizing', () => {
  it('adds the control probe’s timeout before each batch when a location has one', () => {
    const plan = (control?: string) =>
      planStack(
        parseConfig({
          locations: [
            { name: 'eu', region: 'eu-west-1', ...(control ? { control } : {}) },
            { name: 'us', region: 'us-east-1' },
          ],
          checks: [{ id: 'api', type: 'http', url: 'https://api.example.com/health', interval: '10s' }],
        }),
      ).groups;
    const [without] = plan();
    const [withControl] = plan('https://status.example.com/');
    // Six runs a minute, each waiting for the control probe first.
    expect((withControl?.maxDurationMs ?? 0) - (without?.maxDurationMs ?? 0)).toBe(6 * 5_000);
  });
});
