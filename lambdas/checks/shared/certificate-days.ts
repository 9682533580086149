/** Judging a certificate's expiry, shared by the http and tls judges. Pure. */
import { DAY_MS } from '../../core/duration.js';
import type { PeerCertificate } from './observation.js';

export function daysLeft(certificate: PeerCertificate, now: Date): number {
  return Math.floor((Date.parse(certificate.validTo) - now.getTime()) / DAY_MS);
}

/** Why the certificate fails `minDays`, or null when it has enough left (or there is none to judge). */
export function certificateFailure(certificate: PeerCertificate | null, minDays: number | undefined, now: Date): string | null {
  if (minDays === undefined || !certificate) return null;
  const days = daysLeft(certificate, now);
  if (days >= minDays) return null;
  return `certificate expires in ${days} days (${certificate.validTo.slice(0, 10)}), below ${minDays}`;
}

/** "api.example.com (DNS:api.example.com) issued by R3, expires 2027-01-01 (40 days)" */
export function describeCertificate(certificate: PeerCertificate, now: Date): string {
  const names = certificate.altNames.length > 0 ? ` (${certificate.altNames.join(', ')})` : '';
  return `${certificate.subject}${names} issued by ${certificate.issuer}, expires ${certificate.validTo.slice(0, 10)} (${daysLeft(certificate, now)} days)`;
}
