/**
 * What a channel provider is made of: its schema, its payloads (pure, secret-free: what `preview` and
 * tests see), the request with its secrets added at the last moment, its rate limit and which answers
 * are worth retrying. Each provider is a folder under lambdas/channels/ exporting one of these.
 */
import type * as z from 'zod';
import type { SecretResolver } from '../core/ports.js';
import type { SecretRef } from '../core/schema-parts.js';
import type { AlertEvent } from '../core/types.js';

/** One HTTP POST a channel wants made: the exact body bytes (a signature may cover them) and any extra headers. */
export interface ChannelRequest {
  readonly url: string;
  /** The channel's field the URL comes from, which messages name instead of quoting the URL. */
  readonly urlField: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Channel<C> {
  readonly schema: z.ZodType;
  /** Least time between two requests to one channel of this provider (its rate limit). */
  readonly minIntervalMs: number;
  /** The payloads for an event, in order; empty when this provider has nothing to say about it. */
  buildPayloads(event: AlertEvent, config: C): object[];
  toRequest(payload: object, config: C, resolveSecret: SecretResolver, now: Date): Promise<ChannelRequest>;
  /** Whether an HTTP answer other than 2xx is worth another attempt (the provider's documented rule). */
  retryable(status: number): boolean;
  /** Secret references the notifier resolves, by field: the stack grants exactly these. */
  secretRefs(config: C): readonly (readonly [field: string, ref: SecretRef])[];
}

/** Rate limits and server errors pass; any other 4xx is a request that will never be taken as it is. */
export const retryRateLimitAndServerErrors = (status: number): boolean => status === 429 || status >= 500;
