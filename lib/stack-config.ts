/**
 * What the AWS stack needs from a config beyond the schema: EventBridge-friendly intervals,
 * Secrets Manager references only, and which secrets each function reads. Problems are
 * collected and thrown together, with the same paths `vigil validate` uses.
 */

import { type CostEstimate, estimateCost } from '../lambdas/config/cost.js';
import type { ChannelConfig, Check, Config, SecretRef } from '../lambdas/config/parse.js';
import { channelSecretRefs, checkSecretRefs, heartbeatTokenRefs } from '../lambdas/config/secret-refs.js';
import { PROBE_CONCURRENCY } from '../lambdas/core/contracts.js';
import { formatDuration, MINUTE_MS } from '../lambdas/core/duration.js';
import { ConfigError } from '../lambdas/core/errors.js';
import { CONTROL_TIMEOUT_MS, probingLocations } from '../lambdas/core/locations.js';
import { TEST_CHECK_ID } from '../lambdas/core/test-event.js';
import { ALERT_KINDS, SEVERITIES } from '../lambdas/core/types.js';
import { dashboardLayout } from './dashboard-layout.js';
import { estimateTemplates, templateProblems } from './template-limits.js';

/** The stack's shortest interval (the local runner goes down to 1 s). */
const MIN_STACK_INTERVAL_MS = 10_000;

/**
 * Checks that share an interval share EventBridge rules: one per shard of at most `shardSize(…)`
 * checks, each its own invocation (docs/scaling.md has the arithmetic).
 */
export interface ScheduleGroup {
  readonly intervalMs: number;
  /** Rule rate in minutes (EventBridge's finest is one minute). */
  readonly rateMinutes: number;
  /** Cycles per invocation: sub-minute intervals run several times in one invocation. */
  readonly runs: number;
  /** 0 for the first shard of an interval, then 1, 2, … */
  readonly shard: number;
  readonly checkIds: readonly string[];
  /** Each run's starts spread evenly over this long, so no probe waits on another's CPU. */
  readonly spreadMs: number;
  /**
   * Longest an invocation of this shard may take: every run's spread, then its checks hanging until their
   * timeouts (and retries), PROBE_CONCURRENCY at a time, the runs one after another from their start times.
   */
  readonly maxDurationMs: number;
}

export interface StackPlan {
  readonly groups: readonly ScheduleGroup[];
  /** Secrets Manager names the probe reads (check headers). */
  readonly probeSecrets: readonly string[];
  /** Secrets Manager names the heartbeat endpoint reads (heartbeat tokens); no endpoint without heartbeat checks. */
  readonly heartbeatSecrets: readonly string[];
  readonly hasHeartbeats: boolean;
  /** Per channel: Secrets Manager names its notifier reads, and the SNS filter policy of its subscription. */
  readonly channels: readonly ChannelPlan[];
}

export interface ChannelPlan {
  readonly name: string;
  readonly channel: ChannelConfig;
  readonly secrets: readonly string[];
  /** Message attribute → allowed values. */
  readonly filter:
    | Readonly<Record<'severity' | 'kind' | 'checkId', readonly string[]>>
    | Readonly<Record<'severity' | 'kind', readonly string[]>>;
}

/** SNS allows at most this many value combinations (the product of the lists) in one filter policy. */
const MAX_FILTER_COMBINATIONS = 150;

export interface StackOptions {
  /** Accept inline secret values (bundled into the code of the function that uses them). @default false */
  readonly allowPlainSecrets?: boolean;
  /** The probe function's memory size, which sets its CPU share. @default PROBE_MEMORY_MB */
  readonly probeMemoryMb?: number;
}

/** The probe's memory size: bench/results/lambda.md has the measurements it was chosen from. */
export const PROBE_MEMORY_MB = 512;
/** CPU one check costs the probe (probe, result and state writes, log line, metrics) on a whole vCPU, warm. */
export const PROBE_CPU_MS_PER_CHECK = 4;
/** Lambda gives a function a whole vCPU at this memory size, and that share of one below it. */
export const FULL_VCPU_MB = 1769;
/** A cycle keeps its CPU use under this share of what the function has: a probe never waits on a throttled CPU. */
const CPU_LOAD = 0.5;
/** A run's starts spread over at most this share of its interval; the rest is the slowest probe's time. */
const SPREAD_SHARE = 0.5;

/** How far apart a shard's checks start: the wall time one check's CPU takes at the load allowed. */
export function startGapMs(memoryMb: number): number {
  return PROBE_CPU_MS_PER_CHECK / (Math.min(memoryMb, FULL_VCPU_MB) / FULL_VCPU_MB) / CPU_LOAD;
}

/** However long the interval, a spread ends within this: an invocation must end within Lambda's 15 minutes. */
const MAX_SPREAD_MS = 5 * 60_000;

/** The most checks one invocation spreads over its share of the interval. */
export function shardSize(intervalMs: number, memoryMb: number): number {
  return Math.max(1, Math.floor(Math.min(intervalMs * SPREAD_SHARE, MAX_SPREAD_MS) / startGapMs(memoryMb)));
}

export function planStack(config: Config, source = 'config', options: StackOptions = {}): StackPlan {
  const problems = config.checks.flatMap((check, i) => intervalProblems(check, `checks[${i}].interval`));
  const probeRefs = config.checks.flatMap((check, i) => checkSecretRefs(check, `checks[${i}]`));
  const notifierRefs = Object.entries(config.channels).flatMap(([name, channel]) =>
    channelSecretRefs(channel, `channels.${name}`),
  );
  const tokenRefs = heartbeatTokenRefs(config);
  for (const [path, ref] of [...probeRefs, ...tokenRefs, ...notifierRefs]) {
    if (typeof ref === 'object' && 'env' in ref) {
      problems.push(`${path}: { env: ${ref.env} } is for local runs; in the AWS stack use { secret: NAME } (Secrets Manager)`);
    }
    if (typeof ref === 'string' && !options.allowPlainSecrets) {
      problems.push(
        `${path}: an inline value would be bundled into Lambda code; use { secret: NAME } (Secrets Manager), or allow it with -c vigil:allowPlainSecrets=true`,
      );
    }
  }
  const memoryMb = options.probeMemoryMb ?? PROBE_MEMORY_MB;
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) {
    problems.push(`probe memory: expected a whole number of MB from 128 to 10240, got ${memoryMb}`);
  }
  // A location's probe runs its control probe before each batch: its shards (lib/locations.ts) are these, filtered.
  const controlMs = config.locations.some((l) => l.control) ? CONTROL_TIMEOUT_MS : 0;
  const groups = groupByInterval(config.checks, memoryMb, controlMs);
  problems.push(...groups.flatMap(durationProblems));
  const layout = dashboardLayout(config.checks);
  const templates = estimateTemplates(config, groups, layout);
  problems.push(...templateProblems(templates, groups.length, layout, config.checks));
  if (problems.length > 0) throw new ConfigError(problems, source);
  return {
    groups,
    probeSecrets: secretNames(probeRefs.map(([, ref]) => ref)),
    heartbeatSecrets: secretNames(tokenRefs.map(([, ref]) => ref)),
    hasHeartbeats: tokenRefs.length > 0,
    channels: Object.entries(config.channels).map(([name, channel]) => ({
      name,
      channel,
      secrets: secretNames(channelSecretRefs(channel, name).map(([, ref]) => ref)),
      filter: routingFilter(name, channel, config),
    })),
  };
}

/**
 * The subscription filter that mirrors a channel's routing: severities at or above its minimum,
 * its kinds (tests always), and the checks that name it. The check list is left out when the policy
 * would grow past SNS's limit; the notifier applies the same routing itself anyway.
 */
function routingFilter(name: string, channel: ChannelConfig, config: Config): ChannelPlan['filter'] {
  const severity = SEVERITIES.slice(SEVERITIES.indexOf(channel.minSeverity));
  const kind = [...new Set([...(channel.kinds ?? ALERT_KINDS), 'test'])];
  const checkId = [...config.checks.filter((c) => c.channels.includes(name)).map((c) => c.id), TEST_CHECK_ID];
  if (severity.length * kind.length * checkId.length > MAX_FILTER_COMBINATIONS) return { severity, kind };
  return { severity, kind, checkId };
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

/**
 * Alarms the home stack creates: dispatcher and notifier dead letters and the dispatcher's logged errors;
 * the probe's dead letters, stop and logged errors when it probes anything (with locations, only checks
 * without any); the heartbeat endpoint's logged errors and refused (throttled) reports when there is one;
 * the status page publisher's logged errors and failures when it publishes.
 */
export function stackAlarms(config: Config): number {
  const homeProbe = config.checks.some((c) => c.locations.length === 0) ? 3 : 0;
  const heartbeats = config.checks.some((c) => c.type === 'heartbeat') ? 2 : 0;
  // With locations: one alarm per location its checks use (lib/locations.ts).
  const locations = new Set(config.checks.flatMap((c) => c.locations)).size;
  const statusPage = config.statusPage !== undefined && config.checks.some((c) => c.public) ? 2 : 0;
  return 3 + homeProbe + heartbeats + locations + statusPage;
}

/** Dashboards the stack creates: the one, or the fleet overview and its detail pages. */
function dashboardCount(checks: readonly Check[]): number {
  return 1 + dashboardLayout(checks).pages.length;
}

/** The monthly bill of the stack this config makes (lambdas/config/cost.ts), from the same shards and spreads. */
export function stackCost(config: Config, probeMemoryMb = PROBE_MEMORY_MB): CostEstimate {
  // Each location some check names has a probe in its region's stack: two alarms of its own (lib/probe-schedule.ts),
  // and each such region a health topic with its key (lib/locations.ts); the home stack keys two topics.
  const probing = probingLocations(config.locations, config.checks);
  return estimateCost({
    checks: config.checks,
    shards: locatedShards(config, probeMemoryMb),
    memoryMb: probeMemoryMb,
    alarms: stackAlarms(config) + 2 * probing.length,
    kmsKeys: 2 + new Set(probing.map((l) => l.region)).size,
    dashboards: dashboardCount(config.checks),
  });
}

/** The shards every probe runs: the stack's own, and with locations each location's over its checks. */
function locatedShards(config: Config, memoryMb: number): ScheduleGroup[] {
  if (config.locations.length === 0) return groupByInterval(config.checks, memoryMb);
  const home = groupByInterval(
    config.checks.filter((c) => c.locations.length === 0),
    memoryMb,
  );
  return [
    ...home,
    ...config.locations.flatMap((l) =>
      groupByInterval(
        config.checks.filter((c) => c.locations.includes(l.name)),
        memoryMb,
        l.control ? CONTROL_TIMEOUT_MS : 0,
      ),
    ),
  ];
}

/** `controlMs`: what a location's control probe may take before each batch (lambdas/config/control-probe.ts). */
function groupByInterval(checks: readonly Check[], memoryMb: number, controlMs = 0): ScheduleGroup[] {
  const byInterval = new Map<number, Check[]>();
  for (const check of checks) {
    const members = byInterval.get(check.intervalMs) ?? [];
    members.push(check);
    byInterval.set(check.intervalMs, members);
  }
  return [...byInterval.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([intervalMs, members]) => {
      const runs = intervalMs < MINUTE_MS ? MINUTE_MS / intervalMs : 1;
      return evenShards(members, shardSize(intervalMs, memoryMb)).map((part, shard) => {
        const spreadMs = Math.round(part.length * startGapMs(memoryMb));
        return {
          intervalMs,
          rateMinutes: Math.max(1, intervalMs / MINUTE_MS),
          runs,
          shard,
          checkIds: part.map((c) => c.id),
          spreadMs,
          maxDurationMs: invocationWorstMs(part, runs, intervalMs, spreadMs + controlMs),
        };
      });
    });
}

/** EventBridge passes a rule's target at most this much input: the shard's event lists its check ids. */
const MAX_RULE_INPUT_CHARS = 8_192;
/** The event's other fields (runs, interval, spread) and the list's own brackets. */
const EVENT_OVERHEAD_CHARS = 100;

/**
 * The fewest shards of at most `most` checks whose ids fit a rule's input, as even as can be: 501
 * checks make two of 251 and 250, not 500 and 1.
 */
function evenShards(members: readonly Check[], most: number): Check[][] {
  for (let count = Math.ceil(members.length / most); ; count++) {
    const size = Math.ceil(members.length / count);
    const parts = Array.from({ length: count }, (_, i) => members.slice(i * size, (i + 1) * size)).filter(
      (part) => part.length > 0,
    );
    const fits = (part: readonly Check[]) =>
      JSON.stringify(part.map((c) => c.id)).length + EVENT_OVERHEAD_CHARS <= MAX_RULE_INPUT_CHARS;
    if (parts.every(fits)) return parts;
  }
}

/** What one check costs at worst: each attempt runs to its timeout, with the pauses between retries. */
function checkWorstMs(check: Check): number {
  return check.timeoutMs * (check.retries + 1) + check.retryDelayMs * check.retries;
}

/**
 * What a run's storing and deciding may take per check once it waits for the end of the spread
 * (lambdas/core/pipeline/quiet-gate.ts): a state write on a new stack measured 30-50 ms of CPU at 512 MB.
 */
const DECIDE_WORST_MS = 50;

/** Runs start `intervalMs` apart, or when the one before has finished if it ran longer; `beforeMs` precedes each run's probes. */
function invocationWorstMs(members: readonly Check[], runs: number, intervalMs: number, beforeMs: number): number {
  const waves = Math.ceil(members.length / PROBE_CONCURRENCY);
  const batchMs = beforeMs + waves * Math.max(...members.map(checkWorstMs)) + members.length * DECIDE_WORST_MS;
  let end = 0;
  for (let run = 0; run < runs; run++) end = Math.max(run * intervalMs, end) + batchMs;
  return end;
}

/** Lambda stops an invocation at 15 minutes. */
export const LAMBDA_MAX_MS = 15 * MINUTE_MS;
/** Probe headroom after the slowest run: writes, metrics, logs. */
export const PROBE_HEADROOM_MS = 30_000;

function durationProblems(group: ScheduleGroup): string[] {
  if (group.maxDurationMs + PROBE_HEADROOM_MS <= LAMBDA_MAX_MS) return [];
  const every = formatDuration(group.intervalMs);
  return [
    `checks every ${every}: ${group.checkIds.length} checks whose targets hang until their timeouts (retries included) ` +
      `need up to ${formatDuration(group.maxDurationMs)} in one invocation at ${PROBE_CONCURRENCY} at a time, ` +
      `over Lambda's 15 minutes; shorten their timeouts or retries`,
  ];
}

function secretNames(refs: readonly SecretRef[]): string[] {
  return [...new Set(refs.flatMap((ref) => (typeof ref === 'object' && 'secret' in ref ? [ref.secret] : [])))].sort();
}
