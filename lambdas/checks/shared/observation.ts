/**
 * What a probe saw, before any judgement (docs/architecture.md): the check types' probes make these and
 * their judges read them; nothing past judging sees one.
 */
import type { HeartbeatState } from '../../core/heartbeat.js';
import type { ProbeError, Timings } from '../../core/types.js';

export interface PeerCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** Subject alternative names, as "DNS:api.example.com" / "IP Address:10.0.0.1". */
  readonly altNames: readonly string[];
}

/** What a DNS query returned: the response code and the answers as text (MX as "10 mail.example.com"). */
export interface DnsAnswer {
  readonly rcode: string;
  readonly answers: readonly string[];
}

/** What a probe saw, before any judgement. `error` is set when the transport itself failed. */
export interface Observation {
  readonly startedAt: string;
  readonly timings: Timings;
  readonly error: ProbeError | null;
  readonly httpStatus: number | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | null;
  readonly certificate: PeerCertificate | null;
  readonly dns: DnsAnswer | null;
  /** Heartbeat checks: the runs reported so far. */
  readonly heartbeat: HeartbeatState | null;
}
