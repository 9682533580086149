/**
 * Delivery with retries: what the provider calls retryable (429 and 5xx at least), timeouts and
 * network errors are retried with exponential backoff and jitter, honouring Retry-After; anything
 * else fails at once. Logs and outcomes name the channel and say what failed in fixed words
 * (network-failure.ts), never the URL, the body or an error's own message (any may hold a secret).
 */

import { DeliveryError, SecretError } from '../core/errors.js';
import { plural } from '../core/format.js';
import type { Log, SecretResolver } from '../core/ports.js';
import { URL_CREDENTIALS_MESSAGE, urlProblem } from '../core/schema-parts.js';
import type { AlertEvent } from '../core/types.js';
import type { Channel, ChannelRequest } from './channel.js';
import { networkFailure } from './network-failure.js';
import type { Pacer } from './pacer.js';
import type { ChannelConfig } from './registry.js';
import { CHANNEL_TYPES } from './registry.js';

export interface RetryPolicy {
  /** Attempts in all, first included. @default 4 */
  readonly attempts: number;
  /** First backoff; doubles each retry. @default 500 ms */
  readonly baseDelayMs: number;
  /** Ceiling for one wait, Retry-After included. @default 30 s */
  readonly maxDelayMs: number;
  /** One request's deadline. @default 10 s */
  readonly requestTimeoutMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, requestTimeoutMs: 10_000 };

export interface DeliveryDeps {
  readonly fetch: typeof globalThis.fetch;
  readonly resolveSecret: SecretResolver;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: Log;
  readonly retry?: RetryPolicy;
  readonly random?: () => number;
  /** Aborted when the process stops: a delivery in flight gives up at once (it stays queued). @default never */
  readonly signal?: AbortSignal;
  /** What signatures are timestamped with. @default the system clock */
  readonly now?: () => Date;
  /** Spaces requests per channel by the provider's rate limit. @default none */
  readonly pacer?: Pacer;
}

export interface DeliveryOutcome {
  readonly channel: string;
  readonly delivered: boolean;
  /** HTTP requests made, retries included. */
  readonly attempts: number;
  readonly error: string | null;
  /** When it failed: how long the provider asked to be left alone (Retry-After), if it did. */
  readonly retryAfterMs?: number | null;
}

export async function deliver(
  event: AlertEvent,
  channel: string,
  config: ChannelConfig,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const provider = CHANNEL_TYPES[config.type] as Channel<ChannelConfig>;
  let attempts = 0;
  try {
    for (const payload of provider.buildPayloads(event, config)) {
      const request = await provider.toRequest(payload, config, deps.resolveSecret, deps.now?.() ?? new Date());
      attempts += await post(request, channel, deps, provider);
    }
    return { channel, delivered: true, attempts, error: null };
  } catch (error) {
    // Our own errors say what they mean in words of ours; anything else is named by its type only.
    const message =
      error instanceof DeliveryError || error instanceof SecretError
        ? error.message
        : `${channel}: the request could not be made (${(error as Error)?.name ?? 'error'})`;
    deps.log.error('notification not delivered', { channel, checkId: event.checkId, kind: event.kind, error: message });
    return {
      channel,
      delivered: false,
      attempts: attempts + (error instanceof DeliveryError ? error.attempts : 0),
      error: message,
      ...(error instanceof DeliveryError && error.retryAfterMs !== null ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
}

/** Posts until accepted; returns the number of attempts, or throws a DeliveryError that counts them. */
async function post(
  request: ChannelRequest,
  channel: string,
  deps: DeliveryDeps,
  provider: Channel<ChannelConfig>,
): Promise<number> {
  const policy = deps.retry ?? DEFAULT_RETRY;
  const random = deps.random ?? Math.random;
  // The URL may be a secret (a Slack webhook): a bad one is named by its channel and field, never
  // quoted. One resolved from `{ secret }` or `{ env }` is seen only here; a plain one at validation too.
  const problem = urlProblem(request.url);
  if (problem === 'credentials') {
    throw new DeliveryError(`channels.${channel}.${request.urlField}: ${URL_CREDENTIALS_MESSAGE}`, 0);
  }
  if (problem) throw new DeliveryError(`${channel}: its URL is not a valid http(s) URL`, 0);
  for (let attempt = 1; ; attempt++) {
    let retryAfterMs: number | null = null;
    let failure: string;
    await deps.pacer?.wait(channel, provider.minIntervalMs);
    if (deps.signal?.aborted) throw new DeliveryError(`${channel}: stopped before delivery`, attempt - 1);
    const deadline = requestDeadline(policy.requestTimeoutMs, deps.signal);
    try {
      const response = await deps.fetch(request.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...request.headers },
        body: request.body,
        // A redirect would re-post the routing key or a signed body to wherever it points, or turn
        // the POST into a GET that "succeeds": a provider that redirects has not taken the alert.
        redirect: 'manual',
        signal: deadline.signal,
      });
      await response.body?.cancel();
      if (response.ok) return attempt;
      if (response.status >= 300 && response.status < 400) {
        throw new DeliveryError(`${channel} answered HTTP ${response.status} (a redirect, not followed)`, attempt);
      }
      failure = `${channel} answered HTTP ${response.status}`;
      if (!provider.retryable(response.status)) throw new DeliveryError(failure, attempt);
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      failure = `${channel} unreachable: ${networkFailure(error)}`;
    } finally {
      deadline.clear();
    }
    if (attempt >= policy.attempts) {
      throw new DeliveryError(`${failure} (gave up after ${plural(attempt, 'attempt')})`, attempt, retryAfterMs);
    }
    const backoff = policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + random());
    const wait = Math.min(policy.maxDelayMs, Math.max(retryAfterMs ?? 0, backoff));
    deps.log.warn('notification failed; retrying', { channel, attempt, waitMs: Math.round(wait), reason: failure });
    await deps.sleep(wait);
  }
}

/**
 * Aborts a request at its timeout or when the process stops. Built by hand: a signal from
 * `AbortSignal.any([AbortSignal.timeout(…), …])` can be collected on Node 20 and then never fires.
 */
function requestDeadline(timeoutMs: number, stop: AbortSignal | undefined) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), timeoutMs);
  const onStop = () => controller.abort(new DOMException('stopping', 'AbortError'));
  stop?.addEventListener('abort', onStop, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    },
  };
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
