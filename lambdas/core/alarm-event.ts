/**
 * Vigil watching itself: a CloudWatch alarm notification (from the stack's health topic), or what the
 * local monitor sees go wrong with itself (lambdas/local/self-watch.ts), as an ★ alert event, so a broken
 * probe or a channel that cannot be reached reaches people by the same routes as an outage: `down` when
 * the trouble starts, `recovered` when it clears, one dedup key per alarm. Pure.
 */
import { dedupKey } from './alert-state.js';
import { REGIONAL_HEALTH } from './contracts.js';
import type { AlertEvent } from './types.js';

/** The check id Vigil's own alarms carry; no configured check can have it (ids are [a-z0-9-]). */
export const HEALTH_CHECK_ID = 'vigil-health';

/** The fields of CloudWatch's SNS alarm notification that Vigil reads. */
interface AlarmNotification {
  readonly AlarmName: string;
  readonly AlarmArn?: string;
  readonly AlarmDescription?: string | null;
  readonly NewStateValue: string;
  readonly NewStateReason?: string;
  readonly StateChangeTime?: string;
}

export function isAlarmNotification(message: unknown): message is AlarmNotification {
  const m = message as Partial<AlarmNotification> | null;
  return typeof m?.AlarmName === 'string' && typeof m.NewStateValue === 'string';
}

/**
 * Where Vigil's own alarms come from: its health topics (the stack's, and each location region's probe
 * stack's), and the ARNs of the alarms its stacks made.
 */
export interface HealthSource {
  readonly topicArns: readonly string[];
  readonly alarmArns: readonly string[];
}

/**
 * A stack's health source: its own topic and alarms, and (with locations) per location region that
 * region's health topic and per location its probe's alarms, in the home topic's partition and account.
 */
export function healthSourceOf(
  topicArn: string,
  alarmArns: readonly string[],
  stackName: string,
  locations: readonly { readonly name: string; readonly region: string }[],
): HealthSource {
  const [, partition, , , account] = topicArn.split(':');
  const arn = (service: string, region: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  return {
    topicArns: [topicArn, ...new Set(locations.map((l) => arn('sns', l.region, REGIONAL_HEALTH.topicName(stackName))))],
    alarmArns: [
      ...alarmArns,
      ...locations.flatMap((l) =>
        Object.values(REGIONAL_HEALTH.alarmNames(stackName, l.name)).map((name) => arn('cloudwatch', l.region, `alarm:${name}`)),
      ),
    ],
  };
}

/**
 * Whether an alarm notification is one of this stack's own. CloudWatch may publish to the health topic
 * for any alarm in the account that names it, so neither the topic nor the message's words are enough:
 * the alarm's ARN must be one the stacks made, arriving through one of their own topics.
 */
export function isOwnAlarm(alarm: AlarmNotification, topicArn: string | undefined, own: HealthSource): boolean {
  return (
    topicArn !== undefined &&
    own.topicArns.includes(topicArn) &&
    alarm.AlarmArn !== undefined &&
    own.alarmArns.includes(alarm.AlarmArn)
  );
}

/** The event for an alarm's change of state; null for INSUFFICIENT_DATA, which tells nobody anything. */
export function alarmEvent(alarm: AlarmNotification, stackName: string, received: Date): AlertEvent | null {
  const kind = alarm.NewStateValue === 'ALARM' ? 'down' : alarm.NewStateValue === 'OK' ? 'recovered' : null;
  if (!kind) return null;
  const changedAt = Date.parse(alarm.StateChangeTime ?? '');
  const what = alarm.AlarmDescription || alarm.AlarmName;
  return vigilItselfEvent({
    kind,
    key: alarm.AlarmName,
    note: kind === 'down' ? `${what} (${alarm.NewStateReason ?? 'alarm'})` : `cleared: ${what}`,
    stackName,
    at: new Date(Number.isNaN(changedAt) ? received.getTime() : changedAt),
    startedAt: null,
  });
}

/**
 * Vigil's own trouble, however it was seen (a CloudWatch alarm, the local monitor's watch on itself): a
 * critical `down` of "Vigil itself" while it lasts and a `recovered` with the same dedup key when it is over.
 */
export function vigilItselfEvent(fields: {
  readonly kind: 'down' | 'recovered';
  /** One incident per key: an alarm's name, or what the local monitor watches. */
  readonly key: string;
  readonly note: string;
  readonly stackName: string;
  readonly at: Date;
  /** When the trouble began, when known: a recovery then says how long it lasted. */
  readonly startedAt: Date | null;
}): AlertEvent {
  const key = dedupKey(fields.stackName, `${HEALTH_CHECK_ID}/${fields.key}`);
  const at = fields.at.toISOString();
  return {
    version: 1,
    // One change of one trouble: a redelivery of it (CloudWatch's, the local queue's) carries the same key, kind and time.
    eventId: `${key}#${fields.kind}#${at}`,
    kind: fields.kind,
    checkId: HEALTH_CHECK_ID,
    checkName: 'Vigil itself',
    severity: 'critical',
    dedupKey: key,
    incidentId: null,
    incidentStartedAt: fields.startedAt?.toISOString() ?? null,
    from: fields.kind === 'recovered' ? 'down' : null,
    note: fields.note,
    at,
    result: null,
    dashboardUrl: null,
    runbookUrl: null,
  };
}
