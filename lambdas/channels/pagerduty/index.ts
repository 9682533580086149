/**
 * PagerDuty Events API v2: `trigger` when an incident opens (a down, or an objective's fast burn),
 * `resolve` when it ends, one `dedup_key` for the whole incident (docs/architecture.md, "One outage,
 * one page"). Degradation is not a page and is left to chat channels.
 */
import type * as z from 'zod';
import { headline } from '../../core/format.js';
import { channelSchema, httpUrl, secretRef } from '../../core/schema-parts.js';
import type { AlertEvent } from '../../core/types.js';
import type { Channel } from '../channel.js';

const pagerdutySchema = channelSchema('pagerduty', 'critical', {
  /** An Events API v2 integration key. */
  routingKey: secretRef,
  /** @default https://events.pagerduty.com/v2/enqueue */
  eventsUrl: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
});
export type PagerDutyChannel = z.output<typeof pagerdutySchema>;

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
          const member = {
            ...event,
            // Each member's trigger is its own delivery: its id says which member it is.
            eventId: own ? event.eventId : `${event.eventId}/${m.checkId}`,
            checkId: m.checkId,
            checkName: m.checkName,
            incidentId: m.incidentId,
            group: null,
          };
          return trigger(own ? member : { ...member, result: null, note: m.message }, m.dedupKey);
        });
      }
      return [trigger(event, event.dedupKey)];
    // A fast burn that opened the incident (the slow one is a warning, left to chat by default).
    case 'burn':
      return [trigger(event, event.dedupKey)];
    case 'recovered':
      return event.from === 'down' || event.from === 'burn' ? [{ event_action: 'resolve', dedup_key: event.dedupKey }] : [];
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
        // The trigger's dedup_key is the incident's; this tells one delivery of an alert from another.
        eventId: event.eventId,
        error: event.result?.error ?? null,
        httpStatus: event.result?.httpStatus ?? null,
        timings: event.result?.timings ?? null,
        ...(event.result?.heartbeat ? { heartbeat: event.result.heartbeat } : {}),
      },
    },
    client: 'Vigil',
    ...(event.dashboardUrl ? { client_url: event.dashboardUrl } : {}),
    ...(links.length > 0 ? { links } : {}),
  };
}

export const pagerduty = {
  schema: pagerdutySchema,
  // Events API v2 takes 120 events a minute per integration key.
  minIntervalMs: 500,
  buildPayloads: (event) => buildPagerDutyEvents(event),
  toRequest: async (payload, config, resolveSecret) => ({
    url: config.eventsUrl,
    urlField: 'eventsUrl',
    body: JSON.stringify({ routing_key: await resolveSecret(config.routingKey), ...payload }),
    headers: {},
  }),
  // Events API v2: 429 (rate limited) and 5xx are to be retried; 400 is an invalid event and stays one.
  retryable: (status) => status === 429 || status >= 500,
  secretRefs: (config) => [['routingKey', config.routingKey]],
} satisfies Channel<PagerDutyChannel>;
