/**
 * E-mail goes out through an SNS e-mail subscription on the alert topic (created by the stack, with
 * the channel's routing as its filter policy), so there is nothing for the notifier to send.
 */
import type { ChannelConfig } from '../core/config.js';
import type { Channel } from './channel.js';

export const email: Channel<Extract<ChannelConfig, { type: 'email' }>> = {
  minIntervalMs: 0,
  buildPayloads: () => [],
  toRequest: async () => {
    throw new Error('e-mail is delivered by SNS, not by the notifier');
  },
};
