import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SERVICE_NAMES, STACK_ENV } from '../lambdas/core/contracts.js';
import { MINUTE_MS } from '../lambdas/core/duration.js';
import { STATUS_PAGE_FILES } from '../lambdas/report/status-page-files.js';
import { type FunctionOptions, VigilFunction } from './vigil-function.js';

export interface StatusPagePublisherProps extends FunctionOptions {
  readonly configDocument: unknown;
  readonly table: ITableV2;
  /** Every alert republishes the page: a state change shows within seconds, not at the next schedule. */
  readonly alertTopic: ITopic;
  /** The schedule, from the config's `statusPage.every` (whole minutes). */
  readonly everyMs: number;
  /** @default RemovalPolicy.RETAIN: a page someone serves outlives the stack */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The status page in AWS (README "Status page"): the page `vigil status-page` draws, published to a private
 * bucket on every alert and on a schedule. Nothing here is public: the team serves the bucket through
 * CloudFront (origin access control) or its own hosting, which is also where viewers' requests are logged.
 */
export class StatusPagePublisher extends Construct {
  readonly bucket: Bucket;
  readonly function: VigilFunction;
  /** Invocations that failed, timed out or ran out of memory (which log no error line of their own). */
  readonly failed: Alarm;

  constructor(scope: Construct, id: string, props: StatusPagePublisherProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Pages', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.function = new VigilFunction(this, 'Publisher', {
      handler: 'status-page',
      logRetention: props.logRetention,
      description: 'Vigil: draw the status page of the public checks and put it in its bucket',
      configDocument: props.configDocument,
      secretNames: [],
      memorySize: 512,
      timeout: Duration.seconds(60),
      // One page at a time: a burst of alerts queues invocations (Lambda retries throttled async ones) instead
      // of drawing the same page side by side.
      reservedConcurrentExecutions: 1,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.statusPage,
        [STACK_ENV.tableName]: props.table.tableName,
        [STACK_ENV.statusPageBucket]: this.bucket.bucketName,
      },
    });
    const fn = this.function.fn;
    // It reads results, incidents and states (Query, GetItem), and writes the page's two objects, nothing else.
    props.table.grant(fn, 'dynamodb:Query', 'dynamodb:GetItem');
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: STATUS_PAGE_FILES.map((name) => this.bucket.arnForObjects(name)),
      }),
    );
    new Rule(this, 'Schedule', {
      description: 'Vigil: publish the status page',
      schedule: Schedule.rate(Duration.minutes(Math.max(1, Math.round(props.everyMs / MINUTE_MS)))),
    }).addTarget(new LambdaFunction(fn, { retryAttempts: 0 }));
    props.alertTopic.addSubscription(new LambdaSubscription(fn));
    this.failed = new Alarm(this, 'FailedAlarm', {
      alarmDescription:
        'Vigil could not publish the status page (failed, timed out or out of memory); it shows what it last published',
      metric: fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(15) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
