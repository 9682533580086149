/**
 * The pieces of the ★ config schema that every check type and channel builds on: durations with
 * bounds, secret references, URLs, ids, and the fields every check shares. Pure.
 */
import * as z from 'zod';
import { DAY_MS, formatDuration, HOUR_MS, parseDuration } from './duration.js';
import { regexProblem } from './safe-regex.js';
import { ALERT_KINDS, SEVERITIES, type Severity } from './types.js';

/** A duration from `min` to `max` (every duration ends up in a timer or a schedule, so none is unbounded). */
export const duration = (min: number, max: number, what: string) =>
  z.string({ error: `expected a duration like "500ms", "10s", "5m"` }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like "500ms", "10s", "5m", got "${text}"` });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      const bound = ms < min ? `at least ${formatDuration(min)}` : `at most ${formatDuration(max)}`;
      ctx.addIssue({ code: 'custom', message: `${what} must be ${bound}, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });

/** A check's interval and timeout, the same on a check and in `defaults`. */
export const interval = duration(1_000, 24 * HOUR_MS, 'interval');
export const timeout = duration(100, 24 * HOUR_MS, 'timeout');

/** An IANA time zone name. */
export const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `expected an IANA time zone like Europe/Berlin, got ${JSON.stringify(issue.input)}` },
);

export const threshold = z
  .number({ error: 'expected a whole number from 1 to 100' })
  .int({ error: 'expected a whole number from 1 to 100' })
  .min(1, { error: 'expected a whole number from 1 to 100' })
  .max(100, { error: 'expected a whole number from 1 to 100' });

export const severity = z.enum(SEVERITIES, { error: `expected one of ${[...SEVERITIES].reverse().join(', ')}` });

/** A value given inline, or by reference: `{ secret: NAME }` (Secrets Manager) or `{ env: NAME }`. */
export const secretRef = z.union(
  [
    z.string().min(1),
    z.strictObject({ secret: z.string().min(1) }),
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
  ],
  { error: 'expected a string, { secret: NAME } or { env: NAME }' },
);
export type SecretRef = z.output<typeof secretRef>;

/**
 * Why `text` is not an http(s) URL Vigil may use; null when it is one. A URL with `user:password@`
 * is refused: fetch and Node's errors quote the URL they failed on, so its password would reach logs,
 * outcomes and dead-letter queues (credentials belong in a secret value or an `auth` field).
 */
export function urlProblem(text: string): 'not_http' | 'credentials' | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not_http';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not_http';
  return url.username !== '' || url.password !== '' ? 'credentials' : null;
}

export const URL_CREDENTIALS_MESSAGE =
  'must not carry credentials (user:password@; an http check takes them as auth: { basic }); the URL is not shown';

/** A URL the config states in the clear. Quoted in a message only when it cannot hold credentials. */
export const httpUrl = z.string({ error: 'expected an http(s) URL' }).superRefine((text, ctx) => {
  const problem = urlProblem(text);
  if (problem === 'credentials') ctx.addIssue({ code: 'custom', message: URL_CREDENTIALS_MESSAGE });
  else if (problem) {
    ctx.addIssue({
      code: 'custom',
      message: text.includes('@') ? 'expected an http(s) URL' : `expected an http(s) URL, got "${text}"`,
    });
  }
});

/**
 * A secret value that is a URL (a Slack webhook, a webhook receiver): a plain one must be an http(s)
 * URL without credentials, and is never quoted (the URL itself is the secret). A `{ secret }` or
 * `{ env }` one is checked when it is resolved (lambdas/channels/deliver.ts).
 */
export const secretUrl = secretRef.superRefine((ref, ctx) => {
  if (typeof ref !== 'string') return;
  const problem = urlProblem(ref);
  if (problem)
    ctx.addIssue({
      code: 'custom',
      message: problem === 'credentials' ? URL_CREDENTIALS_MESSAGE : 'expected an http(s) URL (not shown: it is a secret value)',
    });
});

export const checkId = z.string({ error: 'expected an id of 1-64 characters a-z, 0-9 and -' }).regex(/^[a-z0-9-]{1,64}$/, {
  error: (issue) => `expected an id of 1-64 characters a-z, 0-9 and -, got "${String(issue.input)}"`,
});

/** A regular expression in RE2 syntax (linear-time matching; no lookaround, no backreferences). */
export const regex = z.string().refine((source) => regexProblem(source) === null, {
  error: (issue) =>
    `expected a regular expression in RE2 syntax (no lookaround or backreferences), got ${JSON.stringify(issue.input)}: ${regexProblem(String(issue.input))}`,
});

export const port = z
  .number()
  .int()
  .min(1, { error: 'expected a port 1-65535' })
  .max(65_535, { error: 'expected a port 1-65535' });

/** Flapping detection over the last `window` results. */
const flappingWindow = z.strictObject({
  /** @default 20 */
  window: z.number().int().min(4).max(100).default(20),
  /** State-change rate above which the check is flapping. @default 0.25 */
  high: z.number().gt(0).lt(1).default(0.25),
  /** Rate below which it has settled. @default 0.1 */
  low: z.number().gt(0).lt(1).default(0.1),
});
export const FLAPPING_DEFAULTS = flappingWindow.parse({});

/** Fields every check type shares; those without a default here fall back to `defaults`. */
/** Over what an objective is measured. @default 30d */
const objectiveWindow = duration(HOUR_MS, 90 * DAY_MS, 'window').default(30 * DAY_MS);
const percentTarget = z
  .number({ error: 'expected a percentage above 0 and below 100, like 99.9' })
  .gt(0, { error: 'expected a percentage above 0 and below 100, like 99.9' })
  .lt(100, { error: 'expected a percentage above 0 and below 100, like 99.9' });

/** A service level objective: the share of runs that are not down, or that answer under a time. */
export const objective = z.union(
  [
    z.strictObject({ availability: percentTarget, window: objectiveWindow }),
    z.strictObject({
      latency: z.strictObject({
        percent: percentTarget,
        under: duration(1, 10 * 60_000, 'under'),
        /** Count a down run as a slow one too (by default only availability counts it). @default false */
        includeDown: z.boolean().default(false),
      }),
      window: objectiveWindow,
    }),
  ],
  { error: 'expected { availability: 99.9 } or { latency: { percent: 95, under: 2s } }, each with an optional window' },
);
export type ObjectiveConfig = z.output<typeof objective>;

export const commonCheck = {
  id: checkId,
  name: z.string().min(1).optional(),
  interval: interval.optional(),
  timeout: timeout.optional(),
  failureThreshold: threshold.optional(),
  successThreshold: threshold.optional(),
  severity: severity.optional(),
  /** Channel names; a check without `channels` notifies every channel. */
  channels: z.array(z.string()).optional(),
  runbookUrl: httpUrl.optional(),
  /** Immediate re-probes that must also fail before a failure counts. @default 0 */
  retries: z.number().int().min(0).max(5, { error: 'expected 0 to 5 retries' }).default(0),
  /** Pause before each retry. @default 1s, at most 1m */
  retryDelay: duration(0, 60_000, 'retryDelay').default(1_000),
  /** Consecutive degraded results before `degraded` is alerted. @default failureThreshold */
  degradedThreshold: threshold.optional(),
  /** @default warning */
  degradedSeverity: severity.default('warning'),
  /** Re-notify this often while down. @default off; 5m to 168h */
  repeatInterval: duration(300_000, 168 * HOUR_MS, 'repeatInterval').optional(),
  /** A label maintenance windows and grouped notifications name. */
  group: z.string().min(1).optional(),
  /** While any of these checks is down, this check's alerts are held (they are part of that outage). */
  dependsOn: z.array(z.string()).optional(),
  /** `false` turns flapping detection off. @default { window: 20, high: 0.25, low: 0.1 } */
  flapping: z.union([z.literal(false), flappingWindow]).optional(),
  /** Service level objectives, reported by `vigil report` (lambdas/core/objectives.ts). @default defaults.objectives */
  objectives: z.array(objective).optional(),
  /** Shown on `vigil status-page` (its name and state, never its URL). @default defaults.public (false) */
  public: z.boolean().optional(),
  /** Names of top-level `locations` to probe from (lambdas/core/locations.ts). @default every location without a VPC */
  locations: z.array(z.string()).optional(),
  /** Locations that must see it down (or degraded) in the same window. @default a majority of its locations */
  quorum: z
    .number({ error: 'expected a whole number of locations, at least 1' })
    .int({ error: 'expected a whole number of locations, at least 1' })
    .min(1, { error: 'expected a whole number of locations, at least 1' })
    .optional(),
};

/** A check type's schema: the shared fields, its `type`, and its own fields. */
export function checkSchema<T extends string, F extends z.core.$ZodLooseShape>(type: T, fields: F) {
  return z.strictObject({ ...commonCheck, type: z.literal(type), ...fields });
}

/** What every check carries once `defaults` are applied: what probes and the state machine consume. */
export interface ResolvedFields {
  readonly id: string;
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  readonly severity: Severity;
  readonly channels: readonly string[];
  readonly runbookUrl: string | null;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly degradedThreshold: number;
  readonly degradedSeverity: Severity;
  readonly repeatIntervalMs: number | null;
  readonly flapping: { readonly window: number; readonly high: number; readonly low: number } | null;
  readonly group: string | null;
  readonly dependsOn: readonly string[];
  /** How long the first outage in the check's group waits for others to join it. */
  readonly groupWaitMs: number;
  readonly objectives: readonly ObjectiveConfig[];
  /** Whether `vigil status-page` shows it. */
  readonly public: boolean;
  /** The locations it probes from, by name; empty without top-level `locations` (one unnamed location). */
  readonly locations: readonly string[];
  /** How many of its locations must agree it is down or degraded; 1 without locations. */
  readonly quorum: number;
}

/** A check as parsed, with every default applied (distributes over a union of check types). */
export type ResolvedCheck<C> = C extends unknown ? Omit<C, keyof typeof commonCheck> & ResolvedFields : never;

/** Which events a channel takes: at least this severity, and only these kinds (tests always pass). */
const channelRouting = (minSeverity: Severity) => ({
  /** @default info (slack, webhook, email); critical (pagerduty) */
  minSeverity: severity.default(minSeverity),
  /** @default every kind */
  kinds: z.array(z.enum(ALERT_KINDS, { error: `expected one of ${ALERT_KINDS.join(', ')}` })).optional(),
});

/** A channel type's schema: its `type`, its own fields and the routing every channel takes. */
export function channelSchema<T extends string, F extends z.core.$ZodLooseShape>(type: T, minSeverity: Severity, fields: F) {
  return z.strictObject({ type: z.literal(type), ...fields, ...channelRouting(minSeverity) });
}

const isoInstant = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time like 2026-11-22T02:00:00Z' });

/** When alerts are held: once (start/end) or recurring (cron + duration, in a time zone). */
export const maintenanceWindow = z.union(
  [
    z.strictObject({
      name: z.string().min(1),
      /** Check ids; with neither `checks` nor `groups` the window covers every check. */
      checks: z.array(z.string()).optional(),
      groups: z.array(z.string()).optional(),
      start: isoInstant,
      end: isoInstant,
    }),
    z.strictObject({
      name: z.string().min(1),
      checks: z.array(z.string()).optional(),
      groups: z.array(z.string()).optional(),
      /** Five-field cron for when each window starts, e.g. "0 2 * * SUN". */
      cron: z.string().min(1),
      duration: duration(60_000, 744 * HOUR_MS, 'duration'),
      /** @default UTC */
      timezone: timeZone.default('UTC'),
    }),
  ],
  { error: 'expected { name, start, end } or { name, cron, duration, timezone }' },
);
export type MaintenanceWindow = z.output<typeof maintenanceWindow>;

/** What every check is to the core, whatever its type: the shared fields with defaults applied. */
export interface CheckBase extends ResolvedFields {
  readonly type: string;
}

/** What a status page may show beyond names and states. */
export const STATUS_PAGE_SHOWABLE = ['errors', 'latency'] as const;

/**
 * ★ `statusPage`: how `vigil status-page` titles the page and what it shows, and, in AWS, that the stack
 * publishes it to a private S3 bucket on every alert and every `every` (lib/status-page-publisher.ts).
 */
export const statusPageConfig = z.strictObject({
  /** @default "Service status" */
  title: z.string().min(1).max(120).optional(),
  /** Beyond names and states (never URLs). @default neither */
  show: z.array(z.enum(STATUS_PAGE_SHOWABLE, { error: 'expected errors or latency' })).default([]),
  /** In AWS, how often the page is published besides on each alert. @default 5m */
  every: duration(60_000, 24 * HOUR_MS, 'every').default(300_000),
});
export type StatusPageConfig = z.output<typeof statusPageConfig>;
