/** TLS probe: handshake, chain and host name verification, and the certificate for its expiry. */
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import type { TlsCheck } from '../core/config.js';
import type { PeerCertificate, ProbeError } from '../core/types.js';
import { verifyPeer } from './certificate.js';
import { classifyError, deadlineError, type Phase } from './classify.js';
import { observation, type Probe, since } from './probe.js';

export const probeTls: Probe<TlsCheck> = (check, context) => {
  const startedAt = context.now().toISOString();
  const t0 = performance.now();
  const servername = check.servername ?? check.host;
  let phase: Phase = isIP(check.host) ? 'connect' : 'dns';
  const marks: { dns?: number; connect?: number; tls?: number } = {};
  let certificate: PeerCertificate | null = null;

  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({
      host: check.host,
      port: check.port,
      ...(isIP(servername) ? {} : { servername }),
      ...(check.ca ? { ca: check.ca } : {}),
      rejectUnauthorized: false,
    });
    const finish = (error: ProbeError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve(
        observation(startedAt, {
          timings: {
            dnsMs: marks.dns === undefined ? null : since(t0, marks.dns),
            connectMs: marks.connect === undefined ? null : since(marks.dns ?? t0, marks.connect),
            tlsMs: marks.tls === undefined || marks.connect === undefined ? null : since(marks.connect, marks.tls),
            ttfbMs: null,
            transferMs: null,
            totalMs: since(t0),
          },
          error,
          certificate,
        }),
      );
    };
    const deadline = setTimeout(() => finish(deadlineError(phase, check.timeoutMs, check.host)), check.timeoutMs);
    socket.once('lookup', (error) => {
      if (error) return;
      marks.dns = performance.now();
      phase = 'connect';
    });
    socket.once('connect', () => {
      marks.connect = performance.now();
      phase = 'tls';
    });
    socket.once('secureConnect', () => {
      marks.tls = performance.now();
      const verified = verifyPeer(socket, servername, false);
      certificate = verified.certificate;
      finish(verified.error);
    });
    socket.once('error', (error) => finish(classifyError(error, phase, check.host)));
  });
};
