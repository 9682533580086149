/**
 * The data that flows through Vigil: an Observation (what a probe saw) is judged into a
 * CheckResult (★ contract, DESIGN.md), which the alert state machine turns into AlertEvents.
 */

/** ★ Error kinds: a down result always carries exactly one. Never rename these. */
export const ERROR_KINDS = [
  'dns',
  'connect_refused',
  'connect_timeout',
  'timeout',
  'tls',
  'cert_expired',
  'reset',
  'protocol',
  'http_status',
  'assertion',
  'body_too_large',
  'redirect_limit',
  'unhealthy',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ProbeError {
  readonly kind: ErrorKind;
  readonly message: string;
}

export type CheckStatus = 'up' | 'degraded' | 'down';

/** Milliseconds per phase; `null` where a phase does not apply (no TLS on http, no DNS for an IP). */
export interface Timings {
  readonly dnsMs: number | null;
  readonly connectMs: number | null;
  readonly tlsMs: number | null;
  readonly ttfbMs: number | null;
  /** First response byte to last body byte (http), or to the banner (tcp). */
  readonly transferMs: number | null;
  readonly totalMs: number;
}

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
}

/** ★ One judged probe run, as printed by `vigil check --json` and stored in DynamoDB. */
export interface CheckResult {
  readonly checkId: string;
  readonly status: CheckStatus;
  readonly error: ProbeError | null;
  readonly httpStatus: number | null;
  readonly timings: Timings;
  readonly startedAt: string;
  /** Why a result is degraded (slow, health JSON says degraded); null otherwise. */
  readonly detail: string | null;
}

export type Severity = 'critical' | 'warning' | 'info';

export type AlertKind = 'down' | 'degraded' | 'recovered' | 'reminder' | 'flapping' | 'test';

/** One check's outage inside a grouped notification. */
export interface GroupMember {
  readonly checkId: string;
  readonly checkName: string;
  readonly dedupKey: string;
  readonly incidentId: string | null;
  readonly incidentStartedAt: string | null;
  readonly message: string | null;
}

/** ★ The SNS message body. Bump `version` on any breaking change. */
export interface AlertEvent {
  readonly version: 1;
  readonly kind: AlertKind;
  readonly checkId: string;
  readonly checkName: string;
  readonly severity: Severity;
  readonly dedupKey: string;
  readonly incidentId: string | null;
  /** When the incident began (first failing result); lets a resolve say how long it lasted. */
  readonly incidentStartedAt: string | null;
  /** For `recovered`: the confirmed status that ended (`down` or `degraded`). */
  readonly from: 'down' | 'degraded' | null;
  /** A human summary for kinds that need one (flapping, reminder). */
  readonly note: string | null;
  /** Set on a grouped `down`: every check of the group whose outage it reports, this one first. */
  readonly group?: { readonly name: string; readonly members: readonly GroupMember[] } | null;
  readonly at: string;
  readonly result: CheckResult | null;
  readonly dashboardUrl: string | null;
  readonly runbookUrl: string | null;
}
