/**
 * What the AWS stack needs from a config beyond the schema: EventBridge-friendly intervals,
 * Secrets Manager references only, and which secrets each function reads. Problems are
 * collected and thrown together, with the same paths `vigil validate` uses.
 */
import type { Check, Config, HttpCheck, SecretRef } from '../lambdas/core/config.js';
import { formatDuration } from '../lambdas/core/duration.js';
import { ConfigError } from '../lambdas/core/errors.js';

/** The stack's shortest interval (the local runner goes down to 1 s). */
export const MIN_STACK_INTERVAL_MS = 10_000;
const MINUTE_MS = 60_000;

/** Checks that share an interval share one EventBridge rule. */
export interface ScheduleGroup {
  readonly intervalMs: number;
  /** Rule rate in minutes (EventBridge's finest is one minute). */
  readonly rateMinutes: number;
  /** Cycles per invocation: sub-minute intervals run several times in one invocation. */
  readonly runs: number;
  readonly checkIds: readonly string[];
  /** Longest any invocation of this group may take: last run's start plus its slowest timeout. */
  readonly maxDurationMs: number;
}

export interface StackPlan {
  readonly groups: readonly ScheduleGroup[];
  /** Secrets Manager names the probe reads (check headers). */
  readonly probeSecrets: readonly string[];
  /** Secrets Manager names the notifier reads (channels). */
  readonly notifierSecrets: readonly string[];
}

export function planStack(config: Config, source = 'config'): StackPlan {
  const problems = config.checks.flatMap((check, i) => intervalProblems(check, `checks[${i}].interval`));
  const probeRefs = config.checks.flatMap((check, i) => (check.type === 'http' ? httpSecretRefs(check, `checks[${i}]`) : []));
  const notifierRefs = Object.entries(config.channels).map(([name, channel]): [string, SecretRef] =>
    channel.type === 'slack'
      ? [`channels.${name}.webhookUrl`, channel.webhookUrl]
      : [`channels.${name}.routingKey`, channel.routingKey],
  );
  for (const [path, ref] of [...probeRefs, ...notifierRefs]) {
    if (typeof ref === 'object' && 'env' in ref) {
      problems.push(`${path}: { env: ${ref.env} } is for local runs; in the AWS stack use { secret: NAME } (Secrets Manager)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, source);
  return {
    groups: groupByInterval(config.checks),
    probeSecrets: secretNames(probeRefs.map(([, ref]) => ref)),
    notifierSecrets: secretNames(notifierRefs.map(([, ref]) => ref)),
  };
}

function httpSecretRefs(check: HttpCheck, at: string): [string, SecretRef][] {
  const headers = Object.entries(check.headers).map(([name, ref]): [string, SecretRef] => [`${at}.headers.${name}`, ref]);
  const auth: [string, SecretRef][] = !check.auth
    ? []
    : 'bearer' in check.auth
      ? [[`${at}.auth.bearer`, check.auth.bearer]]
      : [[`${at}.auth.basic.password`, check.auth.basic.password]];
  return [...headers, ...auth];
}

function intervalProblems(check: Check, path: string): string[] {
  const ms = check.intervalMs;
  const text = formatDuration(ms);
  if (ms < MIN_STACK_INTERVAL_MS) return [`${path}: the AWS stack runs checks at most every 10s, got ${text}`];
  if (ms < MINUTE_MS && MINUTE_MS % ms !== 0) {
    return [`${path}: under a minute the interval must divide 60s evenly (10s, 12s, 15s, 20s, 30s), got ${text}`];
  }
  if (ms >= MINUTE_MS && ms % MINUTE_MS !== 0)
    return [`${path}: from a minute up the interval must be whole minutes, got ${text}`];
  return [];
}

function groupByInterval(checks: readonly Check[]): ScheduleGroup[] {
  const byInterval = new Map<number, Check[]>();
  for (const check of checks) byInterval.set(check.intervalMs, [...(byInterval.get(check.intervalMs) ?? []), check]);
  return [...byInterval.entries()]
    .sort(([a], [b]) => a - b)
    .map(([intervalMs, members]) => {
      const runs = intervalMs < MINUTE_MS ? MINUTE_MS / intervalMs : 1;
      return {
        intervalMs,
        rateMinutes: Math.max(1, intervalMs / MINUTE_MS),
        runs,
        checkIds: members.map((c) => c.id),
        maxDurationMs: (runs - 1) * intervalMs + Math.max(...members.map((c) => c.timeoutMs)),
      };
    });
}

function secretNames(refs: readonly SecretRef[]): string[] {
  return [...new Set(refs.flatMap((ref) => (typeof ref === 'object' && 'secret' in ref ? [ref.secret] : [])))].sort();
}
