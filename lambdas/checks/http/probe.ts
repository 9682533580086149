/**
 * HTTP(S) probe: follows redirects under one hard deadline (DNS of the first hop through the last
 * body byte of the final one). Each hop is an exchange (http-exchange.ts); timings are the final
 * hop's phases and the whole check's total.
 */

import type { ProbeError } from '../../core/types.js';
import { VERSION } from '../../core/version.js';
import { probeError } from '../shared/classify.js';
import { failedObservation, noTimings, type Probe, type ProbeContext, since } from '../shared/probe.js';
import { type Exchange, exchange, type HttpObservation } from './exchange.js';
import type { HttpCheck } from './schema.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export const probeHttp: Probe<HttpCheck, HttpObservation> = async (check, context) => {
  const startedAt = context.now().toISOString();
  const t0 = performance.now();
  let headers: Record<string, string>;
  try {
    const base = context.location ? locatedHeaders(context.location) : BASE_HEADERS;
    headers = needsSecrets(check) ? await requestHeaders(check, context, base) : base;
  } catch (error) {
    return failedObservation(startedAt, noTimings(since(t0)), probeError('internal', (error as Error).message));
  }
  let hop: Exchange = {
    url: new URL(check.url),
    method: check.method,
    headers,
    body: check.body,
    ca: check.tls?.ca,
    insecure: check.tls?.insecureSkipVerify ?? false,
    maxBodyBytes: check.maxBodyBytes,
    deadlineAt: t0 + check.timeoutMs,
    timeoutMs: check.timeoutMs,
  };
  const visited = [hop.url.href];
  let firstHopStarted: number | undefined;
  for (;;) {
    const { started, ...seen } = await exchange(hop);
    // The whole check, every hop, from the first request: secret lookups before it are not the target's time.
    firstHopStarted ??= started;
    const timings = { ...seen.timings, totalMs: since(firstHopStarted) };
    const location = seen.headers.location;
    if (seen.error || !check.followRedirects || !REDIRECTS.has(seen.httpStatus ?? 0) || !location) {
      return { ...seen, timings, startedAt };
    }
    const next = nextHop(hop, seen.httpStatus ?? 0, location, visited, check);
    if ('kind' in next) return { ...seen, timings, error: next, startedAt };
    hop = next;
    visited.push(hop.url.href);
  }
};

/** Every request says who sent it: Vigil, its version, and (with locations) the location, twice over. */
const BASE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'user-agent': `Vigil/${VERSION} (+synthetic monitoring)`,
  'accept-encoding': 'gzip, deflate, br',
  // The server then frames the body (length or chunks) and the probe ends at its last byte; with
  // `close` a server may instead mark the end by closing, and the probe would time its FIN too.
  connection: 'keep-alive',
});

/** A location's headers, made once per location name. */
const LOCATED = new Map<string, Readonly<Record<string, string>>>();
function locatedHeaders(location: string): Readonly<Record<string, string>> {
  let headers = LOCATED.get(location);
  if (!headers) {
    headers = Object.freeze({ ...BASE_HEADERS, 'user-agent': `Vigil/${VERSION} (+${location})`, 'x-vigil-location': location });
    LOCATED.set(location, headers);
  }
  return headers;
}

/** Most checks set no header and no auth: they skip the lookups, and the promises they would cost. */
const needsSecrets = (check: HttpCheck) => check.auth !== undefined || Object.keys(check.headers).length > 0;

async function requestHeaders(
  check: HttpCheck,
  context: ProbeContext,
  base: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(check.headers).map(async ([name, ref]) => [name.toLowerCase(), await context.resolveSecret(ref)] as const),
  );
  const auth: Record<string, string> = check.auth ? { authorization: await authorization(check.auth, context) } : {};
  // The location is said whatever the config's headers say: a target or its logs may tell locations apart by it.
  const said = base['x-vigil-location'];
  const location: Record<string, string> = said ? { 'x-vigil-location': said } : {};
  return { ...base, ...auth, ...Object.fromEntries(entries), ...location };
}

async function authorization(auth: NonNullable<HttpCheck['auth']>, context: ProbeContext): Promise<string> {
  if ('bearer' in auth) return `Bearer ${await context.resolveSecret(auth.bearer)}`;
  const password = await context.resolveSecret(auth.basic.password);
  return `Basic ${Buffer.from(`${auth.basic.username}:${password}`).toString('base64')}`;
}

/** The request a redirect leads to, or why it must not be followed. */
function nextHop(
  hop: Exchange,
  status: number,
  location: string,
  visited: readonly string[],
  check: HttpCheck,
): Exchange | ProbeError {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    return probeError('protocol', `redirect to an invalid location "${location}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return probeError('protocol', `redirect to unsupported scheme ${url.protocol}`);
  if (visited.includes(url.href)) return probeError('redirect_limit', `redirect loop: ${[...visited, url.href].join(' → ')}`);
  if (visited.length > check.maxRedirects) {
    return probeError('redirect_limit', `more than ${check.maxRedirects} redirects (next: ${url.href})`);
  }
  if (hop.url.protocol === 'https:' && url.protocol === 'http:') {
    return probeError('redirect_limit', `redirect from https to http (${url.host}) refused: it would leave TLS`);
  }
  const crossHost = url.host !== hop.url.host;
  if (crossHost && !check.crossHostRedirects)
    return probeError('redirect_limit', `redirect to another host (${url.host}) is not allowed`);
  // Browsers' rules: 303 always, and 301/302 after a POST, continue as GET without a body.
  const asGet = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  // Configured headers and credentials stay with the origin (scheme, host and port) they were meant for.
  const sameOrigin = url.origin === hop.url.origin;
  // Any header the config sets may carry a secret (an API key, a cookie), and so may `auth`.
  const configured = new Set([...Object.keys(check.headers).map((name) => name.toLowerCase()), 'authorization']);
  const headers = sameOrigin
    ? hop.headers
    : Object.fromEntries(Object.entries(hop.headers).filter(([name]) => !configured.has(name)));
  return { ...hop, url, method: asGet ? 'GET' : hop.method, body: asGet ? undefined : hop.body, headers };
}
