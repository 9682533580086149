import { describe, expect, it } from 'vitest';
import { buildPagerDutyEvents } from '../../lambdas/channels/pagerduty/index.js';
import { alarmEvent, HEALTH_CHECK_ID, isAlarmNotification } from '../../lambdas/core/alarm-event.js';
import { headline } from '../../lambdas/core/format.js';

const received = new Date('2026-11-23T10:00:05.000Z');
// As CloudWatch writes it: the time with "+0000", the description null when none was set.
const firing = {
  AlarmName: 'Vigil-ProbesDeadLetters-1A2B',
  AlarmDescription: 'A Vigil probe invocation failed; the schedule event is in the probe dead-letter queue',
  AWSAccountId: '123456789012',
  NewStateValue: 'ALARM',
  NewStateReason: 'Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0).',
  StateChangeTime: '2026-11-23T10:00:00.123+0000',
  OldStateValue: 'OK',
};

describe('alarmEvent', () => {
  it('tells of a firing alarm as a critical down of Vigil itself, with its description and reason', () => {
    const event = alarmEvent(firing, 'prod', received);
    expect(event).toMatchObject({
      kind: 'down',
      checkId: HEALTH_CHECK_ID,
      severity: 'critical',
      dedupKey: 'vigil/prod/vigil-health/Vigil-ProbesDeadLetters-1A2B',
      at: '2026-11-23T10:00:00.123Z',
      result: null,
    });
    expect(event && headline(event)).toBe(
      'DOWN: Vigil itself: A Vigil probe invocation failed; the schedule event is in the probe dead-letter queue (Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0).)',
    );
  });

  it('resolves the same PagerDuty incident when the alarm clears', () => {
    const down = alarmEvent(firing, 'prod', received);
    const cleared = alarmEvent({ ...firing, NewStateValue: 'OK' }, 'prod', received);
    expect(cleared).toMatchObject({ kind: 'recovered', from: 'down' });
    expect(down && buildPagerDutyEvents(down)).toMatchObject([{ event_action: 'trigger', dedup_key: down?.dedupKey }]);
    expect(cleared && buildPagerDutyEvents(cleared)).toEqual([{ event_action: 'resolve', dedup_key: down?.dedupKey }]);
  });

  it('names the alarm when it has no description, and uses the arrival time when the change time is unreadable', () => {
    const event = alarmEvent({ ...firing, AlarmDescription: null, StateChangeTime: 'soon' }, 'prod', received);
    expect(event?.note).toBe(`Vigil-ProbesDeadLetters-1A2B (${firing.NewStateReason})`);
    expect(event?.at).toBe(received.toISOString());
  });

  it('says nothing for INSUFFICIENT_DATA', () => {
    expect(alarmEvent({ ...firing, NewStateValue: 'INSUFFICIENT_DATA' }, 'prod', received)).toBeNull();
  });

  it('tells an alarm notification from an alert event', () => {
    expect(isAlarmNotification(firing)).toBe(true);
    expect(isAlarmNotification({ version: 1, kind: 'down', checkId: 'api' })).toBe(false);
    expect(isAlarmNotification(null)).toBe(false);
  });
});
