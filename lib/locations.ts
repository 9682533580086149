/**
 * Locations in AWS (docs/architecture.md, "Locations and quorum"): the home stack keeps the table, topics,
 * notifiers, dispatcher, dashboard and heartbeat API; each region of the config's locations gets a probe
 * stack with one probe function per location there, which writes straight into the home table and queue
 * (cross-region calls: the arithmetic and the failure modes are in docs/architecture.md), and whose own
 * alarms reach the home channels through a health topic of its region. A location in a VPC runs its probe
 * inside it, in a security group of its own that allows egress only.
 */
import { Annotations, ArnFormat, Aws, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Subscription, SubscriptionProtocol } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Config, Location } from '../lambdas/config/parse.js';
import { LOCATION_DIMENSION, METRIC_NAMESPACE, METRICS, REGIONAL_HEALTH } from '../lambdas/core/contracts.js';
import { UserError } from '../lambdas/core/errors.js';
import { probingLocations } from '../lambdas/core/locations.js';
import { consoleUrl } from './dashboard.js';
import { probeDocument } from './function-documents.js';
import { HealthTopic } from './health-topic.js';
import { acknowledgeFunctionsAndQueues, acknowledgeMetricsStatement } from './nag-suppressions.js';
import { notifierFunctionName } from './notifier.js';
import { ProbeSchedule } from './probe-schedule.js';
import type { ScheduleGroup } from './stack-config.js';
import type { Vigil } from './vigil.js';
import { VigilStack, type VigilStackProps } from './vigil-stack.js';

/** The shards with only the checks probed from `location`; null: the home stack's own (checks without locations). */
export function locationGroups(groups: readonly ScheduleGroup[], config: Config, location: string | null): ScheduleGroup[] {
  const ids = new Set(
    config.checks.filter((c) => (location === null ? c.locations.length === 0 : c.locations.includes(location))).map((c) => c.id),
  );
  return groups.map((g) => ({ ...g, checkIds: g.checkIds.filter((id) => ids.has(id)) })).filter((g) => g.checkIds.length > 0);
}

/** The log group of a location's probe: named, so the home dashboard can query it in the location's region. */
export const probeLogGroupName = (stackName: string, location: string) => `/vigil/${stackName}/probe-${location}`;

/** Regions of the aws partition enabled by default (launched before 2019-03-20); those launched since are opt-in. */
const ENABLED_BY_DEFAULT = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ap-northeast-2',
]);
/** Other partitions' regions (China, GovCloud, ISO) are each enabled in their own partition. */
const isOptIn = (region: string) => !ENABLED_BY_DEFAULT.has(region) && !/^(cn|us-gov|us-iso[a-z]*)-/.test(region);

/**
 * Who SNS in `topicRegion` invokes a function in `functionRegion` as: its own principal from an opt-in
 * region; null where SNS does not deliver to Lambda across the two (into an opt-in region from another).
 */
export function snsPrincipalFor(topicRegion: string, functionRegion: string): string | null {
  if (topicRegion === functionRegion) return 'sns.amazonaws.com';
  if (isOptIn(functionRegion)) return null;
  return isOptIn(topicRegion) ? `sns.${topicRegion}.amazonaws.com` : 'sns.amazonaws.com';
}

/**
 * The home side of each location region's health topic (`VigilProbeStack` below): the notifier
 * functions may be invoked by it, where SNS delivers between the two regions; where it does not, only
 * e-mail channels hear of that region's probe alarms, and synth says so.
 */
export function acceptRegionalHealth(home: Vigil, config: Config): void {
  const stack = Stack.of(home);
  const regions = new Set(probingLocations(config.locations, config.checks).map((l) => l.region));
  for (const region of regions) {
    const principal = snsPrincipalFor(region, stack.region);
    if (!principal) {
      Annotations.of(home).addWarningV2(
        'vigil:regionalHealth',
        `the probe alarms of ${region} reach only e-mail channels: SNS does not deliver from ${region} to Lambda in the opt-in region ${stack.region}`,
      );
      continue;
    }
    const topicArn = stack.formatArn({ service: 'sns', region, resource: REGIONAL_HEALTH.topicName(home.name) });
    home.notifier.invokableBy(topicArn, principal, `InvokedByHealth-${region}`);
  }
}

/** "eu-central" → "EuCentral": a location's part of construct ids. */
const idOf = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/**
 * Per location its checks probe from: an alarm when it has not reported (LocationUp, put by its probe each
 * cycle into the home region) for two of its longest intervals, or reported its control probe failing. It
 * goes to the health topic: a broken region is Vigil's trouble, never a page for its targets.
 */
export function locationAlarms(scope: Construct, config: Config): Alarm[] {
  return config.locations.flatMap((location) => {
    const checks = config.checks.filter((c) => c.locations.includes(location.name));
    if (checks.length === 0) return [];
    const longest = Math.max(...checks.map((c) => c.intervalMs));
    const period = Duration.minutes(Math.min(24 * 60, Math.max(2, Math.ceil((2 * longest) / 60_000))));
    return [
      new Alarm(scope, `Location${idOf(location.name)}`, {
        alarmDescription: `Vigil location ${location.name} (${location.region}) unavailable: no results in ${period.toHumanString()}, or its control probe fails; its results count in no quorum`,
        metric: new Metric({
          namespace: METRIC_NAMESPACE,
          metricName: METRICS.locationUp,
          dimensionsMap: { [LOCATION_DIMENSION]: location.name },
          statistic: 'Minimum',
          period,
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // A location that stopped puts nothing: that is what this alarm is for.
        treatMissingData: TreatMissingData.BREACHING,
      }),
    ];
  });
}

export interface VigilProbeStackProps extends StackProps {
  /** The home stack's Vigil: its table, queue and plan. */
  readonly home: Vigil;
  readonly config: Config;
  readonly configDocument: unknown;
  /** The locations of this stack's region. */
  readonly locations: readonly Location[];
}

/** One region's probes: a probe function per location there, writing into the home stack's table and queue. */
export class VigilProbeStack extends Stack {
  readonly probes: readonly ProbeSchedule[];

  constructor(scope: Construct, id: string, props: VigilProbeStackProps) {
    super(scope, id, props);
    const { home } = props;
    const homeStack = Stack.of(home);
    const homeRegion = homeStack.region;
    // Imported by ARN: the home names are literal (PhysicalName.GENERATE_IF_NEEDED), so no export crosses regions.
    const table = TableV2.fromTableArn(this, 'HomeTable', home.results.table.tableArn);
    const queueName = home.dispatcher.queue.queueName;
    const dispatchQueue = Queue.fromQueueAttributes(this, 'HomeDispatchQueue', {
      queueArn: home.dispatcher.queue.queueArn,
      queueName,
      // The partition's own suffix (amazonaws.com, amazonaws.com.cn): home and probe stacks share a partition.
      queueUrl: `https://sqs.${homeRegion}.${Aws.URL_SUFFIX}/${homeStack.account}/${queueName}`,
    });
    this.probes = props.locations.flatMap((location) => {
      const groups = locationGroups(home.plan.groups, props.config, location.name);
      if (groups.length === 0) return [];
      return [
        new ProbeSchedule(this, `Probes${idOf(location.name)}`, {
          configDocument: probeDocument(props.configDocument),
          groups,
          memoryMb: home.probeMemoryMb,
          secretNames: home.plan.probeSecrets,
          secretRegion: homeRegion,
          table,
          dispatchQueue,
          stackName: home.name,
          dashboardUrl: consoleUrl(home.dashboard.dashboard.dashboardName, homeRegion),
          homeRegion,
          location,
          logGroupName: probeLogGroupName(home.name, location.name),
          alarmNames: REGIONAL_HEALTH.alarmNames(home.name, location.name),
        }),
      ];
    });
    if (this.probes.length > 0) this.notifyHome(home, props.config);
    for (const probe of this.probes) acknowledgeMetricsStatement(probe.function.fn);
    acknowledgeFunctionsAndQueues(this);
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason: 'A probe in a VPC needs its network interfaces; the policy allows only that.',
    });
  }

  /**
   * Its probes' alarms notify a health topic here, which every home channel takes, as the home health
   * topic: the notifier functions across regions (named in the home stack, which allows this topic to
   * invoke them), e-mail channels by address.
   */
  private notifyHome(home: Vigil, config: Config): void {
    const region = this.region;
    const homeStack = Stack.of(home);
    const health = new HealthTopic(this, 'Health', { topicName: REGIONAL_HEALTH.topicName(home.name) });
    health.watch(...this.probes.flatMap((probe) => [probe.failedRuns, probe.heartbeat]));
    // By name, not by reference: beside the home stack a reference would be an export that holds the function.
    if (snsPrincipalFor(region, homeStack.region)) {
      for (const channel of home.notifier.functions.keys()) {
        new Subscription(this, `Health-${channel}`, {
          topic: health.topic,
          protocol: SubscriptionProtocol.LAMBDA,
          endpoint: this.formatArn({
            service: 'lambda',
            region: homeStack.region,
            resource: 'function',
            resourceName: notifierFunctionName(home.name, channel),
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        });
      }
    }
    for (const [name, channel] of Object.entries(config.channels)) {
      if (channel.type !== 'email') continue;
      new Subscription(this, `Health-${name}`, {
        topic: health.topic,
        protocol: SubscriptionProtocol.EMAIL,
        endpoint: channel.address,
      });
    }
  }
}

export interface VigilStacks {
  readonly home: VigilStack;
  /** Region → its probe stack. */
  readonly probes: ReadonlyMap<string, VigilProbeStack>;
}

/**
 * What `cdk deploy` makes of a config: without `locations` one stack, as ever; with them the home stack
 * (`id`, in the app's region) and `<id>-probes-<region>` for each region of the locations.
 */
export function vigilStacks(scope: Construct, id: string, props: VigilStackProps): VigilStacks {
  const home = new VigilStack(scope, id, props);
  const probes = new Map<string, VigilProbeStack>();
  if (props.config.locations.length === 0) return { home, probes };
  const region = home.region;
  if (!region || region.startsWith('${Token')) {
    throw new UserError(
      'locations: the home stack needs a region to write to from other regions (set CDK_DEFAULT_REGION, or env.region)',
    );
  }
  const regions = [...new Set(props.config.locations.map((l) => l.region))];
  for (const r of regions) {
    const stack = new VigilProbeStack(scope, `${id}-probes-${r}`, {
      env: { account: props.env?.account, region: r },
      description: `Vigil: probes of the locations in ${r}, writing to ${id} in ${region}`,
      home: home.vigil,
      config: props.config,
      configDocument: props.configDocument,
      locations: props.config.locations.filter((l) => l.region === r),
    });
    stack.addDependency(home);
    probes.set(r, stack);
  }
  return { home, probes };
}
