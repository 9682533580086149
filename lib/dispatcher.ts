import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAMES, STACK_ENV } from '../lambdas/core/contracts.js';
import { AlarmedDeadLetterQueue } from './dead-letter-queue.js';
import { type FunctionOptions, VigilFunction } from './vigil-function.js';

export interface DispatcherProps extends FunctionOptions {
  readonly configDocument: unknown;
  readonly table: ITableV2;
  readonly topic: ITopic;
  /** A name other regions' probe stacks can send to (see ResultsTable). @default CloudFormation names it */
  readonly queueName?: string;
}

/** One dispatch takes a few reads, writes and publishes per check it names. */
const DISPATCH_TIMEOUT = Duration.seconds(60);
/** A message that failed this often is in the dead-letter queue, and its alarm fires. */
const MAX_RECEIVES = 10;

/**
 * The dispatcher (docs/architecture.md): a queue that ingest and the dispatcher itself send check ids to
 * (delayed until a group's deadline or a retry), and the function that drains it into the alert topic.
 * Two at most run at once (SQS's floor for an event source): outbox claims are conditional writes, so
 * concurrent dispatchers still publish each transition once.
 */
export class Dispatcher extends Construct {
  readonly queue: Queue;
  readonly function: VigilFunction;
  readonly deadLetterQueue: Queue;
  /** Fires when a dispatch message failed every receive. */
  readonly failedDispatches: Alarm;

  constructor(scope: Construct, id: string, props: DispatcherProps) {
    super(scope, id);
    const deadLetters = new AlarmedDeadLetterQueue(this, 'DeadLetters', {
      alarmDescription: 'Vigil could not dispatch alerts; the dispatch message is in the dispatcher dead-letter queue',
    });
    this.deadLetterQueue = deadLetters.queue;
    this.failedDispatches = deadLetters.alarm;
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for a Lambda event source: six times the function's timeout.
      visibilityTimeout: Duration.seconds(DISPATCH_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVES },
      ...(props.queueName ? { queueName: props.queueName } : {}),
    });
    this.function = new VigilFunction(this, 'Dispatch', {
      handler: 'dispatch',
      logRetention: props.logRetention,
      description: 'Vigil: send decided alert transitions (grouped when due) to the alert topic',
      configDocument: props.configDocument,
      secretNames: [],
      timeout: DISPATCH_TIMEOUT,
      reservedConcurrentExecutions: 2,
      environment: {
        [STACK_ENV.tableName]: props.table.tableName,
        [STACK_ENV.topicArn]: props.topic.topicArn,
        [STACK_ENV.dispatchQueueUrl]: this.queue.queueUrl,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.dispatch,
      },
    });
    const fn = this.function.fn;
    fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, maxConcurrency: 2 }));
    props.table.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
    props.topic.grantPublish(fn);
    // The dispatcher books its own next looks (group deadlines, retries) on the queue it drains.
    this.queue.grantSendMessages(fn);
  }
}
