/**
 * E-mail goes out through an SNS e-mail subscription on the alert topic (created by the stack, with
 * the channel's routing as its filter policy), so there is nothing for the notifier to send.
 */
import * as z from 'zod';
import { channelSchema } from '../../core/schema-parts.js';
import type { Channel } from '../channel.js';

const emailSchema = channelSchema('email', 'info', {
  /** Delivered by an SNS e-mail subscription (AWS only; the address must confirm it). */
  address: z.email({ error: 'expected an e-mail address' }),
});
export type EmailChannel = z.output<typeof emailSchema>;

export const email = {
  schema: emailSchema,
  minIntervalMs: 0,
  buildPayloads: () => [],
  toRequest: async () => {
    throw new Error('e-mail is delivered by SNS, not by the notifier');
  },
  retryable: () => false,
  secretRefs: () => [],
} satisfies Channel<EmailChannel>;
