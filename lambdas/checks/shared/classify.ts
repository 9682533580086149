/** Maps what Node's sockets throw onto the ★ error kinds, with messages a human understands. */
import { VigilFault } from '../../core/errors.js';
import { isTlsErrorCode } from '../../core/tls-error-codes.js';
import type { ErrorKind, ProbeError } from '../../core/types.js';

/** How far a connection got before it failed: decides what a timeout or reset means. */
export type Phase = 'dns' | 'connect' | 'tls' | 'request' | 'body';

export function probeError(kind: ErrorKind, message: string): ProbeError {
  return { kind, message };
}

/** Errors of this process or machine, not of the target: the probe could not be made at all. */
const OWN_FAULTS: Readonly<Record<string, string>> = {
  EMFILE: 'too many open files in Vigil’s process (EMFILE)',
  ENFILE: 'too many open files on this machine (ENFILE)',
  ENOSPC: 'no space left on the device (ENOSPC)',
  ENOMEM: 'out of memory (ENOMEM)',
  ENOBUFS: 'out of network buffers (ENOBUFS)',
};

/** The probe errors that are Vigil's own: a probe sees them as an error event, the check type reads it as an observation. */
const ownFaults = new WeakMap<ProbeError, VigilFault>();

/** The fault of Vigil itself an error is, or null when it is the target's (or the network's). */
export function ownFault(error: unknown): VigilFault | null {
  if (error instanceof VigilFault) return error;
  const what = OWN_FAULTS[(error as NodeJS.ErrnoException | null)?.code ?? ''];
  return what ? new VigilFault(`probe not made: ${what}`) : null;
}

/** The fault of Vigil itself behind a probe's error, if that is what it was (classifyError made it). */
export function faultBehind(error: ProbeError | null): VigilFault | null {
  return (error && ownFaults.get(error)) ?? null;
}

export function classifyError(error: NodeJS.ErrnoException, phase: Phase, host: string): ProbeError {
  const fault = ownFault(error);
  if (fault) {
    // Still a ProbeError, so every probe reports it the way it reports any error; runCheck turns it back.
    const seen = probeError('internal', fault.message);
    ownFaults.set(seen, fault);
    return seen;
  }
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
