/**
 * The data that flows through Vigil (docs/architecture.md): an Observation (what a probe saw) is
 * judged into a CheckResult (★ contract), which the alert state machine turns into AlertEvents (★
 * contract). The contracts are zod schemas: the types are derived from them and the notifier reads
 * events back with the same schema, so a field added here is neither forgotten nor dropped.
 */
import * as z from 'zod';

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
  // Heartbeat checks (lambdas/core/heartbeat.ts): no success within schedule + grace, a run reported
  // failed, a run over its maxRuntime, too few successful runs.
  'late',
  'job_failed',
  'max_runtime',
  'success_rate',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Lowest first: a channel's `minSeverity` takes its own and everything after it. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_KINDS = ['down', 'degraded', 'recovered', 'reminder', 'flapping', 'test', 'burn'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const CHECK_STATUSES = ['up', 'degraded', 'down'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

const probeError = z.object({ kind: z.enum(ERROR_KINDS), message: z.string() }).readonly();
export type ProbeError = z.output<typeof probeError>;

/** Milliseconds per phase; `null` where a phase does not apply (no TLS on http, no DNS for an IP). */
const timings = z
  .object({
    dnsMs: z.number().nullable(),
    connectMs: z.number().nullable(),
    tlsMs: z.number().nullable(),
    ttfbMs: z.number().nullable(),
    /** First response byte to last body byte (http), or to the banner (tcp). Absent in older events. */
    transferMs: z.number().nullable().default(null),
    totalMs: z.number(),
  })
  .readonly();
export type Timings = z.output<typeof timings>;

const heartbeatSummary = z
  .object({
    lastRun: z
      .object({
        rid: z.string().nullable(),
        startedAt: z.string().nullable(),
        endedAt: z.string(),
        ok: z.boolean(),
        exitCode: z.number().nullable(),
        durationMs: z.number().nullable(),
      })
      .readonly()
      .nullable(),
    running: z.object({ rid: z.string().nullable(), startedAt: z.string() }).readonly().nullable(),
    nextExpectedAt: z.string(),
    successRatePercent: z.number().nullable(),
    /** When Vigil first looked at the check, and the reports recorded when this was judged. */
    since: z.string(),
    reports: z.number(),
  })
  .readonly();

/** What one location saw in the window a combined result judges (lambdas/core/pipeline/combine.ts). */
const locationSeen = z
  .object({
    location: z.string(),
    status: z.enum(CHECK_STATUSES),
    error: probeError.nullable(),
    httpStatus: z.number().nullable(),
    totalMs: z.number(),
    startedAt: z.string(),
    /** It saw what the verdict says (down or degraded), and counted towards the quorum. */
    agreed: z.boolean(),
  })
  .readonly();
export type LocationSeen = z.output<typeof locationSeen>;

/** ★ One judged probe run, as printed by `vigil check --json` and stored in DynamoDB. */
export const checkResultSchema = z
  .object({
    checkId: z.string(),
    status: z.enum(CHECK_STATUSES),
    error: probeError.nullable(),
    httpStatus: z.number().nullable(),
    timings,
    startedAt: z.string(),
    /** Why a result is degraded (slow, health JSON says degraded); null otherwise. */
    detail: z.string().nullable().default(null),
    /**
     * The most this process's event loop ran late while the probe was in flight (ms): its timings may be
     * this much too long. Absent where nothing was timed (heartbeats) and in older results.
     */
    loopLagMs: z.number().optional(),
    /** Heartbeat checks only: the last run, the one in progress, when the next is due, the success rate. */
    heartbeat: heartbeatSummary.nullish(),
    /** The location that probed it (its origin); absent without configured locations. */
    location: z.string().optional(),
    /**
     * Set while the location's control probe fails: its results say nothing about the target and count in
     * no quorum. Why it failed.
     */
    locationFault: z.string().optional(),
    /**
     * A check probed from several locations is decided on one combined result per window: what each
     * location saw, and how many had to agree. Absent on what one location saw.
     */
    locations: z.array(locationSeen).readonly().optional(),
    quorum: z.number().int().optional(),
  })
  .readonly();
export type CheckResult = z.output<typeof checkResultSchema>;

/** One check's outage inside a grouped notification. */
const groupMember = z
  .object({
    checkId: z.string(),
    checkName: z.string(),
    dedupKey: z.string(),
    incidentId: z.string().nullable(),
    incidentStartedAt: z.string().nullable().default(null),
    message: z.string().nullable(),
  })
  .readonly();
export type GroupMember = z.output<typeof groupMember>;

/** An event's id; one decided before events carried ids gets one made of its key, kind and time. */
export function eventIdOf(event: {
  readonly eventId?: string;
  readonly dedupKey: string;
  readonly kind: string;
  readonly from?: string | null;
  readonly at: string;
}): string {
  return event.eventId || `${event.dedupKey}#${event.kind}#${event.from ?? ''}#${event.at}`;
}

/** ★ The SNS message body. Bump `version` on any breaking change; fields added later default for older events. */
export const alertEventSchema = z
  .object({
    version: z.literal(1),
    /**
     * Unique per event and the same on every delivery of it, so a receiver can drop a redelivery. Events
     * decided before it existed get one made of their key, kind and time.
     */
    eventId: z.string().min(1).max(256).optional(),
    kind: z.enum(ALERT_KINDS),
    checkId: z.string(),
    checkName: z.string(),
    severity: z.enum(SEVERITIES),
    dedupKey: z.string(),
    incidentId: z.string().nullable(),
    /** When the incident began (first failing result); lets a resolve say how long it lasted. */
    incidentStartedAt: z.string().nullable().default(null),
    /** For `recovered`: what ended (`down`, `degraded`, or a `burn` of an objective's budget). */
    from: z.enum(['down', 'degraded', 'burn']).nullable().default(null),
    /** For `burn` and its `recovered`: which objective (its index in the check's list) and alert (long window). */
    burn: z
      .object({
        objective: z.number().int().min(0),
        /** The alert, by its window for a 30-day objective (the SRE workbook's names). */
        window: z.enum(['1h', '6h', '3d']),
        /** The long window actually measured: the alert's window scaled to the objective's. Absent in older events. */
        longWindow: z.string().optional(),
        /** The objective as words, and the long window's burn rate against the alert's. */
        label: z.string(),
        rate: z.number(),
        threshold: z.number(),
      })
      .readonly()
      .nullish(),
    /** A human summary for kinds that need one (flapping, reminder). */
    note: z.string().nullable().default(null),
    /** Set on a grouped `down`: every check of the group whose outage it reports, this one first. */
    group: z
      .object({ name: z.string(), members: z.array(groupMember).readonly() })
      .readonly()
      .nullish(),
    at: z.string(),
    result: checkResultSchema.nullable(),
    dashboardUrl: z.string().nullable(),
    runbookUrl: z.string().nullable(),
  })
  .transform((event) => ({ ...event, eventId: eventIdOf(event) }))
  .readonly();
export type AlertEvent = z.output<typeof alertEventSchema>;
