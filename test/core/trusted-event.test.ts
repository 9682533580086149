import { describe, expect, it } from 'vitest';
import { buildPagerDutyEvents } from '../../lambdas/channels/pagerduty/index.js';
import { parseConfig } from '../../lambdas/config/parse.js';
import { trustedEvent } from '../../lambdas/core/trusted-event.js';
import { alertEvent } from '../support/events.js';

const config = parseConfig({
  checks: [{ id: 'api', type: 'http', url: 'https://api.example.com/', objectives: [{ availability: 99.9 }] }],
});
const context = { stackName: 'prod', dashboardUrl: null };
const burn = { objective: 0, window: '1h' as const, label: 'forged label', rate: 20, threshold: 14.4 };

describe('burn alerts as the notifier trusts them', () => {
  it('rebuilds the dedup key and label of a burn from the notifier’s own config', () => {
    const event = trustedEvent(
      { ...alertEvent({ checkId: 'api' }), kind: 'burn', dedupKey: 'vigil/prod/other', burn },
      config,
      context,
    );
    // A burn opens (or joins) the check's incident: it pages under the incident's key, and so ends.
    expect(event?.dedupKey).toBe('vigil/prod/api');
    expect(event?.burn?.label).toBe('availability 99.9% over 30d');
    expect(buildPagerDutyEvents(event as never)).toMatchObject([{ event_action: 'trigger', dedup_key: 'vigil/prod/api' }]);
    const ended = trustedEvent({ ...alertEvent({ checkId: 'api' }), kind: 'recovered', from: 'burn', burn }, config, context);
    expect(buildPagerDutyEvents(ended as never)).toEqual([{ event_action: 'resolve', dedup_key: 'vigil/prod/api' }]);
  });

  it('keeps the key of its own an older version paged a burn under, and no other', () => {
    const legacy = 'vigil/prod/api/burn/0/1h';
    const ended = trustedEvent(
      { ...alertEvent({ checkId: 'api' }), kind: 'recovered', from: 'burn', dedupKey: legacy, burn },
      config,
      context,
    );
    expect(buildPagerDutyEvents(ended as never)).toEqual([{ event_action: 'resolve', dedup_key: legacy }]);
    const forged = trustedEvent(
      { ...alertEvent({ checkId: 'api' }), kind: 'recovered', from: 'burn', dedupKey: 'vigil/prod/db/burn/0/1h', burn },
      config,
      context,
    );
    expect(forged?.dedupKey).toBe('vigil/prod/api');
  });

  it('refuses a burn of an objective the check does not have', () => {
    const event = { ...alertEvent({ checkId: 'api' }), kind: 'burn' as const, burn: { ...burn, objective: 3 } };
    expect(trustedEvent(event, config, context)).toBeNull();
  });
});
