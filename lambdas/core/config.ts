/**
 * ★ The config contract (DESIGN.md): one zod schema gives validation, defaults and the types.
 * Everything here is pure: reading files and resolving secrets happen at the edges.
 */
import { z } from 'zod';
import { plainMessages } from './config-messages.js';
import { formatDuration, parseDuration } from './duration.js';
import { ConfigError } from './errors.js';
import { cronProblem } from './maintenance.js';
import type { Severity } from './types.js';

const HOUR_MS = 3_600_000;

/** A duration from `min` to `max` (every duration ends up in a timer or a schedule, so none is unbounded). */
const duration = (min: number, max: number, what: string) =>
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
const interval = duration(1_000, 24 * HOUR_MS, 'interval');
const timeout = duration(100, 24 * HOUR_MS, 'timeout');

const threshold = z
  .number({ error: 'expected a whole number from 1 to 100' })
  .int({ error: 'expected a whole number from 1 to 100' })
  .min(1, { error: 'expected a whole number from 1 to 100' })
  .max(100, { error: 'expected a whole number from 1 to 100' });

const severity = z.enum(['critical', 'warning', 'info'], { error: 'expected one of critical, warning, info' });

/** A value given inline, or by reference: `{ secret: NAME }` (Secrets Manager) or `{ env: NAME }`. */
const secretRef = z.union(
  [
    z.string().min(1),
    z.strictObject({ secret: z.string().min(1) }),
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
  ],
  { error: 'expected a string, { secret: NAME } or { env: NAME }' },
);
export type SecretRef = z.output<typeof secretRef>;

const httpUrl = z.string({ error: 'expected an http(s) URL' }).refine(
  (text) => {
    try {
      return ['http:', 'https:'].includes(new URL(text).protocol);
    } catch {
      return false;
    }
  },
  { error: (issue) => `expected an http(s) URL, got "${String(issue.input)}"` },
);

/** A status code, a class like "2xx", or a range like "200-299". */
const statusPattern = z.union([z.number(), z.string()]).refine((value) => parseStatusPattern(value) !== null, {
  error: (issue) =>
    typeof issue.input === 'number'
      ? `expected an HTTP status 100-599, got ${issue.input}`
      : `expected an HTTP status 100-599, a class like "2xx" or a range like "200-299", got ${JSON.stringify(issue.input)}`,
});

/** [low, high] inclusive, or null when the pattern is not one. */
export function parseStatusPattern(value: unknown): [number, number] | null {
  const valid = (n: number) => Number.isInteger(n) && n >= 100 && n <= 599;
  if (typeof value === 'number') return valid(value) ? [value, value] : null;
  if (typeof value !== 'string') return null;
  const cls = /^([1-5])xx$/i.exec(value);
  if (cls) return [Number(cls[1]) * 100, Number(cls[1]) * 100 + 99];
  const range = /^(\d{3})-(\d{3})$/.exec(value);
  if (range && valid(Number(range[1])) && valid(Number(range[2])) && Number(range[1]) <= Number(range[2])) {
    return [Number(range[1]), Number(range[2])];
  }
  return null;
}

const checkId = z.string({ error: 'expected an id of 1-64 characters a-z, 0-9 and -' }).regex(/^[a-z0-9-]{1,64}$/, {
  error: (issue) => `expected an id of 1-64 characters a-z, 0-9 and -, got "${String(issue.input)}"`,
});

const regex = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `expected a regular expression, got ${JSON.stringify(issue.input)}` },
);

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const OPERATORS = ['equals', 'notEquals', 'lt', 'gt', 'contains', 'matches', 'exists'] as const;

/** Exactly one comparison; used by JSON and header assertions. */
const operatorFields = {
  equals: scalar.optional(),
  notEquals: scalar.optional(),
  lt: z.number().optional(),
  gt: z.number().optional(),
  contains: z.string().optional(),
  matches: regex.optional(),
  /** true: must be present; false: must be absent. */
  exists: z.boolean().optional(),
};
const exactlyOneOperator = (value: Record<string, unknown>) => OPERATORS.filter((op) => value[op] !== undefined).length === 1;
const operatorError = `expected exactly one of ${OPERATORS.join(', ')}`;

const jsonAssertion = z
  .strictObject({
    /** `$.a.b[0]` style path into the response body. */
    path: z.string().regex(/^\$/, { error: 'expected a JSONPath starting with $' }),
    ...operatorFields,
  })
  .refine(exactlyOneOperator, { error: operatorError });

const headerAssertion = z
  .strictObject({ name: z.string().min(1), ...operatorFields })
  .refine(exactlyOneOperator, { error: operatorError });

const expect = z.strictObject({
  /** Accepted statuses: codes, classes ("2xx") or ranges ("200-299"). @default ["2xx"] */
  status: z.array(statusPattern).min(1).optional(),
  /** Slower than this → down (`assertion`). */
  maxResponseTimeMs: z.number().positive().optional(),
  /** Slower than this → degraded. */
  degradedResponseTimeMs: z.number().positive().optional(),
  bodyContains: z.string().min(1).optional(),
  bodyNotContains: z.string().min(1).optional(),
  bodyMatches: regex.optional(),
  json: z.array(jsonAssertion).optional(),
  headers: z.array(headerAssertion).optional(),
  /** Fewer days than this until the certificate expires → down (`assertion`). */
  certMinDaysRemaining: z.number().int().min(0).optional(),
});

/** Fields every check type shares; each may fall back to `defaults`. */
const commonCheck = {
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
  retries: z.number().int().min(0).max(5, { error: 'expected 0 to 5 retries' }).optional(),
  /** Pause before each retry. @default 1s */
  retryDelay: duration(0, 60_000, 'retryDelay').optional(),
  /** Consecutive degraded results before `degraded` is alerted. @default failureThreshold */
  degradedThreshold: threshold.optional(),
  /** @default warning */
  degradedSeverity: severity.optional(),
  /** Re-notify this often while down. @default off; at least 5m */
  repeatInterval: duration(300_000, 168 * HOUR_MS, 'repeatInterval').optional(),
  /** A label maintenance windows can name. */
  group: z.string().min(1).optional(),
  /** While any of these checks is down, this check's alerts are held (they are part of that outage). */
  dependsOn: z.array(z.string()).optional(),
  /** Flapping detection over the last `window` results; `false` turns it off. */
  flapping: z
    .union([
      z.literal(false),
      z.strictObject({
        /** @default 20 */
        window: z.number().int().min(4).max(100).default(20),
        /** State-change rate above which the check is flapping. @default 0.25 */
        high: z.number().gt(0).lt(1).default(0.25),
        /** Rate below which it has settled. @default 0.1 */
        low: z.number().gt(0).lt(1).default(0.1),
      }),
    ])
    .optional(),
};

const tlsOptions = z.strictObject({
  /** PEM file of extra trusted CAs, relative to the config file. The loader inlines it as `ca`. */
  caFile: z.string().min(1).optional(),
  ca: z.string().min(1).optional(),
  insecureSkipVerify: z.boolean().default(false),
});

const httpCheck = z.strictObject({
  ...commonCheck,
  type: z.literal('http'),
  url: httpUrl,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string(), secretRef).default({}),
  body: z.string().optional(),
  /** Sent as the Authorization header; never to another host after a redirect. */
  auth: z
    .union(
      [
        z.strictObject({ basic: z.strictObject({ username: z.string(), password: secretRef }) }),
        z.strictObject({ bearer: secretRef }),
      ],
      { error: 'expected { basic: { username, password } } or { bearer: TOKEN }' },
    )
    .optional(),
  tls: tlsOptions.optional(),
  /** @default true */
  followRedirects: z.boolean().default(true),
  /** More redirects than this → `redirect_limit`. @default 5 */
  maxRedirects: z.number().int().min(0).max(20).default(5),
  /** Follow a redirect to another host. @default true */
  crossHostRedirects: z.boolean().default(true),
  expect: expect.default({}),
  /** Understand `{"status":"healthy|degraded|unhealthy"}` bodies. @default false */
  healthJson: z.boolean().default(false),
  /** Largest body read (after decompression), in bytes. @default 1 MiB */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
});

const port = z.number().int().min(1, { error: 'expected a port 1-65535' }).max(65_535, { error: 'expected a port 1-65535' });

const tcpCheck = z.strictObject({
  ...commonCheck,
  type: z.literal('tcp'),
  host: z.string().min(1),
  port,
  /** Written once connected (e.g. "PING\r\n"). */
  send: z.string().optional(),
  /** The bytes received must contain this (read up to 64 KiB). */
  expectBanner: z.string().min(1).optional(),
});

const tlsCheck = z.strictObject({
  ...commonCheck,
  type: z.literal('tls'),
  host: z.string().min(1),
  /** @default 443 */
  port: port.default(443),
  /** SNI and the name the certificate must match. @default host */
  servername: z.string().min(1).optional(),
  caFile: z.string().min(1).optional(),
  ca: z.string().min(1).optional(),
  expect: z
    .strictObject({
      /** Fewer days left → down. @default 7 */
      certMinDaysRemaining: z.number().int().min(0).default(7),
      /** Fewer days left → degraded. @default 21 */
      certWarnDaysRemaining: z.number().int().min(0).default(21),
    })
    .default({ certMinDaysRemaining: 7, certWarnDaysRemaining: 21 }),
});

const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX'] as const;
const DNS_RCODES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED'] as const;

const dnsCheck = z.strictObject({
  ...commonCheck,
  type: z.literal('dns'),
  /** The name to resolve. */
  name: z.string().min(1),
  /** @default A */
  recordType: z.enum(DNS_RECORD_TYPES, { error: `expected one of ${DNS_RECORD_TYPES.join(', ')}` }).default('A'),
  /** "host" or "host:port" of the DNS server to ask. @default the system resolver */
  resolver: z
    .string()
    .regex(/^[^\s:]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/, { error: 'expected "host" or "host:port"' })
    .optional(),
  expect: z
    .strictObject({
      /** @default NOERROR */
      rcode: z.enum(DNS_RCODES, { error: `expected one of ${DNS_RCODES.join(', ')}` }).default('NOERROR'),
      /** Each of these must be among the answers (MX as "10 mail.example.com"). */
      answers: z.array(z.string()).optional(),
    })
    .default({ rcode: 'NOERROR' }),
});

const check = z.discriminatedUnion('type', [httpCheck, tcpCheck, tlsCheck, dnsCheck], {
  error: 'expected a check with type http, tcp, tls or dns',
});

export const ALERT_KINDS = ['down', 'degraded', 'recovered', 'reminder', 'flapping', 'test'] as const;

/** Which events a channel takes: at least this severity, and only these kinds (tests always pass). */
const routing = (minSeverity: Severity) => ({
  /** @default info (slack, webhook, email); critical (pagerduty) */
  minSeverity: severity.default(minSeverity),
  /** @default every kind */
  kinds: z.array(z.enum(ALERT_KINDS, { error: `expected one of ${ALERT_KINDS.join(', ')}` })).optional(),
});

const slackChannel = z.strictObject({ type: z.literal('slack'), webhookUrl: secretRef, ...routing('info') });
const pagerdutyChannel = z.strictObject({
  type: z.literal('pagerduty'),
  routingKey: secretRef,
  /** @default https://events.pagerduty.com/v2/enqueue */
  eventsUrl: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
  ...routing('critical'),
});
const webhookChannel = z.strictObject({
  type: z.literal('webhook'),
  url: secretRef,
  /** Signs each body: header `X-Vigil-Signature: sha256=<hex HMAC of the body>`. */
  hmacSecret: secretRef.optional(),
  ...routing('info'),
});
const emailChannel = z.strictObject({
  type: z.literal('email'),
  /** Delivered by an SNS e-mail subscription (AWS only; the address must confirm it). */
  address: z.email({ error: 'expected an e-mail address' }),
  ...routing('info'),
});
const channel = z.discriminatedUnion('type', [slackChannel, pagerdutyChannel, webhookChannel, emailChannel], {
  error: 'expected a channel with type slack, pagerduty, webhook or email',
});

const isoInstant = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time like 2026-11-22T02:00:00Z' });

const timeZone = z.string().refine(
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

/** When alerts are held: once (start/end) or recurring (cron + duration, in a time zone). */
const maintenanceWindow = z.union(
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

const defaults = z.strictObject({
  /** @default 60s */
  interval: interval.default(60_000),
  /** Whole check, DNS through last body byte. @default 10s */
  timeout: timeout.default(10_000),
  /** Consecutive failures before `down`. @default 3 */
  failureThreshold: threshold.default(3),
  /** Consecutive successes before `recovered`. @default 2 */
  successThreshold: threshold.default(2),
  /** @default critical */
  severity: severity.default('critical'),
  /** Outages in one `group` that start within this long go out as one notification. @default 30s */
  groupWait: duration(0, HOUR_MS, 'groupWait').default(30_000),
});

const configSchema = z.strictObject({
  defaults: defaults.default({
    interval: 60_000,
    timeout: 10_000,
    failureThreshold: 3,
    successThreshold: 2,
    severity: 'critical',
    groupWait: 30_000,
  }),
  channels: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), channel).default({}),
  checks: z.array(check).min(1, { error: 'expected at least one check' }),
  maintenance: z.array(maintenanceWindow).default([]),
});

type RawConfig = z.output<typeof configSchema>;
type RawCheck = RawConfig['checks'][number];
export type ChannelConfig = z.output<typeof channel>;
export type ChannelType = ChannelConfig['type'];
export type JsonAssertion = z.output<typeof jsonAssertion>;
export type HeaderAssertion = z.output<typeof headerAssertion>;
export type StatusPattern = z.output<typeof statusPattern>;

/** A check with every default applied: what probes and the state machine consume. */
interface ResolvedFields {
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
}
type Resolve<C> = Omit<C, keyof typeof commonCheck> & ResolvedFields & { readonly id: string };
export type HttpCheck = Resolve<Extract<RawCheck, { type: 'http' }>>;
export type TcpCheck = Resolve<Extract<RawCheck, { type: 'tcp' }>>;
export type TlsCheck = Resolve<Extract<RawCheck, { type: 'tls' }>>;
export type DnsCheck = Resolve<Extract<RawCheck, { type: 'dns' }>>;
export type Check = HttpCheck | TcpCheck | TlsCheck | DnsCheck;
export type CheckType = Check['type'];

export interface Config {
  readonly channels: Readonly<Record<string, ChannelConfig>>;
  readonly checks: readonly Check[];
  readonly maintenance: readonly MaintenanceWindow[];
}

/** Turns a zod issue path into `checks[2].expect.status[0]`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}

/**
 * Validates a parsed YAML/JSON document. Collects every problem before failing, each named by
 * its field path, so a user fixes the whole file in one go.
 */
export function parseConfig(document: unknown, source = 'config'): Config {
  if (document === null || document === undefined)
    throw new ConfigError(['(root): the config is empty; it needs at least `checks:`'], source);
  const parsed = configSchema.safeParse(document, { error: plainMessages });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap(describeIssue), source);
  }
  const raw = parsed.data;
  const checks = raw.checks.map((c) => resolveCheck(c, raw));
  const problems = crossCheckProblems(checks, raw);
  if (problems.length > 0) throw new ConfigError(problems, source);
  return { channels: raw.channels, checks, maintenance: raw.maintenance };
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  // One line per unknown key, at its own path: a typo is easiest to find where it is.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
  }
  return [`${formatPath(issue.path) || '(root)'}: ${issue.message}`];
}

function resolveCheck(c: RawCheck, raw: RawConfig): Check {
  const d = raw.defaults;
  const intervalMs = c.interval ?? d.interval;
  return {
    ...c,
    name: c.name ?? c.id,
    intervalMs,
    // A short interval shortens the default timeout with it; an explicit timeout is checked instead.
    timeoutMs: c.timeout ?? Math.min(d.timeout, intervalMs),
    failureThreshold: c.failureThreshold ?? d.failureThreshold,
    successThreshold: c.successThreshold ?? d.successThreshold,
    severity: c.severity ?? d.severity,
    channels: c.channels ?? Object.keys(raw.channels),
    runbookUrl: c.runbookUrl ?? null,
    retries: c.retries ?? 0,
    retryDelayMs: c.retryDelay ?? 1_000,
    degradedThreshold: c.degradedThreshold ?? c.failureThreshold ?? d.failureThreshold,
    degradedSeverity: c.degradedSeverity ?? 'warning',
    repeatIntervalMs: c.repeatInterval ?? null,
    flapping: c.flapping === false ? null : (c.flapping ?? { window: 20, high: 0.25, low: 0.1 }),
    group: c.group ?? null,
    dependsOn: c.dependsOn ?? [],
    groupWaitMs: d.groupWait,
  } as Check;
}

/** Rules that span fields: unique ids, known channels, timeout within interval. */
function crossCheckProblems(checks: readonly Check[], raw: RawConfig): string[] {
  const problems: string[] = [];
  const firstIndex = new Map<string, number>();
  const channelNames = Object.keys(raw.channels);
  checks.forEach((c, i) => {
    const at = `checks[${i}]`;
    const seen = firstIndex.get(c.id);
    if (seen === undefined) firstIndex.set(c.id, i);
    else problems.push(`${at}.id: duplicate id "${c.id}" (also checks[${seen}])`);
    raw.checks[i]?.channels?.forEach((name, j) => {
      if (!(name in raw.channels)) {
        const known = channelNames.length > 0 ? channelNames.join(', ') : 'none defined';
        problems.push(`${at}.channels[${j}]: unknown channel "${name}" (channels: ${known})`);
      }
    });
    if (c.timeoutMs > c.intervalMs) {
      problems.push(`${at}.timeout: ${formatDuration(c.timeoutMs)} is longer than the interval ${formatDuration(c.intervalMs)}`);
    }
    if (c.type === 'http') {
      const { maxResponseTimeMs: max, degradedResponseTimeMs: degraded } = c.expect;
      if (max !== undefined && degraded !== undefined && degraded >= max) {
        problems.push(`${at}.expect.degradedResponseTimeMs: ${degraded} must be below maxResponseTimeMs ${max}`);
      }
      if (c.tls?.caFile && c.tls.ca) problems.push(`${at}.tls: give caFile or ca, not both`);
    }
    if (c.flapping && c.flapping.low >= c.flapping.high) {
      problems.push(`${at}.flapping.low: ${c.flapping.low} must be below high ${c.flapping.high}`);
    }
    if (c.type === 'tls') {
      const { certMinDaysRemaining: min, certWarnDaysRemaining: warn } = c.expect;
      if (warn < min) problems.push(`${at}.expect.certWarnDaysRemaining: ${warn} must not be below certMinDaysRemaining ${min}`);
    }
  });
  problems.push(...dependencyProblems(checks), ...maintenanceProblems(raw.maintenance, checks));
  return problems;
}

function dependencyProblems(checks: readonly Check[]): string[] {
  const ids = new Set(checks.map((c) => c.id));
  const problems = checks.flatMap((c, i) =>
    c.dependsOn.flatMap((parent, j) => {
      if (parent === c.id) return [`checks[${i}].dependsOn[${j}]: a check cannot depend on itself`];
      return ids.has(parent) ? [] : [`checks[${i}].dependsOn[${j}]: unknown check "${parent}"`];
    }),
  );
  const parents = new Map(checks.map((c) => [c.id, c.dependsOn]));
  const visiting = new Set<string>();
  const done = new Set<string>();
  const cycleFrom = (id: string, path: string[]): string[] | null => {
    if (visiting.has(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return null;
    visiting.add(id);
    for (const parent of parents.get(id) ?? []) {
      const cycle = parent === id ? null : cycleFrom(parent, [...path, id]);
      if (cycle) return cycle;
    }
    visiting.delete(id);
    done.add(id);
    return null;
  };
  for (const c of checks) {
    const cycle = cycleFrom(c.id, []);
    if (cycle) {
      problems.push(`checks[${checks.indexOf(c)}].dependsOn: dependency cycle ${cycle.join(' → ')}`);
      break;
    }
  }
  return problems;
}

function maintenanceProblems(windows: readonly MaintenanceWindow[], checks: readonly Check[]): string[] {
  const ids = new Set(checks.map((c) => c.id));
  const groups = new Set(checks.flatMap((c) => (c.group ? [c.group] : [])));
  return windows.flatMap((w, i) => {
    const at = `maintenance[${i}]`;
    const problems = [
      ...(w.checks ?? []).flatMap((id, j) => (ids.has(id) ? [] : [`${at}.checks[${j}]: unknown check "${id}"`])),
      ...(w.groups ?? []).flatMap((g, j) => (groups.has(g) ? [] : [`${at}.groups[${j}]: no check is in group "${g}"`])),
    ];
    if ('start' in w && Date.parse(w.end) <= Date.parse(w.start)) problems.push(`${at}.end: must be after start`);
    if ('cron' in w) {
      const problem = cronProblem(w.cron, w.timezone);
      if (problem) problems.push(`${at}.cron: ${problem}`);
    }
    return problems;
  });
}
