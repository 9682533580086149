/**
 * Names shared by the code that writes them and the constructs, dashboards and tools that read them
 * (docs/architecture.md). One definition each: a rename here moves writer and reader together.
 */
import { DAY_MS } from './duration.js';

/** CloudWatch namespace; the only dimension is `CheckId` (each value is a billed metric). */
export const METRIC_NAMESPACE = 'Vigil';
export const METRICS = {
  /** 1 or 0 per run: the average is the uptime. */
  availability: 'Availability',
  /** Milliseconds per run: the dashboard draws its percentiles. */
  latency: 'Latency',
  /** Heartbeat checks, 1 or 0 per finished run: the average is the success rate. */
  runSuccess: 'RunSuccess',
  /** Heartbeat checks, milliseconds from a run's start report to its end report. */
  runDuration: 'RunDuration',
  /** Per location (dimension `Location` only), 1 or 0 per cycle: its probes ran and its control probe answered. */
  locationUp: 'LocationUp',
} as const;
export const METRIC_DIMENSION = 'CheckId';
/** `LocationUp`'s only dimension: one billed metric per location. */
export const LOCATION_DIMENSION = 'Location';

/** The single table's key and TTL attribute names. */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;
/** Every item of a check shares this partition key (docs/architecture.md, "The table"). */
export const checkPartitionKey = (checkId: string) => `CHECK#${checkId}`;

/**
 * A result's sort key: `RESULT#<startedAt>`, and `#<location>` after it for what one location saw, so
 * locations probing at the same instant never collide. Keys without a location (older results, checks of
 * one location, several locations' combined result) read as before; both sort by time.
 */
export const resultSortKey = (result: { readonly startedAt: string; readonly location?: string | undefined }) =>
  result.location ? `RESULT#${result.startedAt}#${result.location}` : `RESULT#${result.startedAt}`;
/** Sort key prefixes of a check's rollups: `ROLLUP#H#<hour ISO>` and `ROLLUP#D#<day ISO>` (docs/architecture.md, "The table"). */
export const ROLLUP_SORT_PREFIX = { hour: 'ROLLUP#H#', day: 'ROLLUP#D#' } as const;
/** How long rollups are kept: hours past a 30-day report's reach, days past the status page's 90. */
export const ROLLUP_KEEP_MS = { hour: 35 * DAY_MS, day: 95 * DAY_MS } as const;

/** The message of the log line each probed result is written to; the dashboard's timing-phase query reads it. */
export const CHECK_RESULT_LOG = 'check result';

/** Probes one invocation (or the local runner) keeps in flight at once; the stack sizes timeouts from it. */
export const PROBE_CONCURRENCY = 50;

/** The environment the stack gives its functions: lib/ sets these names, the handlers read them. */
export const STACK_ENV = {
  tableName: 'TABLE_NAME',
  dispatchQueueUrl: 'DISPATCH_QUEUE_URL',
  /** The alert topic the dispatcher publishes to. */
  topicArn: 'TOPIC_ARN',
  stackName: 'STACK_NAME',
  /** Optional: alerts link to it when set. */
  dashboardUrl: 'DASHBOARD_URL',
  /** A notifier's channel, by its name in the config. */
  channelName: 'CHANNEL_NAME',
  /** The stack's health topic, which a notifier takes the stack's own alarms from. */
  healthTopicArn: 'HEALTH_TOPIC_ARN',
  /**
   * Comma-separated: the alarms a notifier trusts on that topic. Those of the locations' probe stacks are
   * named (REGIONAL_HEALTH) rather than listed: a variable per location would outgrow Lambda's 4 KB.
   */
  healthAlarmArns: 'HEALTH_ALARM_ARNS',
  /** A location's probe in another region: where the home table, queue and metrics are. */
  homeRegion: 'HOME_REGION',
  /** A location's probe: the location its results come from. */
  location: 'VIGIL_LOCATION',
  /** The status page publisher: the private bucket it writes the page to. */
  statusPageBucket: 'STATUS_PAGE_BUCKET',
} as const;

/**
 * A location region's health topic and its probe's alarms (lib/locations.ts), named after the home stack so
 * the home stack and its notifiers can name them before they exist.
 */
export const REGIONAL_HEALTH = {
  topicName: (stackName: string) => `${stackName}-vigil-health`,
  alarmNames: (stackName: string, location: string) => ({
    failedRuns: `${stackName}-vigil-probe-${location}-failed`,
    stopped: `${stackName}-vigil-probe-${location}-stopped`,
  }),
} as const;

/** Each function's Powertools service name: its log lines and the dashboard's log queries say which function spoke. */
export const SERVICE_NAMES = {
  probe: 'vigil-probe',
  notify: 'vigil-notify',
  dispatch: 'vigil-dispatch',
  heartbeat: 'vigil-heartbeat',
  statusPage: 'vigil-status-page',
} as const;
