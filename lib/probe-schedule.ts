import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type ISecurityGroup, SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Location } from '../lambdas/config/parse.js';
import { SERVICE_NAMES, STACK_ENV } from '../lambdas/core/contracts.js';
import type { ProbeEvent } from '../lambdas/probe/app.js';
import { AlarmedDeadLetterQueue } from './dead-letter-queue.js';
import { LAMBDA_MAX_MS, PROBE_HEADROOM_MS, type ScheduleGroup } from './stack-config.js';
import { type FunctionOptions, type IngestTargets, VigilFunction } from './vigil-function.js';

export interface ProbeScheduleProps extends IngestTargets, FunctionOptions {
  readonly configDocument: unknown;
  readonly groups: readonly ScheduleGroup[];
  readonly memoryMb: number;
  readonly secretNames: readonly string[];
  /** @default enough for every shard's invocations that may overlap, at least 10 */
  readonly reservedConcurrency?: number;
  /** The location this probe is: its results carry its name; with a VPC it runs inside it. @default none */
  readonly location?: Location;
  /** Where the secrets it reads are (a location's probe: the home region). @default its own region */
  readonly secretRegion?: string;
  /** Its log group's name, for a dashboard in another region to query. @default CloudFormation's */
  readonly logGroupName?: string;
  /** Names its alarms' notifications are trusted by, in another region. @default CloudFormation's */
  readonly alarmNames?: { readonly failedRuns: string; readonly stopped: string };
}

/** CloudWatch evaluates an alarm over at most a day. */
const HEARTBEAT_MAX_MINUTES = 24 * 60;

/** Invocations that may run at once: each shard's, as many as its slowest run spans schedule periods. */
function overlappingInvocations(groups: readonly ScheduleGroup[]): number {
  const spans = groups.map((g) =>
    Math.ceil(Math.min(LAMBDA_MAX_MS, g.maxDurationMs + PROBE_HEADROOM_MS) / (g.rateMinutes * 60_000)),
  );
  return Math.max(
    10,
    spans.reduce((sum, n) => sum + n, 0),
  );
}

/** The probe Lambda and one EventBridge rule per interval group, failed invocations kept in a DLQ. */
export class ProbeSchedule extends Construct {
  readonly function: VigilFunction;
  readonly deadLetterQueue: Queue;
  /** Fires when a probe run failed (its event is in the dead-letter queue). */
  readonly failedRuns: Alarm;
  /** Fires when probes stopped running: no invocation for twice the longest schedule (at least 5 minutes). */
  readonly heartbeat: Alarm;
  readonly rules: readonly Rule[];
  /** A probe inside a VPC: its own security group, egress only (it answers nothing, it only asks). */
  readonly securityGroup: ISecurityGroup | undefined;

  constructor(scope: Construct, id: string, props: ProbeScheduleProps) {
    super(scope, id);
    const longest = Math.max(...props.groups.map((g) => g.maxDurationMs));
    const timeout = Duration.seconds(Math.ceil(Math.min(LAMBDA_MAX_MS, longest + PROBE_HEADROOM_MS) / 1000));
    const deadLetters = new AlarmedDeadLetterQueue(this, 'DeadLetters', {
      alarmDescription: 'A Vigil probe invocation failed; the schedule event is in the probe dead-letter queue',
      ...(props.alarmNames ? { alarmName: props.alarmNames.failedRuns } : {}),
    });
    this.deadLetterQueue = deadLetters.queue;
    this.failedRuns = deadLetters.alarm;
    const inVpc = props.location?.vpc;
    const vpc = inVpc
      ? Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: inVpc.vpcId, availabilityZones: inVpc.subnetIds.map((_, i) => `az${i}`) })
      : undefined;
    this.securityGroup = vpc
      ? new SecurityGroup(this, 'Egress', {
          vpc,
          allowAllOutbound: true,
          description: `Vigil probe of location ${props.location?.name}: egress only, no inbound rule`,
        })
      : undefined;
    const network =
      vpc && inVpc && this.securityGroup
        ? {
            vpc,
            vpcSubnets: { subnets: inVpc.subnetIds.map((subnetId) => Subnet.fromSubnetId(this, subnetId, subnetId)) },
            securityGroups: [
              this.securityGroup,
              ...(inVpc.securityGroupIds ?? []).map((sg) => SecurityGroup.fromSecurityGroupId(this, sg, sg, { mutable: false })),
            ],
          }
        : {};
    this.function = new VigilFunction(this, 'Probe', {
      ...network,
      ...(props.secretRegion ? { secretRegion: props.secretRegion } : {}),
      ...(props.logGroupName ? { logGroupName: props.logGroupName } : {}),
      handler: 'probe',
      logRetention: props.logRetention,
      description: 'Vigil: probe scheduled checks, ingest their results, hand transitions to the dispatcher',
      configDocument: props.configDocument,
      secretNames: props.secretNames,
      timeout,
      memorySize: props.memoryMb,
      reservedConcurrentExecutions: props.reservedConcurrency ?? overlappingInvocations(props.groups),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.probe,
        ...(props.location ? { [STACK_ENV.location]: props.location.name } : {}),
      },
    });
    const fn = this.function.fn;
    // A run that throws goes to the queue at once: a late probe is worth less than the next scheduled one.
    fn.configureAsyncInvoke({ retryAttempts: 0, onFailure: new SqsDestination(this.deadLetterQueue) });
    const quietFor = Duration.minutes(
      Math.min(HEARTBEAT_MAX_MINUTES, Math.max(5, 2 * Math.max(...props.groups.map((g) => g.rateMinutes)))),
    );
    this.heartbeat = new Alarm(this, 'Heartbeat', {
      alarmDescription: `Vigil probes have stopped running: no probe invocation in ${quietFor.toHumanString()}`,
      ...(props.alarmNames ? { alarmName: props.alarmNames.stopped } : {}),
      metric: fn.metricInvocations({ period: quietFor, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No invocations means no data points: that is exactly what this alarm is for.
      treatMissingData: TreatMissingData.BREACHING,
    });
    // A cycle reads its states and silences with BatchGetItem and writes its results with BatchWriteItem
    // (lambdas/adapters/dynamodb.ts); without them every cycle's reads and writes are refused.
    this.function.feedsIngest(props, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
    ]);
    this.rules = props.groups.map((group) => {
      const event: ProbeEvent = {
        checkIds: group.checkIds,
        runs: group.runs,
        intervalMs: group.intervalMs,
        spreadMs: group.spreadMs,
      };
      // The first shard keeps the id a rule had before shards, so an update does not replace it.
      const part = group.shard === 0 ? '' : `Shard${group.shard + 1}`;
      const rule = new Rule(this, `Every${group.intervalMs / 1000}s${part}`, {
        description: `Vigil: checks every ${group.intervalMs / 1000}s${part ? ` (shard ${group.shard + 1})` : ''}`,
        schedule: Schedule.rate(Duration.minutes(group.rateMinutes)),
      });
      // No retries: a late probe is worth less than the next scheduled one.
      rule.addTarget(
        new LambdaFunction(fn, {
          event: RuleTargetInput.fromObject(event),
          retryAttempts: 0,
          deadLetterQueue: this.deadLetterQueue,
        }),
      );
      return rule;
    });
  }
}
