import { describe, expect, it } from 'vitest';
import { buildPagerDutyEvents } from '../../lambdas/channels/pagerduty/index.js';
import { CHANNEL_TYPES } from '../../lambdas/channels/registry.js';
import { buildSlackMessage } from '../../lambdas/channels/slack/index.js';
import { alertEvent, failingResult } from '../support/events.js';

const recovered = alertEvent({
  kind: 'recovered',
  from: 'down',
  at: '2026-11-22T10:04:12.000Z',
  result: { ...failingResult, status: 'up', error: null, httpStatus: 200 },
});

describe('Slack message', () => {
  it('carries the severity colour, the failing assertion, timings and links', () => {
    const message = buildSlackMessage(alertEvent()) as { text: string; attachments: { color: string; blocks: unknown[] }[] };
    expect(message.text).toBe('DOWN: Public API health: expected status 200, got 503');
    const [attachment] = message.attachments;
    expect(attachment?.color).toBe('#d62728');
    const text = JSON.stringify(attachment?.blocks);
    expect(text).toContain('expected status 200, got 503');
    expect(text).toContain('`http_status`');
    expect(text).toContain('dns 1.2 ms · connect 0.4 ms · tls 3.1 ms · ttfb 20.5 ms · transfer 0.3 ms · total 25 ms');
    // The event id, so a redelivered message can be told from a new alert.
    expect(text).toContain('event api@2026-11-22T10:00:00.500Z#4.0');
    expect(attachment?.blocks).toContainEqual({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Dashboard' }, url: 'https://dash.example/vigil' },
        { type: 'button', text: { type: 'plain_text', text: 'Runbook' }, url: 'https://runbooks.example/api' },
      ],
    });
  });

  it.each([
    [alertEvent({ severity: 'warning' }), '#ff9f1c'],
    [alertEvent({ severity: 'info' }), '#439fe0'],
    [recovered, '#2eb67d'],
  ])('colours %# by severity or recovery', (event, colour) => {
    expect((buildSlackMessage(event) as { attachments: { color: string }[] }).attachments[0]?.color).toBe(colour);
  });

  it('says how long a resolved outage lasted', () => {
    expect((buildSlackMessage(recovered) as { text: string }).text).toBe('RECOVERED: Public API health: back up after 6m 12s');
  });

  it('keeps what people copy (commands, host names, globs) and still neutralises formatting, mentions and links', () => {
    const output = [
      'pg_dump: connection to db_primary.internal failed; see /var/log/pg_*.log',
      '*bold* _italic_ ~struck~ and 2 * 3 * 4',
      '<!channel> <https://evil.example|Click> a & b',
      'run `pg_dump --clean` then ```rm -rf /```',
    ].join('\n');
    const message = buildSlackMessage(
      alertEvent({ result: { ...failingResult, error: { kind: 'job_failed', message: output } } }),
    ) as {
      text: string;
      attachments: { blocks: { text?: { text: string } }[] }[];
    };
    const section = message.attachments[0]?.blocks[0]?.text?.text ?? '';
    const z = '\u200b';
    const lines = section.split('\n').slice(1);
    expect(lines).toEqual([
      'pg_dump: connection to db_primary.internal failed; see /var/log/pg_*.log',
      `${z}*${z}bold${z}*${z} ${z}_${z}italic${z}_${z} ${z}~${z}struck${z}~${z} and 2 * 3 * 4`,
      '&lt;!channel&gt; &lt;https://evil.example|Click&gt; a &amp; b',
      `run ${z}\`${z}pg_dump --clean${z}\`${z} then ${z}\`${z}${z}\`${z}${z}\`${z}rm -rf /${z}\`${z}${z}\`${z}${z}\`${z}`,
    ]);
    // The headline (what notifications show) is escaped the same way.
    expect(message.text).toBe(`DOWN: Public API health: ${lines.join('\n')}`);
  });

  it('leaves a lone backtick and unpaired marks alone', () => {
    const message = buildSlackMessage(
      alertEvent({
        result: { ...failingResult, error: { kind: 'assertion', message: "body lacks `ok (got file_*.tar and ~user's *)" } },
      }),
    ) as { text: string };
    expect(message.text).toBe("DOWN: Public API health: body lacks `ok (got file_*.tar and ~user's *)");
  });

  it('leaves out link buttons when there are no links', () => {
    const message = buildSlackMessage(alertEvent({ dashboardUrl: null, runbookUrl: null }));
    expect(JSON.stringify(message)).not.toContain('"actions"');
  });
});

describe('PagerDuty events', () => {
  it('triggers on down with the stable dedup key and the mapped severity', () => {
    expect(buildPagerDutyEvents(alertEvent({ severity: 'warning' }))).toEqual([
      {
        event_action: 'trigger',
        dedup_key: 'vigil/prod/api',
        payload: {
          summary: 'DOWN: Public API health: expected status 200, got 503',
          source: 'vigil/prod',
          severity: 'warning',
          timestamp: '2026-11-22T10:00:00.500Z',
          component: 'api',
          class: 'http_status',
          custom_details: {
            check: 'Public API health',
            incidentId: 'api/2026-11-22T09:58:00.000Z',
            eventId: 'api@2026-11-22T10:00:00.500Z#4.0',
            error: failingResult.error,
            httpStatus: 503,
            timings: failingResult.timings,
          },
        },
        client: 'Vigil',
        client_url: 'https://dash.example/vigil',
        links: [
          { href: 'https://dash.example/vigil', text: 'Vigil dashboard' },
          { href: 'https://runbooks.example/api', text: 'Runbook' },
        ],
      },
    ]);
  });

  it('resolves on recovery from down with the same dedup key', () => {
    expect(buildPagerDutyEvents(recovered)).toEqual([{ event_action: 'resolve', dedup_key: 'vigil/prod/api' }]);
  });

  it('does not page for degradation or its recovery', () => {
    expect(buildPagerDutyEvents(alertEvent({ kind: 'degraded', severity: 'warning' }))).toEqual([]);
    expect(buildPagerDutyEvents({ ...recovered, from: 'degraded' })).toEqual([]);
  });

  it('sends a test as a trigger and resolve of its own key, so no incident stays open', () => {
    const events = buildPagerDutyEvents(alertEvent({ kind: 'test', result: null })) as {
      event_action: string;
      dedup_key: string;
    }[];
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(events[0]?.dedup_key).toBe(events[1]?.dedup_key);
    expect(events[0]?.dedup_key).not.toBe('vigil/prod/api');
  });

  it('keeps the summary within PagerDuty’s 1024 characters', () => {
    const long = alertEvent({ result: { ...failingResult, error: { kind: 'assertion', message: 'x'.repeat(5000) } } });
    const [trigger] = buildPagerDutyEvents(long) as { payload: { summary: string } }[];
    expect(trigger?.payload.summary).toHaveLength(1024);
  });
});

describe('grouped notifications', () => {
  const grouped = alertEvent({
    group: {
      name: 'web',
      members: [
        {
          checkId: 'api',
          checkName: 'Public API health',
          dedupKey: 'vigil/prod/api',
          incidentId: 'api/1',
          incidentStartedAt: '2026-11-22T09:58:00.000Z',
          message: 'expected status 200, got 503',
        },
        {
          checkId: 'www',
          checkName: 'Home page',
          dedupKey: 'vigil/prod/www',
          incidentId: 'www/1',
          incidentStartedAt: '2026-11-22T09:59:00.000Z',
          message: 'connection refused by 10.0.0.7',
        },
      ],
    },
  });

  it('lists every check in one Slack message', () => {
    const message = buildSlackMessage(grouped) as { text: string; attachments: { blocks: { text?: { text: string } }[] }[] };
    expect(message.text).toBe('DOWN: 2 checks in web: Public API health, Home page');
    expect(message.attachments[0]?.blocks[0]?.text?.text).toBe(
      '*DOWN* · *web*\n• Public API health: expected status 200, got 503\n• Home page: connection refused by 10.0.0.7',
    );
  });

  it('still triggers PagerDuty per check, so each outage resolves on its own', () => {
    const triggers = buildPagerDutyEvents(grouped) as { dedup_key: string; payload: { summary: string } }[];
    expect(triggers.map((t) => [t.dedup_key, t.payload.summary])).toEqual([
      ['vigil/prod/api', 'DOWN: Public API health: expected status 200, got 503'],
      ['vigil/prod/www', 'DOWN: Home page: connection refused by 10.0.0.7'],
    ]);
  });
});

describe('each provider’s retry rule', () => {
  it.each([
    [408, { slack: false, pagerduty: false, webhook: true }],
    [425, { slack: false, pagerduty: false, webhook: true }],
    [429, { slack: true, pagerduty: true, webhook: true }],
    [400, { slack: false, pagerduty: false, webhook: false }],
    [404, { slack: false, pagerduty: false, webhook: false }],
    [503, { slack: true, pagerduty: true, webhook: true }],
  ])('HTTP %i', (status, expected) => {
    expect({
      slack: CHANNEL_TYPES.slack.retryable(status),
      pagerduty: CHANNEL_TYPES.pagerduty.retryable(status),
      webhook: CHANNEL_TYPES.webhook.retryable(status),
    }).toEqual(expected);
  });
});
