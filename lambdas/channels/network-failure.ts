/**
 * What went wrong on the way to a channel, as a fixed description chosen by error code. The error's
 * own message is never used: fetch's and undici's messages may quote the URL or the host, and a
 * channel's URL may be its secret (a Slack webhook), so a message could carry it into logs, delivery
 * outcomes and the notifier's dead-letter queue.
 */
import { isTlsErrorCode } from '../core/tls-error-codes.js';

const BY_CODE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'DNS lookup failed',
  EAI_FAIL: 'DNS lookup failed',
  ENODATA: 'host name not found',
  ETIMEDOUT: 'connect timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection dropped',
  EPIPE: 'connection dropped',
  UND_ERR_SOCKET: 'connection dropped',
  UND_ERR_CLOSED: 'connection dropped',
  UND_ERR_HEADERS_TIMEOUT: 'timed out',
  UND_ERR_BODY_TIMEOUT: 'timed out',
  UND_ERR_HEADERS_OVERFLOW: 'invalid HTTP response',
  CERT_HAS_EXPIRED: 'TLS error: certificate expired',
};

/** An error code as Node and undici spell them; anything else is not shown. */
const CODE = /^[A-Z][A-Z0-9_]{1,47}$/;

/** `connection refused (ECONNREFUSED)`, `timed out`, `TLS error (…)`: never the error's message. */
export function networkFailure(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return 'request timed out';
  if (name === 'AbortError') return 'stopped';
  const code = errorCode(error);
  if (!code) return 'network error';
  const described =
    BY_CODE[code] ?? (isTlsErrorCode(code) ? 'TLS error' : code.startsWith('HPE_') ? 'invalid HTTP response' : 'network error');
  return `${described} (${code})`;
}

/** The first well-formed code on the error or its causes (fetch wraps the socket's error in `cause`). */
function errorCode(error: unknown): string | null {
  let at = error;
  for (let depth = 0; depth < 4 && at !== null && typeof at === 'object'; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && CODE.test(code)) return code;
    at = (at as { cause?: unknown }).cause;
  }
  return null;
}
