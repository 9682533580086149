/** Slack incoming webhooks: one message per transition, severity colour, reason, timings and links. */
import type * as z from 'zod';
import { explain, groupLines, headline, kindLabel, timingLine } from '../../core/format.js';
import { channelSchema, secretUrl } from '../../core/schema-parts.js';
import type { AlertEvent } from '../../core/types.js';
import { bounded, forSlack } from '../../core/untrusted.js';
import { type Channel, retryRateLimitAndServerErrors } from '../channel.js';

const slackSchema = channelSchema('slack', 'info', {
  /** An incoming-webhook URL: a secret (whoever has it can post). */
  webhookUrl: secretUrl,
});
export type SlackChannel = z.output<typeof slackSchema>;

const COLOURS = { critical: '#d62728', warning: '#ff9f1c', info: '#439fe0', recovered: '#2eb67d', test: '#8e8e8e' } as const;

function colour(event: AlertEvent): string {
  if (event.kind === 'recovered' || event.kind === 'test') return COLOURS[event.kind];
  return COLOURS[event.severity];
}

/** Slack's limits: a section's text, and the message's fallback text we keep well within its own. */
const MAX_SECTION_CHARS = 3000;
const MAX_TEXT_CHARS = 3000;

/** Target text escaped for mrkdwn and cut so the escaped text fits a Slack limit (the cut never splits an escape). */
function safe(text: string, max: number): string {
  let keep = max;
  let escaped = forSlack(bounded(text, keep));
  while (escaped.length > max && keep > 1) {
    keep = Math.max(1, keep - (escaped.length - max));
    escaped = forSlack(bounded(text, keep));
  }
  return escaped;
}

export function buildSlackMessage(event: AlertEvent): object {
  const result = event.result;
  const fields = [
    { type: 'mrkdwn', text: `*Check*\n\`${event.checkId}\`` },
    { type: 'mrkdwn', text: `*Severity*\n${event.severity}` },
    ...(result?.error ? [{ type: 'mrkdwn', text: `*Error*\n\`${result.error.kind}\`` }] : []),
    ...(result?.httpStatus ? [{ type: 'mrkdwn', text: `*HTTP status*\n${result.httpStatus}` }] : []),
  ];
  const links = [
    ...(event.dashboardUrl ? [{ type: 'button', text: { type: 'plain_text', text: 'Dashboard' }, url: event.dashboardUrl }] : []),
    ...(event.runbookUrl ? [{ type: 'button', text: { type: 'plain_text', text: 'Runbook' }, url: event.runbookUrl }] : []),
  ];
  const members = groupLines(event);
  const reason = members.length > 1 ? members.map((line) => `• ${line}`).join('\n') : explain(event);
  const title = `*${kindLabel(event)}* · *${forSlack(event.group && members.length > 1 ? event.group.name : event.checkName)}*`;
  return {
    text: safe(headline(event), MAX_TEXT_CHARS),
    attachments: [
      {
        color: colour(event),
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: reason ? `${title}\n${safe(reason, MAX_SECTION_CHARS - title.length - 1)}` : title,
            },
          },
          { type: 'section', fields },
          {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                // The event id tells a redelivered message from a new alert.
                text: [
                  ...(result ? [timingLine(result.timings), result.startedAt] : []),
                  `event ${forSlack(event.eventId)}`,
                ].join(' · '),
              },
            ],
          },
          ...(links.length > 0 ? [{ type: 'actions', elements: links }] : []),
        ],
      },
    ],
  };
}

export const slack = {
  schema: slackSchema,
  // Incoming webhooks take about one message per second.
  minIntervalMs: 1_000,
  buildPayloads: (event) => [buildSlackMessage(event)],
  toRequest: async (payload, config, resolveSecret) => ({
    url: await resolveSecret(config.webhookUrl),
    urlField: 'webhookUrl',
    body: JSON.stringify(payload),
    headers: {},
  }),
  // Slack answers 429 with Retry-After when rate limited; 4xx (invalid_payload, channel_not_found) never improve.
  retryable: retryRateLimitAndServerErrors,
  secretRefs: (config) => [['webhookUrl', config.webhookUrl]],
} satisfies Channel<SlackChannel>;
