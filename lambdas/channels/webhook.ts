/** Generic webhook: the ★ alert event as JSON, optionally signed with an HMAC of the exact body. */
import { createHmac } from 'node:crypto';
import type { ChannelConfig } from '../core/config.js';
import type { Channel } from './channel.js';

const SIGNATURE_HEADER = 'x-vigil-signature';

/** `sha256=<hex>` over the body bytes, as receivers recompute it. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const webhook: Channel<Extract<ChannelConfig, { type: 'webhook' }>> = {
  minIntervalMs: 0,
  buildPayloads: (event) => [event],
  toRequest: async (payload, config, resolveSecret) => {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = config.hmacSecret
      ? { [SIGNATURE_HEADER]: signature(body, await resolveSecret(config.hmacSecret)) }
      : {};
    return { url: await resolveSecret(config.url), body, headers };
  },
};
