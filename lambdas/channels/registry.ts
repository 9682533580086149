import type { ChannelRegistry } from './channel.js';
import { email } from './email.js';
import { pagerduty } from './pagerduty.js';
import { slack } from './slack.js';
import { webhook } from './webhook.js';

/** Adding a provider to the config schema without one here is a compile error. */
export const registry = { slack, pagerduty, webhook, email } satisfies ChannelRegistry;
