/** Maps what Node's sockets throw onto the ★ error kinds, with messages a human understands. */
import type { ErrorKind, ProbeError } from '../../core/types.js';

/** How far a connection got before it failed: decides what a timeout or reset means. */
export type Phase = 'dns' | 'connect' | 'tls' | 'request' | 'body';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Whether a socket error code is a TLS failure (handshake, chain, name); CERT_HAS_EXPIRED is told apart. */
export function isTlsErrorCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

export function probeError(kind: ErrorKind, message: string): ProbeError {
  return { kind, message };
}

export function classifyError(error: NodeJS.ErrnoException, phase: Phase, host: string): ProbeError {
  const code = error.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'ENODATA') {
    return probeError('dns', `cannot resolve ${host} (${code})`);
  }
  if (code === 'ECONNREFUSED') return probeError('connect_refused', `connection refused by ${host}`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return probeError('connect_timeout', `cannot connect to ${host} (${code})`);
  }
  if (code === 'CERT_HAS_EXPIRED') return probeError('cert_expired', 'certificate has expired');
  if (isTlsErrorCode(code) || phase === 'tls') {
    return probeError('tls', `TLS handshake with ${host} failed: ${openSslReason(error.message)}`);
  }
  if (code.startsWith('HPE_')) return probeError('protocol', `invalid HTTP response: ${error.message}`);
  if (code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up') {
    const where = phase === 'body' ? 'while reading the body' : 'before the response headers';
    return probeError('reset', `connection dropped ${where}`);
  }
  return probeError('internal', `unexpected ${code || error.name}: ${error.message}`);
}

/** The deadline passed: name the phase that was still running. */
export function deadlineError(phase: Phase, timeoutMs: number, host: string): ProbeError {
  const within = `within ${timeoutMs} ms`;
  switch (phase) {
    case 'dns':
      return probeError('dns', `DNS lookup of ${host} did not finish ${within}`);
    case 'connect':
      return probeError('connect_timeout', `TCP connect to ${host} did not finish ${within}`);
    case 'tls':
      return probeError('timeout', `TLS handshake with ${host} did not finish ${within}`);
    case 'request':
      return probeError('timeout', `no response headers ${within}`);
    case 'body':
      return probeError('timeout', `response body not complete ${within}`);
  }
}

/** Socket verification said no (we verify after the handshake so the certificate is in hand). */
export function certificateError(code: string, validTo: string | null, host: string): ProbeError {
  if (code === 'CERT_HAS_EXPIRED') {
    return probeError(
      'cert_expired',
      `certificate expired ${validTo ? new Date(validTo).toISOString().slice(0, 10) : ''}`.trim(),
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return probeError('tls', `certificate does not match host ${host}`);
  }
  if (code === 'CERT_NOT_YET_VALID') return probeError('tls', 'certificate is not yet valid');
  return probeError('tls', `untrusted certificate (${code})`);
}

/** OpenSSL messages carry a library trace; keep the reason ("wrong version number"). */
function openSslReason(message: string): string {
  return /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.split('\n')[0] ?? message;
}
