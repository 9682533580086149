/** Reading and judging a peer certificate after a handshake; shared by the http and tls probes. */
import type { TLSSocket, PeerCertificate as TlsPeerCertificate } from 'node:tls';
import type { ProbeError } from '../../core/types.js';
import { certificateError } from './classify.js';
import type { PeerCertificate } from './observation.js';

function describeCertificate(peer: TlsPeerCertificate | undefined): PeerCertificate | null {
  if (!peer?.valid_to) return null;
  const name = (field: string | string[] | undefined) => [field ?? ''].flat().join(', ');
  return {
    subject: name(peer.subject?.CN),
    issuer: name(peer.issuer?.CN ?? peer.issuer?.O),
    validFrom: new Date(peer.valid_from).toISOString(),
    validTo: new Date(peer.valid_to).toISOString(),
    altNames: peer.subjectaltname ? peer.subjectaltname.split(', ') : [],
  };
}

/**
 * Handshakes run with rejectUnauthorized off so the certificate can be reported on; this is the
 * verification Node would have done (chain and host name), or null when it passed or is skipped.
 */
export function verifyPeer(
  socket: TLSSocket,
  host: string,
  insecure: boolean,
): { certificate: PeerCertificate | null; error: ProbeError | null } {
  const certificate = describeCertificate(socket.getPeerCertificate());
  if (socket.authorized || insecure) return { certificate, error: null };
  return { certificate, error: certificateError(String(socket.authorizationError), certificate?.validTo ?? null, host) };
}
