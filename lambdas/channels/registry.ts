/**
 * Every channel provider Vigil knows. Adding one touches its folder, one line here and the README's
 * channel table; the config schema, delivery, routing and the stack's secret grants read it from here.
 */
import type * as z from 'zod';
import { email } from './email/index.js';
import { pagerduty } from './pagerduty/index.js';
import { slack } from './slack/index.js';
import { webhook } from './webhook/index.js';

export const CHANNEL_TYPES = { slack, pagerduty, webhook, email } as const;

type Schema = (typeof CHANNEL_TYPES)[keyof typeof CHANNEL_TYPES]['schema'];
/** Each provider's schema, as the config's discriminated union takes them. */
export const channelSchemas = Object.values(CHANNEL_TYPES).map((c) => c.schema) as [Schema, ...Schema[]];

export type ChannelConfig = z.output<Schema>;
export type ChannelType = ChannelConfig['type'];
