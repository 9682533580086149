/**
 * Made-up observations for `vigil preview`. Each check type lists, for a status, observations a probe of
 * that check could make, most telling first; preview judges them with the type's own judge and shows the
 * first that judges to the status asked. So an example says what a real alert of that check would: its
 * thresholds, the error kind its expectations give.
 */
import { DAY_MS } from '../../core/duration.js';
import type { CheckStatus, Timings } from '../../core/types.js';
import type { Observation, PeerCertificate } from './observation.js';

/** Observations of a check that its judge may find `status`, most telling first; none when it cannot be. */
export type Examples<C, O extends Observation = Observation> = (check: C, status: CheckStatus, now: Date) => readonly O[];

/** A quick answer's timings, with the phases a probe has (and `totalMs` when given). */
export function exampleTimings(
  phases: { dns?: boolean; connect?: boolean; tls?: boolean; answer?: boolean },
  totalMs?: number,
): Timings {
  const dnsMs = phases.dns ? 1.2 : null;
  const connectMs = phases.connect ? 0.8 : null;
  const tlsMs = phases.tls ? 4.1 : null;
  const transferMs = phases.answer ? 0.6 : null;
  const before = (dnsMs ?? 0) + (connectMs ?? 0) + (tlsMs ?? 0) + (transferMs ?? 0);
  const total = totalMs ?? Math.round((before + (phases.answer ? 42.5 : 0)) * 10) / 10;
  const ttfbMs = phases.answer ? Math.round((total - before) * 10) / 10 : null;
  return { dnsMs, connectMs, tlsMs, ttfbMs, transferMs, totalMs: total };
}

/** A certificate for `host` with `days` whole days left at `now`. */
export function exampleCertificate(host: string, days: number, now: Date): PeerCertificate {
  return {
    subject: `CN=${host}`,
    issuer: 'CN=Example CA',
    validFrom: new Date(now.getTime() - 60 * DAY_MS).toISOString(),
    // Half a day more, so the whole days left are `days` however the clock falls.
    validTo: new Date(now.getTime() + days * DAY_MS + DAY_MS / 2).toISOString(),
    altNames: [`DNS:${host}`],
  };
}
