/**
 * Heartbeat checks, pure (README "Heartbeats"): a job reports its runs, and silence is the
 * alert. `applyPing` records one report into the check's heartbeat state (idempotent per run id,
 * rate limited per minute); `heartbeatVerdict` judges that state at a time: a run over `maxRuntime`,
 * a failed last run, no success within schedule + grace, or a success rate under its minimum. The
 * verdict goes through the same state machine as a probed result, from a report as it arrives and
 * from every probe cycle (which is how silence is noticed).
 */
import { CronExpressionParser } from 'cron-parser';
import { DAY_MS, formatDuration } from './duration.js';
import { humanDuration } from './format.js';
import { bounded } from './untrusted.js';

/** A finished run, as its last report left it. `output` is the body the job sent, at most `MAX_PING_BODY_BYTES`. */
export interface Run {
  readonly rid: string | null;
  /** From the run's `start` report; null when only its end was reported. */
  readonly startedAt: string | null;
  readonly endedAt: string;
  readonly ok: boolean;
  /** The job's exit code when it gave one (`/ping/<id>/<code>`), else null (`/fail`, or success without one). */
  readonly exitCode: number | null;
  readonly durationMs: number | null;
  readonly output: string;
}

export interface OpenRun {
  readonly rid: string | null;
  readonly startedAt: string;
}

export interface HeartbeatState {
  readonly checkId: string;
  /** Bumped on every write; writes are conditional on it. */
  readonly version: number;
  /** When Vigil first looked at the check: a job that never reports is late counted from here. */
  readonly since: string;
  readonly lastSuccessAt: string | null;
  readonly lastRun: Run | null;
  /** Runs started and not finished, oldest first. */
  readonly open: readonly OpenRun[];
  /** The last finished runs, oldest first, one letter each: `s` succeeded, `f` failed. */
  readonly outcomes: string;
  /** `<rid> <action>` of the last reports that carried a run id: a retry of one is acknowledged, not recorded. */
  readonly seen: readonly string[];
  /** Reports recorded so far: a judgement says how many it saw, so one made before a later report is known stale. */
  readonly reports: number;
  /** Reports recorded in the minute that began at `minuteStart`. */
  readonly minuteStart: string;
  readonly minuteCount: number;
}

/** What a job reports: a run began, or ended (exit code 0, or `ok` without one, is success). */
export type PingAction =
  | { readonly kind: 'start' }
  | { readonly kind: 'end'; readonly ok: boolean; readonly exitCode: number | null };

export interface Ping {
  readonly action: PingAction;
  readonly rid: string | null;
  readonly body: string;
  /** How long the run took, as the job measured it: used for an end whose start was not recorded. */
  readonly durationMs?: number | null;
}

/** The largest body a report may carry: 10 KB, the heartbeat API's ★ limit. */
export const MAX_PING_BODY_BYTES = 10 * 1024;
/** Reports one check may record per minute; more get 429 and are not recorded. */
export const PINGS_PER_MINUTE = 60;
/** The longest run a job may say it took (`?duration=` in milliseconds): 30 days. */
export const MAX_REPORTED_DURATION_MS = 30 * DAY_MS;
/** A run id: what a job may send as `?rid=`. */
export const RUN_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MAX_OPEN_RUNS = 10;
const MAX_OUTCOMES = 100;
const MAX_SEEN = 50;
/** A success this much before a cron time counts for it (a job whose clock runs a little early). */
const EARLY_MS = 5 * 60_000;
/** How much of a failed run's output an alert quotes. */
const OUTPUT_IN_ALERT_CHARS = 400;

export function initialHeartbeat(checkId: string, now: Date): HeartbeatState {
  const at = now.toISOString();
  return {
    checkId,
    version: 0,
    since: at,
    lastSuccessAt: null,
    lastRun: null,
    open: [],
    outcomes: '',
    seen: [],
    reports: 0,
    minuteStart: at,
    minuteCount: 0,
  };
}

export const actionName = (action: PingAction): string =>
  action.kind === 'start' ? 'start' : action.exitCode !== null ? String(action.exitCode) : action.ok ? 'success' : 'fail';

export type PingOutcome =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'limited'; readonly retryAfterS: number }
  | { readonly kind: 'recorded'; readonly next: HeartbeatState; readonly run: Run | null };

/** Records one report. A `start` opens a run; an end closes the run it names (or, without a run id, the last one without). */
export function applyPing(prev: HeartbeatState, ping: Ping, now: Date): PingOutcome {
  const key = ping.rid === null ? null : `${ping.rid} ${actionName(ping.action)}`;
  if (key !== null && prev.seen.includes(key)) return { kind: 'duplicate' };
  const minuteOver = now.getTime() - Date.parse(prev.minuteStart) >= 60_000;
  const minuteStart = minuteOver ? now.toISOString() : prev.minuteStart;
  const minuteCount = minuteOver ? 0 : prev.minuteCount;
  if (minuteCount >= PINGS_PER_MINUTE) {
    return { kind: 'limited', retryAfterS: Math.max(1, Math.ceil((Date.parse(minuteStart) + 60_000 - now.getTime()) / 1000)) };
  }
  const at = now.toISOString();
  const common = {
    ...prev,
    version: prev.version + 1,
    reports: prev.reports + 1,
    seen: key === null ? prev.seen : [...prev.seen, key].slice(-MAX_SEEN),
    minuteStart,
    minuteCount: minuteCount + 1,
  };
  const sameRun = (o: OpenRun) => o.rid === ping.rid;
  if (ping.action.kind === 'start') {
    // A job restarted without a run id replaces its open run: it has moved on from that one.
    const open = [...prev.open.filter((o) => !sameRun(o)), { rid: ping.rid, startedAt: at }].slice(-MAX_OPEN_RUNS);
    return { kind: 'recorded', next: { ...common, open }, run: null };
  }
  const { ok, exitCode } = ping.action;
  const started = prev.open.findLast(sameRun) ?? null;
  const run: Run = {
    rid: ping.rid,
    startedAt: started?.startedAt ?? null,
    endedAt: at,
    ok,
    exitCode,
    durationMs: started ? now.getTime() - Date.parse(started.startedAt) : (ping.durationMs ?? null),
    output: ping.body,
  };
  // A success also ends runs that began before this one and never reported: the job is past them.
  const before = started ? Date.parse(started.startedAt) : now.getTime();
  const open = prev.open.filter((o) => o !== started && !(ok && Date.parse(o.startedAt) < before));
  return {
    kind: 'recorded',
    next: {
      ...common,
      open,
      lastRun: run,
      lastSuccessAt: ok ? at : prev.lastSuccessAt,
      outcomes: `${prev.outcomes}${ok ? 's' : 'f'}`.slice(-MAX_OUTCOMES),
    },
    run,
  };
}

/** What judging the runs reads of a heartbeat check: the heartbeat type's config (lambdas/checks/heartbeat) gives it. */
export interface RunExpectations {
  /** A run is expected this long after the last success; else by `cron` in `timezone`. */
  readonly every?: number;
  readonly cron?: string;
  readonly timezone: string;
  readonly grace: number;
  readonly maxRuntime?: number;
  readonly successRate?: { readonly window: number; readonly min: number; readonly status: 'degraded' | 'down' };
}

/** The first time after `after` that a run is expected. */
export function nextExpected(check: RunExpectations, after: Date): Date {
  if (check.every !== undefined) return new Date(after.getTime() + check.every);
  const early = Math.min(check.grace, EARLY_MS);
  return CronExpressionParser.parse(check.cron as string, { currentDate: new Date(after.getTime() + early), tz: check.timezone })
    .next()
    .toDate();
}

/** What `vigil check`, `vigil report` and alerts show of a heartbeat besides its status (★ result field `heartbeat`). */
export interface HeartbeatSummary {
  readonly lastRun: Omit<Run, 'output'> | null;
  readonly running: OpenRun | null;
  /** When the next success is due; the check is down once this plus grace has passed. */
  readonly nextExpectedAt: string;
  /** Successful share of the finished runs in the success-rate window (the last 20 without one); null before any. */
  readonly successRatePercent: number | null;
  /** When Vigil first looked at the check, and how many reports it had recorded when this was judged. */
  readonly since: string;
  readonly reports: number;
}

export interface HeartbeatVerdict {
  readonly status: 'up' | 'degraded' | 'down';
  readonly error: { readonly kind: 'late' | 'job_failed' | 'max_runtime' | 'success_rate'; readonly message: string } | null;
  readonly detail: string | null;
  readonly summary: HeartbeatSummary;
}

/** Judges a heartbeat at `now`. The first problem in this order wins: a run over its time, a failed run, lateness, the rate. */
export function heartbeatVerdict(check: RunExpectations, state: HeartbeatState, now: Date): HeartbeatVerdict {
  const t = now.getTime();
  const lastOk = new Date(state.lastSuccessAt ?? state.since);
  const running = state.open.at(-1) ?? null;
  let due = nextExpected(check, lastOk);
  // A run that began before it was late covers its own schedule period: it is running, not missing.
  if (running && Date.parse(running.startedAt) <= due.getTime() + check.grace) {
    const covered = nextExpected(check, new Date(running.startedAt));
    if (covered > due) due = covered;
  }
  const window = check.successRate?.window ?? 20;
  const recent = state.outcomes.slice(-window);
  const rate = recent.length === 0 ? null : Math.round(([...recent].filter((o) => o === 's').length / recent.length) * 1000) / 10;
  const summary: HeartbeatSummary = {
    lastRun: state.lastRun && withoutOutput(state.lastRun),
    running,
    nextExpectedAt: due.toISOString(),
    successRatePercent: rate,
    since: state.since,
    reports: state.reports,
  };
  const down = (kind: NonNullable<HeartbeatVerdict['error']>['kind'], message: string): HeartbeatVerdict => ({
    status: 'down',
    error: { kind, message: bounded(message) },
    detail: null,
    summary,
  });

  const overrun =
    check.maxRuntime === undefined
      ? undefined
      : state.open.find((o) => t - Date.parse(o.startedAt) > (check.maxRuntime as number));
  if (overrun) {
    return down(
      'max_runtime',
      `run ${runName(overrun.rid)} started ${overrun.startedAt} has run ${humanDuration(t - Date.parse(overrun.startedAt))}, over maxRuntime ${humanDuration(check.maxRuntime as number)}`,
    );
  }
  if (state.lastRun && !state.lastRun.ok) return down('job_failed', failureMessage(state.lastRun));
  if (t > due.getTime() + check.grace) {
    const since = state.lastSuccessAt ? `no success since ${state.lastSuccessAt}` : `no success reported since ${state.since}`;
    return down('late', `${since}; a run was expected by ${due.toISOString()} (grace ${humanDuration(check.grace)})`);
  }
  if (check.successRate && rate !== null && recent.length >= check.successRate.window && rate < check.successRate.min) {
    const message = `${rate}% of the last ${recent.length} runs succeeded, under the minimum ${check.successRate.min}%`;
    if (check.successRate.status === 'down') return down('success_rate', message);
    return { status: 'degraded', error: null, detail: message, summary };
  }
  return { status: 'up', error: null, detail: null, summary };
}

const runName = (rid: string | null) => (rid === null ? '(no run id)' : rid);

/** "run r-1 failed with exit code 3 after 12s: …the output's last lines" */
function failureMessage(run: Run): string {
  const how = run.exitCode === null ? 'failed' : `failed with exit code ${run.exitCode}`;
  const took = run.durationMs === null ? '' : ` after ${runTime(run.durationMs)}`;
  const tail = run.output.trim();
  const quoted = tail.length > OUTPUT_IN_ALERT_CHARS ? `…${tail.slice(-OUTPUT_IN_ALERT_CHARS)}` : tail;
  return `run ${runName(run.rid)} ${how}${took}${quoted ? `: ${quoted}` : ''}`;
}

/** A run as results show it: its output stays with the stored run. */
const withoutOutput = ({ output: _output, ...run }: Run): Omit<Run, 'output'> => run;

/** "ok", "failed", "failed (exit 3)": how a run ended. */
export const runOutcome = (run: Pick<Run, 'ok' | 'exitCode'>): string =>
  `${run.ok ? 'ok' : 'failed'}${run.exitCode === null ? '' : ` (exit ${run.exitCode})`}`;

/** "350 ms", "4m 12s": runs are often shorter than a second. */
export const runTime = (ms: number) => (ms < 1000 ? `${ms} ms` : humanDuration(ms));

/** "last run failed (exit 3) in 4m 12s at 2026-11-23T02:04:12Z · running since … · next by … · 95% of 20 runs ok" */
export function describeHeartbeat(summary: HeartbeatSummary): string {
  const took = (ms: number | null) => (ms === null ? '' : ` in ${runTime(ms)}`);
  const run = summary.lastRun;
  const parts = [
    run ? `last run ${runOutcome(run)}${took(run.durationMs)} at ${run.endedAt}` : 'no run reported yet',
    ...(summary.running ? [`running since ${summary.running.startedAt}`] : []),
    `next by ${summary.nextExpectedAt}`,
    ...(summary.successRatePercent === null ? [] : [`${summary.successRatePercent}% ok`]),
  ];
  return parts.join(' · ');
}

/** Lateness is only seen when the check is looked at: an interval longer than the grace lets a job be late unnoticed. */
export function heartbeatWarnings(checks: readonly { id: string; type: string; intervalMs: number; grace?: number }[]): string[] {
  return checks.flatMap((check) => {
    if (check.type !== 'heartbeat' || check.grace === undefined) return [];
    const allowed = Math.max(check.grace, 60_000);
    if (check.intervalMs <= allowed) return [];
    return [
      `${check.id}: looked at every ${formatDuration(check.intervalMs)}, so a late run is noticed up to that long after its grace of ${formatDuration(check.grace)}; set interval to ${formatDuration(allowed)} or less`,
    ];
  });
}
