import { Duration } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { VigilFunction } from './vigil-function.js';

export interface NotifierProps {
  readonly configDocument: unknown;
  readonly secretNames: readonly string[];
  readonly topic: ITopic;
  /** Caps concurrent deliveries, which keeps Slack near its 1 message/s. @default 2 */
  readonly reservedConcurrency?: number;
}

/**
 * Delivers alert events from the topic to Slack and PagerDuty. A delivery that still fails after
 * the Lambda's own retries lands, with its error, in the dead-letter queue.
 */
export class Notifier extends Construct {
  readonly function: VigilFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.function = new VigilFunction(this, 'Notify', {
      entry: 'lambdas/notify/handler.ts',
      description: 'Vigil: deliver alert events to Slack and PagerDuty',
      configDocument: props.configDocument,
      secretNames: props.secretNames,
      // Four attempts with backoff per channel, each bounded at 10 s.
      timeout: Duration.minutes(2),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 2,
      environment: { POWERTOOLS_SERVICE_NAME: 'vigil-notify' },
    });
    this.function.fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.deadLetterQueue) });
    props.topic.addSubscription(new LambdaSubscription(this.function.fn));
  }
}
