/**
 * The heartbeat API (★ README "Heartbeats"; docs/architecture.md), behind any HTTP front: the stack's
 * Function URL (lambdas/heartbeat) and `vigil monitor --listen` (lambdas/local/ping-server.ts) both
 * turn a request into a `PingRequest` and send back the `PingResponse`.
 *
 * POST /ping/<id>[/start|/fail|/<exit code>][?rid=<run id>][&duration=<ms>] with `Authorization: Bearer <token>`.
 * Every refusal is decided before anything is written, so a 4xx records nothing. A recorded report
 * becomes a result and goes through `ingest`, like a probed one: a failure is down at once.
 *
 * Which ids exist is told only to a caller with a valid token: the token is compared with every
 * heartbeat check's before the id is looked at, the same work whatever the id, so an unknown id
 * answers like a known one with the wrong token (401 without a token, 403 with a wrong one). A token
 * valid for some check may learn that an id is unknown (404): it belongs to a host that runs jobs.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  actionName,
  applyPing,
  MAX_PING_BODY_BYTES,
  MAX_REPORTED_DURATION_MS,
  PINGS_PER_MINUTE,
  type PingAction,
  RUN_ID,
} from '../../core/heartbeat.js';
import { type IngestDeps, type IngestOutcome, ingest } from '../../core/pipeline/ingest.js';
import { guarded } from '../../core/pipeline/outbox.js';
import type { HeartbeatStore, MetricsSink } from '../../core/ports.js';
import type { CheckBase, SecretRef } from '../../core/schema-parts.js';
import { judged } from '../shared/verdict.js';
import { judgeHeartbeat } from './judge.js';
import { observeHeartbeat } from './probe.js';
import type { HeartbeatCheck } from './schema.js';

export interface PingRequest {
  readonly method: string;
  /** The path without the query: `/ping/nightly-upload/start`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  /** The body as received, or `tooLarge` when the front stopped reading past MAX_PING_BODY_BYTES. */
  readonly body: Buffer | 'tooLarge';
}

export interface PingResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface PingDeps extends IngestDeps {
  readonly checks: readonly CheckBase[];
  readonly heartbeats: HeartbeatStore;
  readonly metrics: MetricsSink;
  readonly resolveSecret: (ref: SecretRef) => Promise<string>;
  readonly now: () => Date;
  /** Told of each recorded report's decision (the monitor prints state changes). */
  readonly onDecided?: (outcome: IngestOutcome) => void;
}

/** Writes lost to another report of the same check before this one gives up (503). */
const WRITE_ATTEMPTS = 5;
const PATH = /^\/ping\/([a-z0-9-]{1,64})(?:\/([^/]*))?\/?$/;

const refuse = (status: number, error: string, headers?: Record<string, string>): PingResponse => ({
  status,
  body: { ok: false, error },
  ...(headers ? { headers } : {}),
});

export async function receivePing(request: PingRequest, deps: PingDeps): Promise<PingResponse> {
  const match = PATH.exec(request.path);
  if (!match) return refuse(404, 'not found: POST /ping/<check-id>[/start|/fail|/<exit code>]');
  const [, checkId, actionText = ''] = match as unknown as [string, string, string | undefined];
  if (request.method !== 'POST') return refuse(405, 'use POST', { allow: 'POST' });
  const action = parseAction(actionText);
  if (!action) return refuse(404, `unknown report "${actionText.slice(0, 40)}": use start, fail or an exit code 0-255`);

  const presented = /^Bearer (\S+)$/i.exec(request.authorization?.trim() ?? '')?.[1];
  if (!presented)
    return refuse(401, 'missing bearer token: send Authorization: Bearer <token>', { 'www-authenticate': 'Bearer' });
  const { matching, unavailable } = await checksTakingToken(presented, deps);
  const check = deps.checks.find((c): c is CheckBase & HeartbeatCheck => c.id === checkId && c.type === 'heartbeat');
  if (!check || !matching.has(check.id)) {
    // A token could not be read, and none matched: the caller may hold that one (ours to fix, 503).
    if (matching.size === 0 && unavailable) {
      return refuse(503, 'the check token is not available; try again later', { 'retry-after': '30' });
    }
    if (check || matching.size === 0) return refuse(403, 'wrong token for this check');
    return refuse(404, `no heartbeat check "${checkId}"`);
  }

  const rid = request.query.get('rid');
  if (rid !== null && !RUN_ID.test(rid)) return refuse(400, 'rid: expected 1-64 characters A-Z a-z 0-9 . _ : -');
  if (request.body === 'tooLarge' || request.body.length > MAX_PING_BODY_BYTES) {
    return refuse(413, `body over ${MAX_PING_BODY_BYTES} bytes: send the tail of the output`);
  }
  const duration = request.query.get('duration');
  const durationMs = duration === null ? null : Number(duration);
  if (durationMs !== null && !(/^\d{1,10}$/.test(duration ?? '') && durationMs <= MAX_REPORTED_DURATION_MS)) {
    return refuse(400, 'duration: expected whole milliseconds, at most 30 days');
  }
  const ping = { action, rid, body: request.body.toString('utf8'), durationMs };

  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const now = deps.now();
    const prev = await deps.heartbeats.readHeartbeat(check.id, now);
    const outcome = applyPing(prev, ping, now);
    if (outcome.kind === 'duplicate') return { status: 200, body: { ok: true, duplicate: true } };
    if (outcome.kind === 'limited') {
      return refuse(429, `too many reports for this check: at most ${PINGS_PER_MINUTE} a minute`, {
        'retry-after': String(outcome.retryAfterS),
      });
    }
    if (!(await deps.heartbeats.putHeartbeat(outcome.next))) continue;
    const { run } = outcome;
    if (run) {
      await guarded(deps.log, 'run not stored', check.id, () => deps.heartbeats.putRun(check.id, run));
      await guarded(deps.log, 'run metrics not sent', check.id, () => deps.metrics.putRun(check.id, run));
    }
    // Recorded: what it means is decided now, and by every probe cycle after, so a failure here is not the job's.
    // The heartbeat's own judge: this module must not bring every check type's probe into its bundle.
    const result = judged(check, observeHeartbeat(outcome.next, now), judgeHeartbeat, now);
    const decided = await guarded(deps.log, 'report not decided on', check.id, () => ingest(check, result, deps, now));
    if (decided) deps.onDecided?.(decided);
    await guarded(deps.log, 'metrics not sent', check.id, () => deps.metrics.put([result]));
    return { status: 200, body: { ok: true, check: check.id, recorded: actionName(action), rid, status: result.status } };
  }
  deps.log.warn('heartbeat report not recorded: the state kept changing', { checkId });
  return refuse(503, 'too many reports at once for this check; try again', { 'retry-after': '1' });
}

/** "" success · "start" · "fail" · "0"-"255" an exit code (0 is success). */
function parseAction(text: string): PingAction | null {
  if (text === '') return { kind: 'end', ok: true, exitCode: null };
  if (text === 'start') return { kind: 'start' };
  if (text === 'fail') return { kind: 'end', ok: false, exitCode: null };
  if (!/^\d{1,3}$/.test(text) || Number(text) > 255) return null;
  return { kind: 'end', ok: Number(text) === 0, exitCode: Number(text) };
}

/**
 * The heartbeat checks whose token is `presented`, found by comparing it with every one: the same
 * work whichever id was asked for. Compares digests, so neither a token's length nor its first
 * differing byte shows in the time taken. A token that cannot be resolved is logged and matches nothing.
 */
async function checksTakingToken(presented: string, deps: PingDeps): Promise<{ matching: Set<string>; unavailable: boolean }> {
  const given = digest(presented);
  const heartbeats = deps.checks.filter((c): c is CheckBase & HeartbeatCheck => c.type === 'heartbeat');
  const tokens = await Promise.allSettled(heartbeats.map((c) => deps.resolveSecret(c.token)));
  const matching = new Set<string>();
  let unavailable = false;
  tokens.forEach((token, i) => {
    const checkId = (heartbeats[i] as HeartbeatCheck).id;
    if (token.status === 'rejected') {
      unavailable = true;
      deps.log.error('heartbeat token could not be resolved', { checkId, error: (token.reason as Error).message });
      return;
    }
    if (timingSafeEqual(given, digest(token.value))) matching.add(checkId);
  });
  return { matching, unavailable };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
