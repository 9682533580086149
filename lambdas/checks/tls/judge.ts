import { daysLeft, describeCertificate } from '../shared/certificate-days.js';
import { degrade, fail, type Judge, pass } from '../shared/verdict.js';
import type { TlsObservation } from './probe.js';
import type { TlsCheck } from './schema.js';

/** Down below `certMinDaysRemaining`, degraded below `certWarnDaysRemaining`; the detail names the certificate. */
export const judgeTls: Judge<TlsCheck, TlsObservation> = (check, observation, now) => {
  const certificate = observation.certificate;
  if (!certificate) return fail('tls', 'no certificate presented');
  const summary = describeCertificate(certificate, now);
  const days = daysLeft(certificate, now);
  if (days < check.expect.certMinDaysRemaining) {
    return fail(
      'assertion',
      `certificate expires in ${days} days (${certificate.validTo.slice(0, 10)}), below ${check.expect.certMinDaysRemaining}`,
    );
  }
  if (days < check.expect.certWarnDaysRemaining)
    return degrade(`${summary}; below the warning threshold of ${check.expect.certWarnDaysRemaining} days`);
  return pass(summary);
};
