/** TLS probe: handshake, chain and host name verification, and the certificate for its expiry. */
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import type { ProbeError } from '../../core/types.js';
import { verifyPeer } from '../shared/certificate.js';
import { classifyError, deadlineError } from '../shared/classify.js';
import type { Observation, PeerCertificate } from '../shared/observation.js';
import { PhaseClock } from '../shared/phase-clock.js';
import type { Probe } from '../shared/probe.js';
import type { TlsCheck } from './schema.js';

/** What a tls check saw: the certificate the server presented, if the handshake got that far. */
export interface TlsObservation extends Observation {
  readonly certificate: PeerCertificate | null;
}

export const probeTls: Probe<TlsCheck, TlsObservation> = (check, context) => {
  const startedAt = context.now().toISOString();
  const servername = check.servername ?? check.host;
  const clock = new PhaseClock(check.host);
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
      resolve({ startedAt, timings: clock.timings(), error, certificate });
    };
    const deadline = setTimeout(() => finish(deadlineError(clock.phase, check.timeoutMs, check.host)), check.timeoutMs);
    clock.watch(socket, 'tls');
    socket.once('secureConnect', () => {
      clock.mark('tls');
      const verified = verifyPeer(socket, servername, false);
      certificate = verified.certificate;
      finish(verified.error);
    });
    socket.once('error', (error) => finish(classifyError(error, clock.phase, check.host)));
  });
};
