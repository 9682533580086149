import type { ChannelRegistry } from './channel.js';
import { pagerduty } from './pagerduty.js';
import { slack } from './slack.js';

/** Adding a provider to the config schema without one here is a compile error. */
export const registry = { slack, pagerduty } satisfies ChannelRegistry;
