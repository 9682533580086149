/**
 * Generic webhook: the ★ alert event as JSON, its `eventId` also in `X-Vigil-Event-Id`, optionally signed. `X-Vigil-Signature` (an HMAC of the
 * body) stays for existing receivers; `X-Vigil-Signature-V2` covers `<X-Vigil-Timestamp>.<body>`, so a
 * receiver that refuses old timestamps (say, over 5 minutes) cannot be sent a captured request again.
 */
import { createHmac } from 'node:crypto';
import type * as z from 'zod';
import { channelSchema, secretRef, secretUrl } from '../../core/schema-parts.js';
import type { AlertEvent } from '../../core/types.js';
import type { Channel } from '../channel.js';

const webhookSchema = channelSchema('webhook', 'info', {
  url: secretUrl,
  /** Signs each request: `X-Vigil-Signature`, `X-Vigil-Timestamp` and `X-Vigil-Signature-V2` (see above). */
  hmacSecret: secretRef.optional(),
});
export type WebhookChannel = z.output<typeof webhookSchema>;

/** `sha256=<hex>` of an HMAC-SHA256 over `signed`, as receivers recompute it. */
export function signature(signed: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(signed).digest('hex')}`;
}

async function signatureHeaders(body: string, secret: string, now: Date): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'x-vigil-signature': signature(body, secret),
    'x-vigil-timestamp': timestamp,
    'x-vigil-signature-v2': signature(`${timestamp}.${body}`, secret),
  };
}

export const webhook = {
  schema: webhookSchema,
  minIntervalMs: 0,
  buildPayloads: (event) => [event],
  toRequest: async (payload, config, resolveSecret, now) => {
    const body = JSON.stringify(payload);
    // The id is in the body the signature covers too; the header lets a receiver drop a redelivery unread.
    const id = { 'x-vigil-event-id': (payload as AlertEvent).eventId };
    const signed = config.hmacSecret ? await signatureHeaders(body, await resolveSecret(config.hmacSecret), now) : {};
    return { url: await resolveSecret(config.url), urlField: 'url', body, headers: { ...id, ...signed } };
  },
  // A receiver may also say it timed out (408) or is not ready (425).
  retryable: (status) => status === 408 || status === 425 || status === 429 || status >= 500,
  secretRefs: (config) => [['url', config.url], ...(config.hmacSecret ? [['hmacSecret', config.hmacSecret] as const] : [])],
} satisfies Channel<WebhookChannel>;
