import { Annotations, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type FunctionUrl, FunctionUrlAuthType, InvokeMode, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Check } from '../lambdas/config/parse.js';
import { checkPartitionKey, SERVICE_NAMES } from '../lambdas/core/contracts.js';
import { type FunctionOptions, type IngestTargets, VigilFunction } from './vigil-function.js';

export interface HeartbeatEndpointProps extends IngestTargets, FunctionOptions {
  readonly configDocument: unknown;
  /** The validated checks: whose table items the endpoint may touch. */
  readonly checks: readonly Check[];
  /** Secrets Manager names of the heartbeat tokens. */
  readonly secretNames: readonly string[];
  /** Reports handled at once; past it the URL answers 429. @default 5 */
  readonly reservedConcurrency?: number;
}

/**
 * Partition keys an IAM condition may list before the role's policy grows past what IAM takes (10,240
 * characters for a role's inline policies; a key is up to 70, the role's other statements about 2,000).
 * Past it, the endpoint's table access is not narrowed by key, and synth says so.
 */
const MAX_LISTED_KEY_CHARS = 6_000;

/**
 * The heartbeat API in AWS (README "Heartbeats"): a Lambda Function URL rather than an HTTP API.
 * A URL costs nothing beyond the function's invocations (an HTTP API adds $1 per million requests and
 * a stage to configure); the token check is per check and lives in the function, so neither IAM auth
 * nor an authorizer would add to it; and a URL answers 429 by itself once the function's reserved
 * concurrency is taken, which bounds what a flood can cost. The function records a run in the table
 * and decides on it through ingest like a probed result; lateness is the probe schedule's (a
 * heartbeat check is in its shard like any other).
 */
export class HeartbeatEndpoint extends Construct {
  readonly function: VigilFunction;
  readonly url: FunctionUrl;
  /** Reports refused with 429 because 5 were already running: a flood, or more jobs at once than it takes. */
  readonly throttled: Alarm;

  constructor(scope: Construct, id: string, props: HeartbeatEndpointProps) {
    super(scope, id);
    this.function = new VigilFunction(this, 'Heartbeat', {
      handler: 'heartbeat',
      logRetention: props.logRetention,
      description: 'Vigil: record heartbeat reports (POST /ping/<check-id>) and decide on them',
      configDocument: props.configDocument,
      secretNames: props.secretNames,
      timeout: Duration.seconds(15),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      // A public URL: each request's START, END and REPORT lines would make a flood a log bill too.
      // Its own lines (INFO and up) stay: a refusal logs nothing, a recorded report little.
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.heartbeat },
    });
    const fn = this.function.fn;
    // Anyone may call it; each check's token is checked inside, before anything is written.
    this.url = fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    this.function.feedsIngest(props);
    for (const statement of tableAccess(this, props)) fn.addToRolePolicy(statement);
    this.throttled = new Alarm(this, 'ThrottledAlarm', {
      alarmDescription:
        'Vigil refused heartbeat reports with 429: more than 5 at once (a flood, or more jobs than the endpoint takes); vigil run retries them',
      metric: fn.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 10,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

/**
 * Exactly what a report takes, on exactly whose items: the heartbeat checks' own items (the heartbeat,
 * the run, the result, the state, an incident: Get, Put, Update) and their parents' (`dependsOn`: the
 * state read, and a held alert noted on the parent's incident: Get, Update). IAM can narrow by partition
 * key (`dynamodb:LeadingKeys`), not by sort key, so the key is the check (`CHECK#<id>`) and every item
 * of it is reachable.
 */
function tableAccess(scope: Construct, props: HeartbeatEndpointProps): PolicyStatement[] {
  const heartbeats = props.checks.filter((c) => c.type === 'heartbeat');
  const own = heartbeats.map((c) => checkPartitionKey(c.id));
  const parents = [...new Set(heartbeats.flatMap((c) => c.dependsOn))].map(checkPartitionKey);
  const statement = (actions: string[], keys: string[]) =>
    new PolicyStatement({
      actions,
      resources: [props.table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': keys } },
    });
  if ([...own, ...parents].join('').length > MAX_LISTED_KEY_CHARS) {
    // Too many to list: every check's items (all the table holds today), with the same actions.
    Annotations.of(scope).addWarningV2(
      'vigil:heartbeatKeys',
      "too many heartbeat checks to list their table keys in IAM: the heartbeat endpoint may touch any check's items",
    );
    return [
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [checkPartitionKey('*')] } },
      }),
    ];
  }
  return [
    statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], own),
    ...(parents.length > 0 ? [statement(['dynamodb:GetItem', 'dynamodb:UpdateItem'], parents)] : []),
  ];
}
