/**
 * What a config costs a month in AWS, from the stack's own plan (shards, spreads, memory) and the
 * price table (prices.ts); beside it what CloudWatch Synthetics and Route 53 health checks would cost
 * for the same checks. Pure: `vigil cost` and `cdk synth` print it.
 */

import { formatDuration, HOUR_MS } from '../core/duration.js';
import { nextExpected } from '../core/heartbeat.js';
import { FREE_TIER, PRICES } from '../core/prices.js';
import type { Check } from './parse.js';

/** AWS bills a month as 730 hours. */
export const MONTH_MS = 730 * HOUR_MS;

/** What the stack plan says about one shard's invocations. */
export interface ShardPlan {
  readonly checkIds: readonly string[];
  readonly intervalMs: number;
  readonly rateMinutes: number;
  readonly runs: number;
  readonly spreadMs: number;
}

export interface CostInputs {
  readonly checks: readonly Check[];
  readonly shards: readonly ShardPlan[];
  readonly memoryMb: number;
  /** Alarms the stack creates besides any per check. */
  readonly alarms: number;
  /** Customer managed KMS keys the stacks create: each health and alert topic's. */
  readonly kmsKeys: number;
  /** Dashboards the stack creates: one, or a fleet overview and its detail pages. @default 1 */
  readonly dashboards?: number;
  /** How long results are kept. @default 30 days */
  readonly retentionDays?: number;
}

export interface CostLine {
  readonly item: string;
  readonly usage: string;
  readonly usd: number;
}

/** What a line of the bill pays for, as a person choosing what to change thinks of it. */
const DRIVER_OF: Readonly<Record<string, string>> = {
  'Lambda compute': 'probe compute',
  'Lambda requests': 'probe compute',
  'DynamoDB writes': 'stored results',
  'DynamoDB reads': 'stored results',
  'DynamoDB storage': 'stored results',
  'DynamoDB rollups': 'stored results',
  'CloudWatch metrics': 'metrics',
  'CloudWatch PutMetricData': 'metrics',
  'CloudWatch Logs': 'logs',
  'Cross-region transfer': 'locations',
  'Quorum state writes': 'locations',
  'Heartbeat reports': 'heartbeat reports',
  'CloudWatch alarms': 'alarms and dashboards (fixed)',
  'CloudWatch dashboard': 'alarms and dashboards (fixed)',
  'KMS keys': 'topic encryption keys (fixed)',
};

export interface CostDriver {
  readonly driver: string;
  readonly usd: number;
  /** For what grows with runs: the share of the runs each interval makes, largest first ("10s": 0.8). */
  readonly byInterval?: readonly { readonly interval: string; readonly share: number }[];
}

/**
 * What the bill is made of, largest first: the lines grouped by what they pay for. Compute, stored
 * results and logs grow with runs, so they are split by the intervals that make the runs.
 */
export function costDrivers(estimate: CostEstimate, checks: readonly Check[]): CostDriver[] {
  const totals = new Map<string, number>();
  for (const line of estimate.lines) {
    const driver = DRIVER_OF[line.item] ?? line.item;
    totals.set(driver, (totals.get(driver) ?? 0) + line.usd);
  }
  const runsByInterval = new Map<number, number>();
  for (const check of checks) {
    const runs = (MONTH_MS / check.intervalMs) * originsOf(check);
    runsByInterval.set(check.intervalMs, (runsByInterval.get(check.intervalMs) ?? 0) + runs);
  }
  const byInterval = [...runsByInterval.entries()]
    .sort(([, a], [, b]) => b - a)
    .map(([intervalMs, runs]) => ({ interval: formatDuration(intervalMs), share: estimate.runs > 0 ? runs / estimate.runs : 0 }));
  const perRun = new Set(['probe compute', 'stored results', 'logs']);
  return [...totals.entries()]
    .map(([driver, usd]) => (perRun.has(driver) && byInterval.length > 0 ? { driver, usd, byInterval } : { driver, usd }))
    .sort((a, b) => b.usd - a.usd);
}

export interface CostEstimate {
  readonly checks: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  readonly perCheckUsd: number;
  /** The same bill after AWS's always-free allowances, if nothing else in the account uses them. */
  readonly withFreeTierUsd: number;
  /** Runs a month of every check together. */
  readonly runs: number;
  readonly syntheticsUsd: number;
  /** Null when some checks are of a kind Route 53 cannot do (TLS expiry, DNS answers). */
  readonly route53Usd: number | null;
  /** What one target that hangs until its timeout on every run adds (its invocation waits for it). */
  readonly hangingTargetUsd: number;
}

/** Per invocation beyond the spread: the pause before the first probe, the last probe and its writes. */
const INVOCATION_OVERHEAD_MS = 500;
/** A stored result: its JSON with timings, a short error, keys and TTL. */
const RESULT_ITEM_BYTES = 700;
/** A sealed hour's rollup item, and a day's (docs/scaling.md, "Rollups"). */
const HOUR_ROLLUP_BYTES = 700;
const DAY_ROLLUP_BYTES = 1_500;
/** Hours and days a month. */
const HOURS_A_MONTH = 730;
const DAYS_A_MONTH = 730 / 24;
/** Read units of an eventually consistent Query returning this many bytes. */
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096)) / 2;
/** Write units of a put of this many bytes. */
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** The `check result` log line of one run (Powertools JSON with the cycle id, timings and a short error). */
const LOG_BYTES_PER_RUN = 350;
/** START, END and REPORT lines of one invocation. */
const LOG_BYTES_PER_INVOCATION = 600;
/** Availability and Latency per check; a heartbeat has Availability, RunSuccess and RunDuration (docs/architecture.md). */
const metricsOf = (check: Check) => (check.type === 'heartbeat' ? 3 : 2);
/**
 * A check probed from several locations (lambdas/core/pipeline/combine.ts): every location's result writes
 * the state item (what it saw), about this many write units, and each window's combined result is stored too.
 */
const STATE_WRITE_UNITS = 2;
/** What one location's result sends to the home region: the result item, the state item, request overhead. */
const CROSS_REGION_BYTES_PER_RESULT = 4_000;
/** Results each run of the check makes: one per location it probes from (one without locations). */
const originsOf = (check: Check) => Math.max(1, check.locations.length);
/** One heartbeat report: an invocation of about this long at the endpoint's 256 MB, and its writes (item, run, result). */
const REPORT_MS = 100;
const REPORT_GB = 0.25;
const WRITES_PER_REPORT = 3;
const GB = 1024 ** 3;

export function estimateCost(inputs: CostInputs): CostEstimate {
  const { checks, shards, memoryMb } = inputs;
  const memoryGb = memoryMb / 1024;
  const runsOf = (c: Check) => MONTH_MS / c.intervalMs;
  // A run is one location's probe: each location probes every run of the check.
  const runs = checks.reduce((n, c) => n + runsOf(c) * originsOf(c), 0);
  const multi = checks.filter((c) => c.locations.length > 1);
  const combined = multi.reduce((n, c) => n + runsOf(c), 0);
  const stateWrites = multi.reduce((n, c) => n + runsOf(c) * originsOf(c) * STATE_WRITE_UNITS, 0);
  const located = checks.reduce((n, c) => n + (c.locations.length > 0 ? runsOf(c) * c.locations.length : 0), 0);
  const locationNames = new Set(checks.flatMap((c) => c.locations));
  const invocations = shards.reduce((n, s) => n + MONTH_MS / (s.rateMinutes * 60_000), 0);
  const invocationSeconds = shards.reduce((n, s) => {
    const perInvocation = (s.runs - 1) * s.intervalMs + s.spreadMs + INVOCATION_OVERHEAD_MS;
    return n + (MONTH_MS / (s.rateMinutes * 60_000)) * (perInvocation / 1000);
  }, 0);
  const gbSeconds = invocationSeconds * memoryGb;
  // One PutMetricData per cycle and shard for every 1,000 values (two per check).
  const metricCalls = shards.reduce(
    (n, s) => n + (MONTH_MS / (s.rateMinutes * 60_000)) * s.runs * Math.ceil((s.checkIds.length * 2) / 1000),
    0,
  );
  // A run reports its start and its end.
  const reports = checks.reduce((n, c) => n + (c.type === 'heartbeat' ? 2 * (MONTH_MS / heartbeatPeriodMs(c)) : 0), 0);
  const retentionDays = inputs.retentionDays ?? 30;
  const storedGb = ((runs + combined) * (retentionDays / 30.4) * RESULT_ITEM_BYTES) / GB;
  const logGb = (runs * LOG_BYTES_PER_RUN + invocations * LOG_BYTES_PER_INVOCATION) / GB;
  // With locations, one LocationUp per location (latency per location is read from the probes' logs).
  const metrics = checks.reduce((n, c) => n + metricsOf(c), 0) + locationNames.size;
  // Priced as if every location were in another region than the table: the bill's upper bound.
  const transferGb = (located * CROSS_REGION_BYTES_PER_RESULT) / GB;
  // Each hour sealed once: a query of its results and a put; each day: a query of its hours and a put.
  const rollupReads = checks.reduce(
    (n, c) =>
      n +
      HOURS_A_MONTH * readUnits((HOUR_MS / c.intervalMs) * RESULT_ITEM_BYTES) +
      DAYS_A_MONTH * readUnits(24 * HOUR_ROLLUP_BYTES),
    0,
  );
  const rollupWrites =
    checks.length * (HOURS_A_MONTH * writeUnits(HOUR_ROLLUP_BYTES) + DAYS_A_MONTH * writeUnits(DAY_ROLLUP_BYTES));
  const round = (n: number) => Math.round(n).toLocaleString('en-US');
  const dashboards = inputs.dashboards ?? 1;
  const lines: CostLine[] = [
    {
      item: 'Lambda compute',
      usage: `${round(gbSeconds)} GB-s at ${memoryMb} MB`,
      usd: gbSeconds * PRICES.lambdaArmGbSecond.usd,
    },
    { item: 'Lambda requests', usage: `${round(invocations)} invocations`, usd: invocations * PRICES.lambdaRequest.usd },
    // One result write per run; a steady check's state is not rewritten. Reads: state and silences per
    // run, eventually consistent (half a unit each).
    {
      item: 'DynamoDB writes',
      usage: `${round(runs + combined)} write units`,
      usd: (runs + combined) * PRICES.dynamoWriteUnit.usd,
    },
    ...(stateWrites > 0
      ? [
          {
            item: 'Quorum state writes',
            usage: `${round(stateWrites)} write units (each location's result updates the check's state)`,
            usd: stateWrites * PRICES.dynamoWriteUnit.usd,
          },
        ]
      : []),
    { item: 'DynamoDB reads', usage: `${round(runs)} read units`, usd: runs * PRICES.dynamoReadUnit.usd },
    {
      item: 'DynamoDB rollups',
      usage: `${round(rollupWrites)} write units, ${round(rollupReads)} read units (an hour and a day sealed once each)`,
      usd: rollupWrites * PRICES.dynamoWriteUnit.usd + rollupReads * PRICES.dynamoReadUnit.usd,
    },
    {
      item: 'DynamoDB storage',
      usage: `${storedGb.toFixed(2)} GB (${retentionDays} days of results)`,
      usd: storedGb * PRICES.dynamoStorageGbMonth.usd,
    },
    { item: 'CloudWatch metrics', usage: `${metrics} custom metrics`, usd: metrics * PRICES.customMetricMonth.usd },
    {
      item: 'CloudWatch PutMetricData',
      usage: `${round(metricCalls)} requests`,
      usd: metricCalls * PRICES.putMetricDataRequest.usd,
    },
    {
      item: 'CloudWatch Logs',
      usage: `${logGb.toFixed(2)} GB ingested, kept a month`,
      usd: logGb * (PRICES.logIngestGb.usd + PRICES.logStorageGbMonth.usd),
    },
    ...(transferGb > 0
      ? [
          {
            item: 'Cross-region transfer',
            usage: `${transferGb.toFixed(2)} GB from ${locationNames.size} locations to the home table (at most)`,
            usd: transferGb * PRICES.interRegionGb.usd,
          },
        ]
      : []),
    ...(reports > 0
      ? [
          {
            item: 'Heartbeat reports',
            usage: `${round(reports)} reports`,
            usd:
              reports *
              (PRICES.lambdaRequest.usd +
                (REPORT_MS / 1000) * REPORT_GB * PRICES.lambdaArmGbSecond.usd +
                WRITES_PER_REPORT * PRICES.dynamoWriteUnit.usd +
                PRICES.putMetricDataRequest.usd),
          },
        ]
      : []),
    { item: 'CloudWatch alarms', usage: `${inputs.alarms} alarms`, usd: inputs.alarms * PRICES.alarmMonth.usd },
    {
      item: 'CloudWatch dashboard',
      usage: dashboards === 1 ? '1 dashboard' : `${dashboards} dashboards`,
      usd: dashboards * PRICES.dashboardMonth.usd,
    },
    {
      item: 'KMS keys',
      usage: `${inputs.kmsKeys} keys (the alert and health topics' encryption; $2 each in their second year and $3 from the third, as KMS rotates them)`,
      usd: inputs.kmsKeys * PRICES.kmsKeyMonth.usd,
    },
  ];
  const totalUsd = lines.reduce((n, l) => n + l.usd, 0);
  const free =
    Math.min(gbSeconds, FREE_TIER.lambdaGbSeconds) * PRICES.lambdaArmGbSecond.usd +
    Math.min(invocations, FREE_TIER.lambdaRequests) * PRICES.lambdaRequest.usd +
    Math.min(metrics, FREE_TIER.customMetrics) * PRICES.customMetricMonth.usd +
    Math.min(inputs.alarms, FREE_TIER.alarms) * PRICES.alarmMonth.usd +
    // Free dashboards hold at most 50 metrics.
    (metrics <= 50 ? PRICES.dashboardMonth.usd : 0) +
    Math.min(logGb, FREE_TIER.logIngestGb) * PRICES.logIngestGb.usd;
  // A heartbeat's look reads the table and waits on no target.
  const probed = checks.filter((c) => c.type !== 'heartbeat');
  const worstRunMs = Math.max(0, ...probed.map((c) => c.timeoutMs * (c.retries + 1) + c.retryDelayMs * c.retries));
  const slowest = probed.find((c) => c.timeoutMs * (c.retries + 1) + c.retryDelayMs * c.retries === worstRunMs);
  return {
    checks: checks.length,
    lines,
    totalUsd,
    perCheckUsd: checks.length > 0 ? totalUsd / checks.length : 0,
    withFreeTierUsd: Math.max(0, totalUsd - free),
    runs,
    syntheticsUsd: runs * PRICES.syntheticsCanaryRun.usd,
    route53Usd: route53(checks),
    hangingTargetUsd: slowest ? (runsOf(slowest) * worstRunMs * memoryGb * PRICES.lambdaArmGbSecond.usd) / 1000 : 0,
  };
}

/** How often a heartbeat's job runs: `every`, or the gap between its cron's next two times. */
function heartbeatPeriodMs(check: Check & { type: 'heartbeat' }): number {
  if (check.every !== undefined) return check.every;
  const first = nextExpected(check, new Date(0));
  return nextExpected(check, first).getTime() - first.getTime();
}

/** Route 53's nearest equivalent of each check: HTTPS and body matching are paid options. */
function route53(checks: readonly Check[]): number | null {
  let usd = 0;
  for (const check of checks) {
    if (check.type !== 'http' && check.type !== 'tcp') return null;
    let options = 0;
    if (check.type === 'http') {
      if (check.url.startsWith('https:')) options++;
      const { bodyContains, bodyNotContains, bodyMatches, json } = check.expect;
      if (bodyContains || bodyNotContains || bodyMatches || json || check.healthJson) options++;
    }
    // Its standard interval is 30 s; checks more often than that need the fast (10 s) option.
    if (check.intervalMs < 30_000) options++;
    usd += PRICES.route53HealthCheckMonth.usd + options * PRICES.route53OptionMonth.usd;
  }
  return usd;
}
