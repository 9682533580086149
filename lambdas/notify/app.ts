/**
 * The notifier Lambda's one job: each SNS record is an alert event (or one of Vigil's own alarms);
 * deliver it to this function's channel. The stack runs one function per channel, so a channel that
 * is down is retried (and dead-lettered) on its own, without repeating messages to the channels that
 * took them.
 */
import type { SNSEvent } from 'aws-lambda';
import type { DeliveryDeps, DeliveryOutcome } from '../channels/deliver.js';
import { channelsFor, notify } from '../channels/notify.js';
import type { Config } from '../config/parse.js';
import { alarmEvent, type HealthSource, isAlarmNotification, isOwnAlarm } from '../core/alarm-event.js';
import { parseAlertEvent } from '../core/alert-event.js';
import { DeliveryError } from '../core/errors.js';
import type { SecretResolver } from '../core/ports.js';
import { trustedEvent } from '../core/trusted-event.js';
import type { AlertEvent } from '../core/types.js';

export interface NotifierDeps extends Omit<DeliveryDeps, 'resolveSecret'> {
  readonly config: Config;
  /** The channel this function delivers to. */
  readonly channel: string;
  /** For dedup keys: rebuilt here, never taken from the message. */
  readonly stackName: string;
  /** The only alarms told as "Vigil itself": the stack's own, through its health topic. */
  readonly health: HealthSource;
  /** The dashboard alerts link to. @default none */
  readonly dashboardUrl?: string | null;
  readonly secretResolver: () => SecretResolver;
  readonly now: () => Date;
}

/**
 * An alert event from the alert topic, or one of Vigil's own alarms from the health topic; null when
 * there is nothing to tell (a state nobody needs, or an alarm that is not this stack's own, which is logged).
 */
function readMessage(body: string, topicArn: string | undefined, deps: NotifierDeps): AlertEvent | null {
  const message: unknown = JSON.parse(body);
  if (isAlarmNotification(message)) {
    if (isOwnAlarm(message, topicArn, deps.health)) return alarmEvent(message, deps.stackName, deps.now());
    deps.log.warn('alarm not from this stack; not notified', { channel: deps.channel });
    return null;
  }
  const event = trustedEvent(parseAlertEvent(message), deps.config, {
    stackName: deps.stackName,
    dashboardUrl: deps.dashboardUrl ?? null,
  });
  if (!event) throw new DeliveryError('alert event names no configured check; refused');
  return event;
}

/**
 * Throws when the channel could not be reached after its retries, so Lambda retries the record and
 * finally sends it to the DLQ with the error: an alert is never dropped silently.
 */
export function createNotifierApp(deps: NotifierDeps) {
  if (!deps.config.channels[deps.channel]) throw new Error(`channel "${deps.channel}" is not in the bundled config`);
  return async (event: SNSEvent): Promise<DeliveryOutcome[]> => {
    const deliveryDeps = { ...deps, resolveSecret: deps.secretResolver() };
    const outcomes: DeliveryOutcome[] = [];
    for (const record of event.Records) {
      const alert = readMessage(record.Sns.Message, record.Sns.TopicArn, deps);
      if (!alert) {
        deps.log.info('alarm state change not notified', { channel: deps.channel });
        continue;
      }
      // The subscription's filter policy routes already; this holds when the policy had to be looser.
      const wanted = channelsFor(alert, deps.config).includes(deps.channel);
      deps.log.info(wanted ? 'delivering alert' : 'alert not routed to this channel', {
        channel: deps.channel,
        checkId: alert.checkId,
        kind: alert.kind,
        incidentId: alert.incidentId,
      });
      if (wanted) outcomes.push(...(await notify(alert, deps.config, deliveryDeps, [deps.channel])));
    }
    const failed = outcomes.filter((o) => !o.delivered);
    if (failed.length > 0) {
      throw new DeliveryError(`not delivered to ${failed.map((o) => `${o.channel} (${o.error})`).join(', ')}`);
    }
    return outcomes;
  };
}
