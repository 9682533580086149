/**
 * What a probe saw, before any judgement (docs/architecture.md). Every check type's observation has
 * these fields; what else it saw is the type's own (`HttpObservation`, `TlsObservation`, ...), made by its
 * probe and read only by its judge.
 */
import type { ProbeError, Timings } from '../../core/types.js';

export interface Observation {
  readonly startedAt: string;
  readonly timings: Timings;
  /** Set when the transport itself failed: the result is down with it, and the judge is not asked. */
  readonly error: ProbeError | null;
  /** The response's HTTP status, for a type that gets one: every result carries it (★ CheckResult `httpStatus`). */
  readonly httpStatus?: number | null;
}

/** A probe that failed before its type saw anything of its own (a refused connection, a secret not resolved). */
export interface FailedObservation extends Observation {
  readonly error: ProbeError;
}

/** A certificate as the http and tls probes saw it. */
export interface PeerCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** Subject alternative names, as "DNS:api.example.com" / "IP Address:10.0.0.1". */
  readonly altNames: readonly string[];
}
