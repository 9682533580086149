/**
 * ★ The config contract (DESIGN.md): one zod schema gives validation, defaults and the types.
 * Everything here is pure: reading files and resolving secrets happen at the edges.
 */
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import { ConfigError } from './errors.js';
import type { Severity } from './types.js';

const duration = (min: number, what: string) =>
  z.string({ error: `expected a duration like "500ms", "10s", "5m"` }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like "500ms", "10s", "5m", got "${text}"` });
      return z.NEVER;
    }
    if (ms < min) {
      ctx.addIssue({ code: 'custom', message: `${what} must be at least ${formatDuration(min)}, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });

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

const httpStatus = z.number().refine((n) => Number.isInteger(n) && n >= 100 && n <= 599, {
  error: (issue) => `expected an HTTP status 100-599, got ${String(issue.input)}`,
});

const checkId = z.string({ error: 'expected an id of 1-64 characters a-z, 0-9 and -' }).regex(/^[a-z0-9-]{1,64}$/, {
  error: (issue) => `expected an id of 1-64 characters a-z, 0-9 and -, got "${String(issue.input)}"`,
});

const jsonAssertion = z.strictObject({
  /** `$.a.b[0]` style path into the response body. */
  path: z.string().regex(/^\$/, { error: 'expected a JSONPath starting with $' }),
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});

const expect = z.strictObject({
  /** Accepted status codes. @default 200-299 */
  status: z.array(httpStatus).min(1).optional(),
  /** Slower than this → down (`assertion`). */
  maxResponseTimeMs: z.number().positive().optional(),
  /** Slower than this → degraded. */
  degradedResponseTimeMs: z.number().positive().optional(),
  bodyContains: z.string().min(1).optional(),
  json: z.array(jsonAssertion).optional(),
  /** Fewer days than this until the certificate expires → down (`assertion`). */
  certMinDaysRemaining: z.number().int().min(0).optional(),
});

/** Fields every check type shares; each may fall back to `defaults`. */
const commonCheck = {
  id: checkId,
  name: z.string().min(1).optional(),
  interval: duration(1_000, 'interval').optional(),
  timeout: duration(100, 'timeout').optional(),
  failureThreshold: threshold.optional(),
  successThreshold: threshold.optional(),
  severity: severity.optional(),
  /** Channel names; a check without `channels` notifies every channel. */
  channels: z.array(z.string()).optional(),
  runbookUrl: httpUrl.optional(),
};

const httpCheck = z.strictObject({
  ...commonCheck,
  type: z.literal('http'),
  url: httpUrl,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string(), secretRef).default({}),
  body: z.string().optional(),
  tls: z
    .strictObject({
      /** PEM file of extra trusted CAs, relative to the config file. The loader inlines it as `ca`. */
      caFile: z.string().min(1).optional(),
      ca: z.string().min(1).optional(),
      insecureSkipVerify: z.boolean().default(false),
    })
    .optional(),
  expect: expect.default({}),
  /** Understand `{"status":"healthy|degraded|unhealthy"}` bodies. @default false */
  healthJson: z.boolean().default(false),
  /** Largest body read, in bytes. @default 1 MiB */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
});

const tcpCheck = z.strictObject({
  ...commonCheck,
  type: z.literal('tcp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535, { error: 'expected a port 1-65535' }),
});

const check = z.discriminatedUnion('type', [httpCheck, tcpCheck], {
  error: 'expected a check with type http or tcp',
});

const slackChannel = z.strictObject({ type: z.literal('slack'), webhookUrl: secretRef });
const pagerdutyChannel = z.strictObject({
  type: z.literal('pagerduty'),
  routingKey: secretRef,
  /** @default https://events.pagerduty.com/v2/enqueue */
  eventsUrl: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
});
const channel = z.discriminatedUnion('type', [slackChannel, pagerdutyChannel], {
  error: 'expected a channel with type slack or pagerduty',
});

const defaults = z.strictObject({
  /** @default 60s */
  interval: duration(1_000, 'interval').default(60_000),
  /** Whole check, DNS through last body byte. @default 10s */
  timeout: duration(100, 'timeout').default(10_000),
  /** Consecutive failures before `down`. @default 3 */
  failureThreshold: threshold.default(3),
  /** Consecutive successes before `recovered`. @default 2 */
  successThreshold: threshold.default(2),
  /** @default critical */
  severity: severity.default('critical'),
});

const configSchema = z.strictObject({
  defaults: defaults.default({
    interval: 60_000,
    timeout: 10_000,
    failureThreshold: 3,
    successThreshold: 2,
    severity: 'critical',
  }),
  channels: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), channel).default({}),
  checks: z.array(check).min(1, { error: 'expected at least one check' }),
});

type RawConfig = z.output<typeof configSchema>;
type RawCheck = RawConfig['checks'][number];
export type ChannelConfig = z.output<typeof channel>;
export type ChannelType = ChannelConfig['type'];
export type JsonAssertion = z.output<typeof jsonAssertion>;

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
}
type Resolve<C> = Omit<C, keyof typeof commonCheck> & ResolvedFields & { readonly id: string };
export type HttpCheck = Resolve<Extract<RawCheck, { type: 'http' }>>;
export type TcpCheck = Resolve<Extract<RawCheck, { type: 'tcp' }>>;
export type Check = HttpCheck | TcpCheck;
export type CheckType = Check['type'];

export interface Config {
  readonly channels: Readonly<Record<string, ChannelConfig>>;
  readonly checks: readonly Check[];
}

/** Turns a zod issue path into `checks[2].expect.status[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}

/**
 * Validates a parsed YAML/JSON document. Collects every problem before failing, each named by
 * its field path, so a user fixes the whole file in one go.
 */
export function parseConfig(document: unknown, source = 'config'): Config {
  const parsed = configSchema.safeParse(document);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap(describeIssue), source);
  }
  const raw = parsed.data;
  const checks = raw.checks.map((c) => resolveCheck(c, raw));
  const problems = crossCheckProblems(checks, raw);
  if (problems.length > 0) throw new ConfigError(problems, source);
  return { channels: raw.channels, checks };
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
  });
  return problems;
}
