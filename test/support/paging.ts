/** What a test of paging through `vigil monitor` starts: a target, local Slack and PagerDuty receivers, the monitor. */
import { afterEach } from 'vitest';
import type { Receiver, Running } from './servers.js';
import type { SimMonitor } from './sim-monitor.js';

export interface PagingRig {
  target?: Running;
  slack?: Receiver;
  pagerduty?: Receiver;
  sim?: SimMonitor;
}

/** The parts a test fills in, every one closed after each test. */
export function pagingRig(): PagingRig {
  const rig: PagingRig = {};
  afterEach(async () => {
    await rig.sim?.close();
    await Promise.all([rig.target?.close(), rig.slack?.close(), rig.pagerduty?.close()]);
    rig.sim = rig.target = rig.slack = rig.pagerduty = undefined;
  });
  return rig;
}

/** The channels of a paging test: `chat` on Slack, `pager` on PagerDuty, at the rig's receivers. */
export const pagingChannels = (slack: Receiver, pagerduty: Receiver) => ({
  chat: { type: 'slack', webhookUrl: `${slack.url}/hook` },
  pager: { type: 'pagerduty', routingKey: 'key', eventsUrl: `${pagerduty.url}/v2/enqueue` },
});

/** "trigger <dedup key>" or "resolve <dedup key>" for each event PagerDuty received. */
export const pagerDutyActions = (pagerduty: Receiver | undefined) =>
  (pagerduty?.received ?? []).map((r) => {
    const body = r.body as { event_action: string; dedup_key: string };
    return `${body.event_action} ${body.dedup_key}`;
  });
