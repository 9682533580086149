/**
 * ★ The config contract (docs/architecture.md, README "Config reference"): one zod schema gives
 * validation, defaults and the types. Check types and channel providers bring their own schemas
 * (lambdas/checks, lambdas/channels); this file puts them together and checks what spans them.
 * Everything here is pure: reading files and resolving secrets happen at the edges.
 */
import { z } from 'zod';
import { CHANNEL_TYPES, type ChannelConfig, channelSchemas } from '../channels/registry.js';
import type { CheckTypeDefinition } from '../checks/check-type.js';
import { CHECK_TYPES, type Check, checkSchemas } from '../checks/registry.js';
import { plainMessages } from './config-messages.js';
import { formatDuration } from './duration.js';
import { ConfigError } from './errors.js';
import { cronProblem } from './maintenance.js';
import { duration, FLAPPING_DEFAULTS, HOUR_MS, interval, severity, threshold, timeout } from './schema-parts.js';

export type { ChannelConfig, ChannelType } from '../channels/registry.js';
export type { DnsCheck } from '../checks/dns/schema.js';
export type { HeaderAssertion, HttpCheck, JsonAssertion, StatusPattern } from '../checks/http/schema.js';
export type { Check, CheckType } from '../checks/registry.js';
export type { TcpCheck } from '../checks/tcp/schema.js';
export type { TlsCheck } from '../checks/tls/schema.js';
export type { SecretRef } from './schema-parts.js';

/** "a, b, c or d" */
const oneOf = (names: readonly string[]) => `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;

const check = z.discriminatedUnion('type', checkSchemas, {
  error: `expected a check with type ${oneOf(Object.keys(CHECK_TYPES))}`,
});
const channel = z.discriminatedUnion('type', channelSchemas, {
  error: `expected a channel with type ${oneOf(Object.keys(CHANNEL_TYPES))}`,
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
  // Parsed through `defaults` so each default is declared once, above.
  defaults: defaults.prefault({}),
  // Own properties only: a channel named `constructor` is an ordinary name, not Object's.
  channels: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), channel).default({}),
  checks: z.array(check).min(1, { error: 'expected at least one check' }),
  maintenance: z.array(maintenanceWindow).default([]),
});

type RawConfig = z.output<typeof configSchema>;
type RawCheck = RawConfig['checks'][number];

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
  // No prototype: a channel named `constructor` is a channel, and an unknown name finds nothing.
  const channels: Record<string, ChannelConfig> = Object.assign(Object.create(null), raw.channels);
  return { channels, checks, maintenance: raw.maintenance };
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  // One line per unknown key, at its own path: a typo is easiest to find where it is.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
  }
  return [`${formatPath(issue.path) || '(root)'}: ${issue.message}`];
}

/** A check's shared fields, falling back to `defaults`; its type's own fields stay as parsed. */
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
    retryDelayMs: c.retryDelay,
    degradedThreshold: c.degradedThreshold ?? c.failureThreshold ?? d.failureThreshold,
    repeatIntervalMs: c.repeatInterval ?? null,
    flapping: c.flapping === false ? null : (c.flapping ?? FLAPPING_DEFAULTS),
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
      if (!Object.hasOwn(raw.channels, name)) {
        const known = channelNames.length > 0 ? channelNames.join(', ') : 'none defined';
        problems.push(`${at}.channels[${j}]: unknown channel "${name}" (channels: ${known})`);
      }
    });
    if (c.timeoutMs > c.intervalMs) {
      problems.push(`${at}.timeout: ${formatDuration(c.timeoutMs)} is longer than the interval ${formatDuration(c.intervalMs)}`);
    }
    if (c.flapping && c.flapping.low >= c.flapping.high) {
      problems.push(`${at}.flapping.low: ${c.flapping.low} must be below high ${c.flapping.high}`);
    }
    const own = (CHECK_TYPES[c.type] as CheckTypeDefinition<Check>).problems?.(c) ?? [];
    problems.push(...own.map((problem) => `${at}.${problem}`));
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
