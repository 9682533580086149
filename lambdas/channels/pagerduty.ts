/**
 * PagerDuty Events API v2: `trigger` on down, `resolve` on recovery from down, one `dedup_key`
 * per check for the whole incident. Degradation is not a page and is left to chat channels.
 */
import type { ChannelConfig } from '../core/config.js';
import { headline } from '../core/format.js';
import type { AlertEvent } from '../core/types.js';
import type { Channel } from './channel.js';

/** PagerDuty's limit on `payload.summary`. */
const MAX_SUMMARY = 1024;

export function buildPagerDutyEvents(event: AlertEvent): object[] {
  switch (event.kind) {
    case 'down':
    case 'reminder':
      // A grouped outage still triggers per check, so each resolves on its own; PagerDuty's alert
      // grouping folds them into one incident.
      if (event.group && event.group.members.length > 1) {
        return event.group.members.map((m) => {
          const own = m.checkId === event.checkId;
          const member = { ...event, checkId: m.checkId, checkName: m.checkName, incidentId: m.incidentId, group: null };
          return trigger(own ? member : { ...member, result: null, note: m.message }, m.dedupKey);
        });
      }
      return [trigger(event, event.dedupKey)];
    case 'recovered':
      return event.from === 'down' ? [{ event_action: 'resolve', dedup_key: event.dedupKey }] : [];
    case 'test': {
      // A test must not leave an open incident behind: trigger and resolve its own key.
      const key = `${event.dedupKey}/test/${event.at}`;
      return [trigger(event, key), { event_action: 'resolve', dedup_key: key }];
    }
    case 'degraded':
    case 'flapping':
      return [];
  }
}

function trigger(event: AlertEvent, dedupKey: string): object {
  const links = [
    ...(event.dashboardUrl ? [{ href: event.dashboardUrl, text: 'Vigil dashboard' }] : []),
    ...(event.runbookUrl ? [{ href: event.runbookUrl, text: 'Runbook' }] : []),
  ];
  return {
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: headline(event).slice(0, MAX_SUMMARY),
      source: event.dedupKey.split('/').slice(0, 2).join('/'),
      severity: event.severity,
      timestamp: event.at,
      component: event.checkId,
      class: event.result?.error?.kind ?? event.kind,
      custom_details: {
        check: event.checkName,
        incidentId: event.incidentId,
        error: event.result?.error ?? null,
        httpStatus: event.result?.httpStatus ?? null,
        timings: event.result?.timings ?? null,
      },
    },
    client: 'Vigil',
    ...(event.dashboardUrl ? { client_url: event.dashboardUrl } : {}),
    ...(links.length > 0 ? { links } : {}),
  };
}

export const pagerduty: Channel<Extract<ChannelConfig, { type: 'pagerduty' }>> = {
  // Events API v2 takes 120 events a minute per integration key.
  minIntervalMs: 500,
  buildPayloads: (event) => buildPagerDutyEvents(event),
  toRequest: async (payload, config, resolveSecret) => ({
    url: config.eventsUrl,
    body: JSON.stringify({ routing_key: await resolveSecret(config.routingKey), ...payload }),
    headers: {},
  }),
};
