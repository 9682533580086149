import type { SecretResolver } from '../adapters/secrets.js';
import type { ChannelConfig, ChannelType } from '../core/config.js';
import type { AlertEvent } from '../core/types.js';

/** One HTTP POST a channel wants made: the exact body bytes (a signature may cover them) and any extra headers. */
export interface ChannelRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * One per provider. `buildPayloads` is pure and secret-free (what `preview` and tests see);
 * `toRequest` adds the secret parts at the last moment.
 */
export interface Channel<C extends ChannelConfig = ChannelConfig> {
  /** Least time between two requests to one channel of this provider (its rate limit). */
  readonly minIntervalMs: number;
  /** The payloads for an event, in order; empty when this provider has nothing to say about it. */
  buildPayloads(event: AlertEvent, config: C): object[];
  toRequest(payload: object, config: C, resolveSecret: SecretResolver): Promise<ChannelRequest>;
}

export type ChannelRegistry = { readonly [T in ChannelType]: Channel<Extract<ChannelConfig, { type: T }>> };
