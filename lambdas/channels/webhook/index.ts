/** Generic webhook: the ★ alert event as JSON, optionally signed with an HMAC of the exact body. */
import { createHmac } from 'node:crypto';
import type { z } from 'zod';
import { channelSchema, secretRef } from '../../core/schema-parts.js';
import type { Channel } from '../channel.js';

const webhookSchema = channelSchema('webhook', 'info', {
  url: secretRef,
  /** Signs each body: header `X-Vigil-Signature: sha256=<hex HMAC of the body>`. */
  hmacSecret: secretRef.optional(),
});
export type WebhookChannel = z.output<typeof webhookSchema>;

const SIGNATURE_HEADER = 'x-vigil-signature';

/** `sha256=<hex>` over the body bytes, as receivers recompute it. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const webhook = {
  schema: webhookSchema,
  minIntervalMs: 0,
  buildPayloads: (event) => [event],
  toRequest: async (payload, config, resolveSecret) => {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = config.hmacSecret
      ? { [SIGNATURE_HEADER]: signature(body, await resolveSecret(config.hmacSecret)) }
      : {};
    return { url: await resolveSecret(config.url), body, headers };
  },
  // A receiver may also say it timed out (408) or is not ready (425).
  retryable: (status) => status === 408 || status === 425 || status === 429 || status >= 500,
  secretRefs: (config) => [['url', config.url], ...(config.hmacSecret ? [['hmacSecret', config.hmacSecret] as const] : [])],
} satisfies Channel<WebhookChannel>;
