/** The edges of the pipeline (docs/architecture.md). AWS and local adapters implement these; the core never sees an SDK. */
import type { CheckState, Incident } from './check-state.js';
import type { HeartbeatState, Run } from './heartbeat.js';
import type { Silence } from './maintenance.js';
import type { Rollup } from './rollup.js';
import type { SecretRef } from './schema-parts.js';
import type { AlertEvent, CheckResult, ProbeError } from './types.js';

export interface IncidentRecord extends Incident {
  readonly checkId: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly cause: ProbeError | null;
  readonly firstFailure: CheckResult | null;
  /** Every alert published for the incident, and every one held back (with why). */
  readonly notifications: readonly NotificationEntry[];
}

export interface NotificationEntry {
  readonly kind: AlertEvent['kind'];
  readonly at: string;
  /** Set when the alert was suppressed instead of sent: the reason. */
  readonly heldBy?: string;
  /** Set when the alert was another check's: a dependent whose outage was folded into this incident. */
  readonly checkId?: string;
  /** Set when it went out as one notification for the outages of this group. */
  readonly group?: string;
  /** Set when a channel never took it: the channel, after every retry. */
  readonly undeliveredTo?: string;
}

/** What a decision reads about a check besides its result. */
export interface CheckSnapshot {
  readonly state: CheckState | null;
  /** The silence that lasts longest among those in force, or null. */
  readonly silence: Silence | null;
}

export interface ResultStore {
  putResult(result: CheckResult): Promise<void>;
  /** Many results in as few requests as the store allows; safe to repeat (same keys). */
  putResults(results: readonly CheckResult[]): Promise<void>;
  getState(checkId: string): Promise<CheckState | null>;
  /** State and silence of many checks in as few requests as the store allows (a cycle's reads at once). */
  readSnapshots(checkIds: readonly string[], now: Date): Promise<Map<string, CheckSnapshot>>;
  /** Writes `next` only if the stored version is still `next.version - 1`; false when another writer won. */
  putState(next: CheckState): Promise<boolean>;
  openIncident(incident: IncidentRecord): Promise<void>;
  closeIncident(checkId: string, incident: Incident, endedAt: string): Promise<void>;
  recordNotification(checkId: string, incidentStartedAt: string, entry: NotificationEntry): Promise<void>;
  /** Results at or after `since`, oldest first, skipping expired ones (dynalite has no TTL expiry). */
  listResults(checkId: string, since: Date, now: Date): Promise<CheckResult[]>;
  listIncidents(checkId: string): Promise<IncidentRecord[]>;
  /** Deletes results (and a heartbeat's runs) from before `before`; returns how many. DynamoDB's TTL does this in AWS; dynalite has none. */
  pruneResults(checkId: string, before: Date): Promise<number>;
  putSilence(silence: Silence): Promise<void>;
  /** The silence that lasts longest among those still in force, or null. */
  activeSilence(checkId: string, now: Date): Promise<Silence | null>;
  /** Silences still in force at `now`. */
  listSilences(checkId: string, now: Date): Promise<Silence[]>;
  /** Ends every silence of the check; returns how many were in force. */
  liftSilences(checkId: string, now: Date): Promise<number>;
}

/** A rollup's stretch: an hour, or a UTC day (docs/architecture.md, "The table"). */
export type RollupUnit = 'hour' | 'day';

/**
 * Where rollups of complete hours and days are kept (lambdas/core/pipeline/rollups.ts), beside the results
 * they sum up; what reports read instead of every result.
 */
export interface RollupStore {
  /** Writes (or writes again: same key, same content) rollups of one unit. */
  putRollups(checkId: string, unit: RollupUnit, rollups: readonly Rollup[]): Promise<void>;
  /** Rollups of the unit starting in [from, to), oldest first, skipping expired ones. */
  listRollups(checkId: string, unit: RollupUnit, from: Date, to: Date, now: Date): Promise<Rollup[]>;
  /** The newest rollup of the unit, or null. */
  newestRollup(checkId: string, unit: RollupUnit): Promise<Rollup | null>;
  /** When the check's oldest stored result started, or null with none. */
  oldestResultAt(checkId: string): Promise<string | null>;
  /** Results in [from, to), oldest first, skipping expired ones. */
  listResultsBetween(checkId: string, from: Date, to: Date, now: Date): Promise<CheckResult[]>;
  /** Deletes rollups past their keeping (DynamoDB's TTL does this in AWS); returns how many. */
  pruneRollups(checkId: string, now: Date): Promise<number>;
}

/** What a heartbeat check's scheduled look reads: its runs so far, created on the first look. */
export interface HeartbeatReader {
  readHeartbeat(checkId: string, now: Date): Promise<HeartbeatState>;
}

/** Where a heartbeat check's reported runs are kept (lambdas/core/heartbeat.ts). */
export interface HeartbeatStore extends HeartbeatReader {
  /** Writes `next` only if the stored version is still `next.version - 1`; false when another report won. */
  putHeartbeat(next: HeartbeatState): Promise<boolean>;
  /** A finished run, for reports; kept as long as results. */
  putRun(checkId: string, run: Run): Promise<void>;
  /** Runs that ended at or after `since`, oldest first. */
  listRuns(checkId: string, since: Date, now: Date): Promise<Run[]>;
}

export interface MetricsSink {
  put(results: readonly CheckResult[]): Promise<void>;
  /** A heartbeat's finished run: whether it succeeded and how long it took. */
  putRun(checkId: string, run: Run): Promise<void>;
  /** A location's cycle: whether its probes ran with its control probe answering (AWS pages Vigil itself on it). */
  putLocation?(location: string, up: boolean, at: Date): Promise<void>;
}

/**
 * How ingest tells the dispatcher that a check's outbox has something to send, and how the
 * dispatcher books its own next look (a group's deadline, a retry). Locally a timer in the runner;
 * in AWS a message on the dispatch queue, delayed until `at`.
 */
export interface DispatchQueue {
  request(checkIds: readonly string[], at: Date): Promise<void>;
}

export interface AlertPublisher {
  publish(event: AlertEvent): Promise<void>;
}

/** Time, injected so the runner and the tests agree on it. */
export interface Clock {
  /** Wall time: what results and events are stamped with. */
  now(): Date;
  /** Milliseconds that only move forward: intervals are kept on this, so a wall-clock step neither stalls nor rushes checks. */
  monotonicMs(): number;
}

/** Structured logging; Powertools Logger fits this shape. Attributes must never hold secrets. */
export interface Log {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** A secret's value from its reference (`{ secret }`, `{ env }` or plain); lambdas/adapters/secrets.ts builds one per invocation or CLI run. */
export type SecretResolver = (ref: SecretRef) => Promise<string>;
