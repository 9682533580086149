/**
 * ★ The config contract (docs/architecture.md, README "Config reference"): one zod schema gives
 * validation, defaults and the types. Check types and channel providers bring their own schemas
 * (lambdas/checks, lambdas/channels); this file puts them together and checks what spans them.
 * Everything here is pure: reading files and resolving secrets happen at the edges.
 */
import * as z from 'zod';
import { CHANNEL_TYPES, type ChannelConfig, channelSchemas } from '../channels/registry.js';
import type { CheckTypeDefinition } from '../checks/check-type.js';
import { CHECK_TYPES, type Check, type CheckType, checkSchemas } from '../checks/registry.js';
import { plainMessages } from '../core/config-messages.js';
import { didYouMean } from '../core/did-you-mean.js';
import { formatDuration, HOUR_MS } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import { knownFieldsAt } from '../core/known-fields.js';
import {
  checkLocationProblems,
  type Location,
  locationListProblems,
  locationSchema,
  resolveLocations,
} from '../core/locations.js';
import { cronProblem } from '../core/maintenance.js';
import { objectiveProblems } from '../core/objectives.js';
import {
  commonCheck,
  duration,
  FLAPPING_DEFAULTS,
  httpUrl,
  interval,
  type MaintenanceWindow,
  maintenanceWindow,
  type ObjectiveConfig,
  objective,
  type StatusPageConfig,
  severity,
  statusPageConfig,
  threshold,
  timeout,
} from '../core/schema-parts.js';

export type { ChannelConfig, ChannelType } from '../channels/registry.js';
export type { DnsCheck } from '../checks/dns/schema.js';
export type { HeartbeatCheck } from '../checks/heartbeat/schema.js';
export type { HeaderAssertion, HttpCheck, JsonAssertion, StatusPattern } from '../checks/http/schema.js';
export type { Check, CheckType } from '../checks/registry.js';
export type { TcpCheck } from '../checks/tcp/schema.js';
export type { TlsCheck } from '../checks/tls/schema.js';
export type { Location } from '../core/locations.js';
export type { MaintenanceWindow, SecretRef } from '../core/schema-parts.js';

/** "a, b, c or d" */
const oneOf = (names: readonly string[]) => `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;

const check = z.discriminatedUnion('type', checkSchemas, {
  error: `expected a check with type ${oneOf(Object.keys(CHECK_TYPES))}`,
});
/** A check's shared fields and a known type, its own fields left out: what the rules across fields read of a broken check. */
const sharedFields = z.object({ ...commonCheck, type: z.enum(Object.keys(CHECK_TYPES) as [CheckType, ...CheckType[]]) });
const channel = z.discriminatedUnion('type', channelSchemas, {
  error: `expected a channel with type ${oneOf(Object.keys(CHANNEL_TYPES))}`,
});

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
  /**
   * Objectives of every check that does not list its own; a latency objective here applies only to
   * checks that time a response (http, dns, tcp that sends or expects bytes). @default none
   */
  objectives: z.array(objective).default([]),
  /** Whether checks are shown on `vigil status-page`; a check's own `public` wins. @default false */
  public: z.boolean().default(false),
});

const configSchema = z.strictObject({
  // Parsed through `defaults` so each default is declared once, above.
  defaults: defaults.prefault({}),
  // Own properties only: a channel named `constructor` is an ordinary name, not Object's.
  channels: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), channel).default({}),
  checks: z.array(check).min(1, { error: 'expected at least one check' }),
  maintenance: z.array(maintenanceWindow).default([]),
  /** Where `vigil run` reports heartbeats: the stack's HeartbeatUrl output, or a `vigil monitor --listen` address. */
  heartbeatUrl: httpUrl.optional(),
  /** Where checks are probed from (lambdas/core/locations.ts). @default none: one unnamed location, as the stack's own region */
  locations: z.array(locationSchema).default([]),
  statusPage: statusPageConfig.optional(),
});

type RawConfig = z.output<typeof configSchema>;
type RawCheck = RawConfig['checks'][number];
type Defaults = RawConfig['defaults'];

export interface Config {
  readonly channels: Readonly<Record<string, ChannelConfig>>;
  readonly checks: readonly Check[];
  readonly maintenance: readonly MaintenanceWindow[];
  readonly heartbeatUrl?: string;
  /** Where checks are probed from; empty: one unnamed location. @default [] */
  readonly locations: readonly Location[];
  /** The status page's title and what it shows; in AWS, that the stack publishes it. @default none */
  readonly statusPage?: StatusPageConfig;
  /** What the config means that its reader might not expect (for `vigil validate`). @default none */
  readonly notes?: readonly string[];
}

/** What the cross-field rules look at: the checks and windows that parsed, at their own index. */
interface Parts {
  /**
   * `partial`: the check failed its own fields, and only the fields every check shares parsed; the rules
   * across its shared fields still run, its type's own rules (which need every field) do not.
   */
  readonly checks: readonly { readonly index: number; readonly raw: RawCheck; readonly check: Check; readonly partial?: true }[];
  readonly windows: readonly { readonly index: number; readonly window: MaintenanceWindow }[];
  readonly channelNames: readonly string[];
  /** Each check's id and group as the document gives them, parsed or not: a broken check still owns its id. */
  readonly ids: readonly (string | undefined)[];
  readonly groups: ReadonlySet<string>;
  /** `defaults.objectives`, so a problem of one is named where it is written. */
  readonly defaultObjectives: readonly ObjectiveConfig[];
  /** The top-level locations that parsed. */
  readonly locations: readonly Location[];
}

/** Turns a zod issue path into `checks[2].expect.status[0]`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}

/**
 * Validates a parsed YAML/JSON document. Collects every problem before failing, each named by
 * its field path, so a user fixes the whole file in one go: the rules that span fields (unique
 * ids, known channels, timeout within interval) run on whatever parsed even when other fields did not.
 */
export function parseConfig(document: unknown, source = 'config'): Config {
  if (document === null || document === undefined)
    throw new ConfigError(['(root): the config is empty; it needs at least `checks:`'], source);
  const parsed = configSchema.safeParse(document, { error: plainMessages });
  if (!parsed.success) {
    const fieldProblems = parsed.error.issues.flatMap((issue) => describeIssue(issue, document));
    throw new ConfigError([...fieldProblems, ...crossFieldProblems(partsThatParse(document))], source);
  }
  const raw = parsed.data;
  const channelNames = Object.keys(raw.channels);
  const checks = raw.checks.map((c, index) => ({
    index,
    raw: c,
    check: resolveCheck(c, raw.defaults, channelNames, raw.locations),
  }));
  const windows = raw.maintenance.map((window, index) => ({ index, window }));
  const problems = crossFieldProblems({
    checks,
    windows,
    channelNames,
    ids: raw.checks.map((c) => c.id),
    groups: new Set(raw.checks.flatMap((c) => c.group ?? [])),
    defaultObjectives: raw.defaults.objectives,
    locations: raw.locations,
  });
  if (problems.length > 0) throw new ConfigError(problems, source);
  // No prototype: a channel named `constructor` is a channel, and an unknown name finds nothing.
  const channels: Record<string, ChannelConfig> = Object.assign(Object.create(null), raw.channels);
  const notes = defaultObjectiveNotes(checks, raw.defaults);
  return {
    channels,
    checks: checks.map((c) => c.check),
    maintenance: raw.maintenance,
    locations: raw.locations,
    ...(raw.heartbeatUrl ? { heartbeatUrl: raw.heartbeatUrl } : {}),
    ...(raw.statusPage ? { statusPage: raw.statusPage } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

const latencyOf = (check: Check) => (CHECK_TYPES[check.type] as CheckTypeDefinition<Check>).latency(check);

/** Which checks the defaults' latency objectives leave out, and why. */
function defaultObjectiveNotes(checks: Parts['checks'], d: Defaults): string[] {
  if (!d.objectives.some((o) => 'latency' in o)) return [];
  const left = checks.flatMap(({ raw, check: c }) => {
    if (raw.objectives) return [];
    const kind = latencyOf(c);
    return kind === 'response' ? [] : [`${c.id} (${c.type}: ${kind === 'none' ? 'no response time' : 'connection only'})`];
  });
  return left.length === 0
    ? []
    : [`defaults.objectives: latency objectives apply to checks that time a response, not to ${left.join(', ')}`];
}

function describeIssue(issue: z.core.$ZodIssue, document: unknown): string[] {
  // One line per unknown key, at its own path: a typo is easiest to find where it is.
  if (issue.code === 'unrecognized_keys') {
    const known = knownFieldsAt(configSchema, document, issue.path);
    return issue.keys.map((key) => {
      const guess = didYouMean(key, known);
      return `${formatPath([...issue.path, key])}: unknown field${guess ? ` (did you mean ${guess}?)` : ''}`;
    });
  }
  return [`${formatPath(issue.path) || '(root)'}: ${issue.message}${typeGuess(issue.path, document)}`];
}

/** " (did you mean slack?)" for `type: slak` on a channel or a check; "" otherwise. */
function typeGuess(path: readonly PropertyKey[], document: unknown): string {
  if (path.at(-1) !== 'type' || (path[0] !== 'checks' && path[0] !== 'channels')) return '';
  const typed = path.reduce<unknown>(
    (value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
    document,
  );
  if (typeof typed !== 'string') return '';
  const guess = didYouMean(typed, Object.keys(path[0] === 'checks' ? CHECK_TYPES : CHANNEL_TYPES));
  return guess ? ` (did you mean ${guess}?)` : '';
}

/** The parts of a document that failed as a whole which still parse one by one. */
function partsThatParse(document: unknown): Parts {
  const doc = (document !== null && typeof document === 'object' ? document : {}) as Record<string, unknown>;
  const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
  const given = defaults.safeParse(doc.defaults ?? {});
  const d = given.success ? given.data : defaults.parse({});
  const channelNames = doc.channels !== null && typeof doc.channels === 'object' ? Object.keys(doc.channels) : [];
  const locations = list(doc.locations).flatMap((value) => {
    const l = locationSchema.safeParse(value);
    return l.success ? [l.data] : [];
  });
  const checks = list(doc.checks).flatMap((value, index) => {
    const c = check.safeParse(value);
    if (c.success) return [{ index, raw: c.data, check: resolveCheck(c.data, d, channelNames, locations) }];
    // `port: 99999` must not hide `timeout: 2h` over `interval: 90m`: the shared fields alone may still parse.
    const shared = sharedFields.safeParse(value);
    if (!shared.success) return [];
    const raw = shared.data as RawCheck;
    return [{ index, raw, check: resolveCheck(raw, d, channelNames, locations), partial: true as const }];
  });
  const windows = list(doc.maintenance).flatMap((value, index) => {
    const w = maintenanceWindow.safeParse(value);
    return w.success ? [{ index, window: w.data }] : [];
  });
  const named = (field: string) =>
    list(doc.checks).map((c) => {
      const value = c !== null && typeof c === 'object' ? (c as Record<string, unknown>)[field] : undefined;
      return typeof value === 'string' ? value : undefined;
    });
  return {
    checks,
    windows,
    channelNames,
    ids: named('id'),
    groups: new Set(named('group').filter((g) => g !== undefined)),
    defaultObjectives: d.objectives,
    locations,
  };
}

/** A check's shared fields, falling back to `defaults`; its type's own fields stay as parsed. */
function resolveCheck(c: RawCheck, d: Defaults, channelNames: readonly string[], locations: readonly Location[]): Check {
  const intervalMs = c.interval ?? d.interval;
  const own = (CHECK_TYPES[c.type] as CheckTypeDefinition<Check>).thresholds;
  const failureThreshold = c.failureThreshold ?? own?.failure ?? d.failureThreshold;
  // Object.assign, not a spread: spreading then adding this many new keys costs V8 about 30 µs an
  // object (a few thousand checks: a tenth of a second at every start of `vigil check`).
  const resolved = Object.assign({}, c, {
    name: c.name ?? c.id,
    intervalMs,
    // A short interval shortens the default timeout with it; an explicit timeout is checked instead.
    timeoutMs: c.timeout ?? Math.min(d.timeout, intervalMs),
    failureThreshold,
    successThreshold: c.successThreshold ?? own?.success ?? d.successThreshold,
    severity: c.severity ?? d.severity,
    channels: c.channels ?? [...channelNames],
    runbookUrl: c.runbookUrl ?? null,
    retryDelayMs: c.retryDelay,
    degradedThreshold: c.degradedThreshold ?? failureThreshold,
    repeatIntervalMs: c.repeatInterval ?? null,
    flapping: c.flapping === false ? null : (c.flapping ?? FLAPPING_DEFAULTS),
    group: c.group ?? null,
    dependsOn: c.dependsOn ?? [],
    groupWaitMs: d.groupWait,
    objectives: c.objectives ?? d.objectives,
    public: c.public ?? d.public,
    // A heartbeat is judged where its reports arrive: one place, whatever the config's locations.
    ...(c.type === 'heartbeat' ? { locations: [], quorum: 1 } : resolveLocations(c, locations)),
  }) as Check;
  // Only now is the check whole enough to say what its latency is.
  if (!c.objectives && latencyOf(resolved) !== 'response') {
    return Object.assign(resolved, { objectives: d.objectives.filter((o) => !('latency' in o)) });
  }
  return resolved;
}

/** Rules that span fields: unique ids, known channels, timeout within interval, dependencies, windows. */
function crossFieldProblems(parts: Parts): string[] {
  const problems: string[] = [];
  const firstIndex = new Map<string, number>();
  parts.ids.forEach((id, index) => {
    if (id === undefined) return;
    const seen = firstIndex.get(id);
    if (seen === undefined) firstIndex.set(id, index);
    else problems.push(`checks[${index}].id: duplicate id "${id}" (also checks[${seen}])`);
  });
  for (const { index, raw, check: c, partial } of parts.checks) {
    const at = `checks[${index}]`;
    raw.channels?.forEach((name, j) => {
      if (!parts.channelNames.includes(name)) {
        const known = parts.channelNames.length > 0 ? parts.channelNames.join(', ') : 'none defined';
        problems.push(`${at}.channels[${j}]: unknown channel "${name}" (channels: ${known})`);
      }
    });
    if (c.timeoutMs > c.intervalMs) {
      problems.push(`${at}.timeout: ${formatDuration(c.timeoutMs)} is longer than the interval ${formatDuration(c.intervalMs)}`);
    }
    if (c.flapping && c.flapping.low >= c.flapping.high) {
      problems.push(`${at}.flapping.low: ${c.flapping.low} must be below high ${c.flapping.high}`);
    }
    problems.push(...checkLocationProblems(at, raw, c as unknown as Record<string, unknown> & Check, parts.locations));
    const own = partial ? [] : ((CHECK_TYPES[c.type] as CheckTypeDefinition<Check>).problems?.(c) ?? []);
    problems.push(...own.map((problem) => `${at}.${problem}`));
    // An objective from `defaults` is named there, with the check it fails for.
    const objectiveAt = (j: number) => (raw.objectives ? `${at}.objectives[${j}]` : `defaults.objectives[${j}]`);
    const forCheck = raw.objectives ? '' : ` (check ${c.id})`;
    c.objectives.forEach((o, j) => {
      const problem = objectiveProblems(o, c.intervalMs);
      if (problem) problems.push(`${objectiveAt(raw.objectives ? j : parts.defaultObjectives.indexOf(o))}.${problem}${forCheck}`);
      if ('latency' in o && latencyOf(c) === 'none') {
        problems.push(`${objectiveAt(j)}.latency: a ${c.type} check has no response time to measure`);
      }
    });
  }
  problems.push(...dependencyProblems(parts), ...maintenanceProblems(parts), ...locationListProblems(parts.locations));
  return problems;
}

function dependencyProblems({ checks, ids: named }: Parts): string[] {
  const ids = new Set(named);
  const problems = checks.flatMap(({ index, check: c }) =>
    c.dependsOn.flatMap((parent, j) => {
      if (parent === c.id) return [`checks[${index}].dependsOn[${j}]: a check cannot depend on itself`];
      return ids.has(parent) ? [] : [`checks[${index}].dependsOn[${j}]: unknown check "${parent}"`];
    }),
  );
  const parents = new Map(checks.map(({ check: c }) => [c.id, c.dependsOn]));
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
  for (const { index, check: c } of checks) {
    const cycle = cycleFrom(c.id, []);
    if (cycle) {
      problems.push(`checks[${index}].dependsOn: dependency cycle ${cycle.join(' → ')}`);
      break;
    }
  }
  return problems;
}

function maintenanceProblems({ windows, ids: named, groups }: Parts): string[] {
  const ids = new Set(named);
  return windows.flatMap(({ index, window: w }) => {
    const at = `maintenance[${index}]`;
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
