import { createHash } from 'node:crypto';
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { type ITopic, SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAMES, STACK_ENV } from '../lambdas/core/contracts.js';
import { AlarmedDeadLetterQueue } from './dead-letter-queue.js';
import type { ChannelPlan } from './stack-config.js';
import { type FunctionOptions, VigilFunction } from './vigil-function.js';

export interface NotifierProps extends FunctionOptions {
  /** The config document for one channel's function: that channel's part only. */
  readonly documentFor: (channel: string) => unknown;
  readonly channels: readonly ChannelPlan[];
  readonly topic: ITopic;
  /** Vigil's own alarms: every channel takes them, whatever its routing. */
  readonly healthTopic: ITopic;
  /** For dedup keys, which the notifier rebuilds rather than trusting the message. */
  readonly stackName: string;
  /** Linked from alerts. */
  readonly dashboardUrl: string;
  /** Per channel function: caps concurrent deliveries, which keeps Slack near its 1 message/s. @default 1 */
  readonly reservedConcurrency?: number;
  /**
   * Names the functions by `notifierFunctionName`, which location regions' probe stacks can know: their
   * health topics invoke the functions. @default CloudFormation's names
   */
  readonly namedFor?: string;
}

/** A notifier function's name, the same in every stack that names it: short, whatever the stack and channel names. */
export function notifierFunctionName(stackName: string, channel: string): string {
  return `vigil-notify-${createHash('sha256').update(`${stackName}/${channel}`).digest('hex').slice(0, 16)}`;
}

/**
 * One subscription per channel, filtered by the channel's routing (severity, kinds, checks): a
 * notifier function for Slack, PagerDuty and webhooks, an SNS e-mail subscription for e-mail. Each
 * also takes the health topic, unfiltered: Vigil's own alarms reach every channel. A
 * delivery that still fails after the function's own retries and Lambda's lands, with its error,
 * in the dead-letter queue, and an alarm counts it.
 */
export class Notifier extends Construct {
  readonly functions: ReadonlyMap<string, VigilFunction>;
  readonly deadLetterQueue: Queue;
  readonly failedDeliveries: Alarm;

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    const deadLetters = new AlarmedDeadLetterQueue(this, 'DeadLetters', {
      alarmDescription: 'Vigil could not deliver an alert; the event and its error are in the notifier dead-letter queue',
    });
    this.deadLetterQueue = deadLetters.queue;
    this.failedDeliveries = deadLetters.alarm;
    const functions = new Map<string, VigilFunction>();
    for (const plan of props.channels) {
      const filterPolicy = Object.fromEntries(
        Object.entries(plan.filter).map(([attribute, values]) => [
          attribute,
          SubscriptionFilter.stringFilter({ allowlist: [...values] }),
        ]),
      );
      if (plan.channel.type === 'email') {
        props.topic.addSubscription(new EmailSubscription(plan.channel.address, { filterPolicy }));
        props.healthTopic.addSubscription(new EmailSubscription(plan.channel.address));
        continue;
      }
      const notifier = new VigilFunction(this, `Channel-${plan.name}`, {
        handler: 'notify',
        logRetention: props.logRetention,
        description: `Vigil: deliver alert events to ${plan.name} (${plan.channel.type})`,
        configDocument: props.documentFor(plan.name),
        secretNames: plan.secrets,
        // Four attempts with backoff, each bounded at 10 s, for each payload of an event.
        timeout: Duration.minutes(2),
        reservedConcurrentExecutions: props.reservedConcurrency ?? 1,
        ...(props.namedFor ? { functionName: notifierFunctionName(props.namedFor, plan.name) } : {}),
        environment: {
          POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.notify,
          [STACK_ENV.channelName]: plan.name,
          [STACK_ENV.stackName]: props.stackName,
          [STACK_ENV.dashboardUrl]: props.dashboardUrl,
        },
      });
      notifier.fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.deadLetterQueue) });
      props.topic.addSubscription(new LambdaSubscription(notifier.fn, { filterPolicy }));
      props.healthTopic.addSubscription(new LambdaSubscription(notifier.fn));
      functions.set(plan.name, notifier);
    }
    this.functions = functions;
  }

  /**
   * The alarms each function tells as "Vigil itself": only these, through `topic` (and the locations' probe
   * alarms through their regions' topics, which the functions name from the config: REGIONAL_HEALTH).
   * CloudWatch publishes to the health topic for any alarm in the account that names it, so the functions
   * check the ARN.
   */
  trustAlarms(topic: ITopic, alarms: readonly Alarm[]): void {
    for (const notifier of this.functions.values()) {
      notifier.fn.addEnvironment(STACK_ENV.healthTopicArn, topic.topicArn);
      notifier.fn.addEnvironment(STACK_ENV.healthAlarmArns, alarms.map((alarm) => alarm.alarmArn).join(','));
    }
  }

  /** Lets a health topic in another region invoke every function, as `principal` (SNS's, for that pair of regions). */
  invokableBy(topicArn: string, principal: string, id: string): void {
    for (const notifier of this.functions.values()) {
      notifier.fn.addPermission(id, { principal: new ServicePrincipal(principal), sourceArn: topicArn });
    }
  }
}
