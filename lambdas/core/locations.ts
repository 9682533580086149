/**
 * ★ Locations (docs/architecture.md, "Locations and quorum"): where a check is probed from. A location is
 * a name and an AWS region, optionally a VPC whose private addresses it reaches; a check probes from the
 * locations it names (default: every location without a VPC) and is down when `quorum` of them agree.
 * No `locations` in the config is one location, unnamed, as before they existed. Pure.
 */
import * as z from 'zod';

const name = z.string().regex(/^[a-z0-9-]{1,32}$/, {
  error: (issue) => `expected a location name of 1-32 characters a-z, 0-9 and -, got ${JSON.stringify(issue.input)}`,
});

/** An AWS region name like eu-west-1 (the stack deploys a probe stack there). */
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, {
  error: (issue) => `expected an AWS region like eu-west-1, got ${JSON.stringify(issue.input)}`,
});

const awsId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), {
    error: (issue) => `expected an id like ${prefix}-0123456789abcdef0, got ${JSON.stringify(issue.input)}`,
  });

export const locationSchema = z.strictObject({
  name,
  region,
  /** Probes from inside this VPC (its private addresses); the probe gets its own egress-only security group. */
  vpc: z
    .strictObject({
      vpcId: awsId('vpc'),
      subnetIds: z.array(awsId('subnet')).min(1, { error: 'expected at least one subnet id' }),
      /** Added to the probe's own security group. @default none */
      securityGroupIds: z.array(awsId('sg')).optional(),
    })
    .optional(),
  /**
   * A URL that answers from this location whenever its network works (2xx or 3xx): probed before each
   * cycle's checks, and while it fails the location's results are left out of every quorum. @default none
   */
  control: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
});
export type Location = z.output<typeof locationSchema>;

/** A check's fields about where it probes from; `locations: []` is the one unnamed location of a config without any. */
export interface LocationFields {
  /** The locations it probes from, by name. @default every location without a VPC; none without `locations` */
  readonly locations: readonly string[];
  /** How many of them must see it down (or degraded) in the same window. @default a majority; 1 without locations */
  readonly quorum: number;
}

/** A majority of `count` locations: 1 of 1, 2 of 2, 2 of 3, 3 of 4. */
export const majority = (count: number) => Math.floor(count / 2) + 1;

/** The check's locations and quorum once the config's locations are known. */
export function resolveLocations(
  given: { readonly locations?: readonly string[] | undefined; readonly quorum?: number | undefined },
  all: readonly Location[],
): LocationFields {
  const locations = given.locations ?? all.filter((l) => !l.vpc).map((l) => l.name);
  return { locations: [...locations], quorum: given.quorum ?? majority(Math.max(1, locations.length)) };
}

/** Whether a check is judged from more than one location: then its results are combined before they are decided on. */
/** How long a location's control probe may take: it runs before each batch of the location's checks. */
export const CONTROL_TIMEOUT_MS = 5_000;

/** The locations some check is probed from: each has a probe of its own in its region (lib/locations.ts). */
export function probingLocations<L extends { readonly name: string }>(
  locations: readonly L[],
  checks: readonly { readonly locations: readonly string[] }[],
): L[] {
  return locations.filter((l) => checks.some((c) => c.locations.includes(l.name)));
}

export const isMultiLocation = (check: LocationFields) => check.locations.length > 1;

/**
 * The host a check reaches, as written: an http URL's host, a tcp or tls check's host, a dns check's
 * resolver. Null when it names none (heartbeats, dns on the system resolver).
 */
export function targetHost(check: Record<string, unknown>): string | null {
  if (typeof check.url === 'string') {
    try {
      return new URL(check.url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return null;
    }
  }
  if (typeof check.host === 'string') return check.host;
  if (typeof check.resolver === 'string') {
    const bracketed = /^\[([^\]]+)\]/.exec(check.resolver);
    return bracketed?.[1] ?? check.resolver.split(':')[0] ?? null;
  }
  return null;
}

/**
 * Whether an address literal is private: RFC 1918 (10/8, 172.16/12, 192.168/16), shared address space
 * (100.64/10) or an IPv6 unique local address (fc00::/7). Loopback is not: it is how checks are tried on
 * one machine. A host name is not resolved here, so it never counts as private.
 */
export function isPrivateAddress(host: string): boolean {
  // Parsed here, not with node:net: the core goes into every bundle, and only the probe's may carry sockets.
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b, ...rest] = v4.slice(1).map(Number) as [number, number, number, number];
    if ([a, b, ...rest].some((n) => n > 255)) return false;
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  return host.includes(':') && /^f[cd][0-9a-f]{0,2}:[0-9a-f:.]*$/i.test(host);
}

/** Problems of the top-level `locations` list: duplicate names. */
export function locationListProblems(all: readonly Location[]): string[] {
  const seen = new Map<string, number>();
  return all.flatMap((location, index) => {
    const first = seen.get(location.name);
    if (first === undefined) {
      seen.set(location.name, index);
      return [];
    }
    return [`locations[${index}].name: duplicate location "${location.name}" (also locations[${first}])`];
  });
}

/**
 * Problems of one check's locations: unknown names, a quorum it cannot reach, a heartbeat given
 * locations (it is judged where its reports arrive), and a private address probed from no VPC location.
 */
export function checkLocationProblems(
  at: string,
  raw: { readonly type: string; readonly locations?: readonly string[] | undefined; readonly quorum?: number | undefined },
  check: Record<string, unknown> & LocationFields,
  all: readonly Location[],
): string[] {
  const problems: string[] = [];
  const known = all.map((l) => l.name);
  if (raw.type === 'heartbeat' && (raw.locations || raw.quorum !== undefined)) {
    return [`${at}.locations: a heartbeat check is judged where its reports arrive; it takes no locations or quorum`];
  }
  if (all.length === 0 && (raw.locations || raw.quorum !== undefined)) {
    return [`${at}.${raw.locations ? 'locations' : 'quorum'}: the config has no top-level locations to probe from`];
  }
  raw.locations?.forEach((locationName, j) => {
    if (!known.includes(locationName))
      problems.push(`${at}.locations[${j}]: unknown location "${locationName}" (locations: ${known.join(', ')})`);
    else if (raw.locations?.indexOf(locationName) !== j)
      problems.push(`${at}.locations[${j}]: "${locationName}" is listed twice`);
  });
  if (all.length > 0 && raw.type !== 'heartbeat' && check.locations.length === 0) {
    problems.push(`${at}.locations: no location to probe from (every location has a VPC: name the ones this check uses)`);
  }
  if (check.locations.length > 0 && check.quorum > check.locations.length) {
    problems.push(
      `${at}.quorum: ${check.quorum} is more than the check's ${check.locations.length} location${check.locations.length === 1 ? '' : 's'} (${check.locations.join(', ')})`,
    );
  }
  const host = targetHost(check);
  if (all.length > 0 && host && isPrivateAddress(host)) {
    const outside = check.locations.filter((n) => !all.find((l) => l.name === n)?.vpc);
    if (outside.length > 0) {
      problems.push(
        `${at}.locations: ${host} is a private address, which ${outside.map((n) => `"${n}"`).join(', ')} (no VPC) cannot reach; name only locations with a vpc`,
      );
    }
  }
  return problems;
}
