/** What a tls check could see: a certificate with days to spare, one inside the warning or failing days, an expired one. */
import { probeError } from '../shared/classify.js';
import { type Examples, exampleCertificate, exampleTimings } from '../shared/example.js';
import type { TlsObservation } from './probe.js';
import type { TlsCheck } from './schema.js';

export const tlsExamples: Examples<TlsCheck, TlsObservation> = (check, status, now) => {
  const { certMinDaysRemaining: minDays, certWarnDaysRemaining: warnDays } = check.expect;
  const name = check.servername ?? check.host;
  const handshake = (days: number, error: ReturnType<typeof probeError> | null = null): TlsObservation => {
    const certificate = exampleCertificate(name, days, now);
    return {
      startedAt: now.toISOString(),
      timings: exampleTimings({ dns: true, connect: true, tls: true }),
      certificate,
      error: error ?? (days < 0 ? probeError('cert_expired', `certificate expired ${certificate.validTo.slice(0, 10)}`) : null),
    };
  };
  if (status === 'up') return [handshake(Math.max(minDays, warnDays) + 60)];
  if (status === 'degraded') return warnDays > minDays ? [handshake(warnDays - 1)] : [];
  // Below the days it asks for is what fails first; asking for none, the certificate expires.
  return [...(minDays > 0 ? [handshake(minDays - 1)] : []), handshake(-1)];
};
