/**
 * What `vigil status-page` publishes, pure: only checks marked `public: true`, by group, their state now,
 * 90 days of daily uptime and the open and recent incidents with their updates. Names and states only:
 * no URL ever, and error texts and timings only when asked for (`show`). The JSON feed is this object.
 */
import { DAY_MS } from './duration.js';
import { humanDuration } from './format.js';
import { newestLook, summarize } from './history.js';
import { type BarState, barsOf, type CheckHistory, historyOf, stretches } from './report-model.js';
import { shownPercentile } from './rollup.js';
import type { StatusPageConfig } from './schema-parts.js';
import type { ErrorKind } from './types.js';
import { type StatusNow, statusNow } from './watch.js';

export const STATUS_PAGE_DAYS = 90;
/** Incidents that ended this long ago or less are listed as recent. */
export const RECENT_INCIDENT_MS = 14 * DAY_MS;

/** What the public sees of a state: a failure streak under the threshold is not an outage yet. */
export type PublicState = 'up' | 'degraded' | 'down' | 'maintenance' | 'unknown';
/** Worst first: what a group, and the page, shows. */
const PUBLIC_RANK: readonly PublicState[] = ['down', 'degraded', 'unknown', 'maintenance', 'up'];

export interface StatusDay {
  /** The UTC day, YYYY-MM-DD. */
  readonly date: string;
  readonly state: BarState;
  readonly uptimePercent: number | null;
}

export interface PublicCheck {
  readonly id: string;
  readonly name: string;
  readonly state: PublicState;
  readonly lastCheckedAt: string | null;
  /** Over the 90 days, runs not down over runs; null with no runs. */
  readonly uptimePercent: number | null;
  readonly days: readonly StatusDay[];
  /** Only with `show.latency`. */
  readonly latencyMs?: { readonly p50: number | null; readonly p95: number | null };
}

export interface PublicGroup {
  /** null: the checks in no group. */
  readonly name: string | null;
  readonly state: PublicState;
  readonly uptimePercent: number | null;
  /** Per day, the worst of its checks. */
  readonly days: readonly StatusDay[];
  readonly checks: readonly PublicCheck[];
}

export interface IncidentUpdate {
  readonly at: string;
  readonly status: 'investigating' | 'update' | 'resolved' | 'unknown';
  readonly message: string;
}

export interface PublicIncident {
  readonly id: string;
  readonly checkId: string;
  readonly checkName: string;
  readonly group: string | null;
  readonly status: 'ongoing' | 'resolved' | 'unknown';
  readonly title: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number;
  /** Only with `show.errors`: the error kind and the target's message (untrusted text). */
  readonly cause?: { readonly kind: ErrorKind; readonly message: string } | null;
  /** Newest first. */
  readonly updates: readonly IncidentUpdate[];
}

export interface StatusPage {
  readonly version: 1;
  readonly generatedAt: string;
  readonly state: PublicState;
  /** "All systems operational", "Partial outage", … */
  readonly headline: string;
  readonly groups: readonly PublicGroup[];
  readonly incidents: { readonly open: readonly PublicIncident[]; readonly recent: readonly PublicIncident[] };
}

/** What may be shown beyond names and states. @default neither */
export interface StatusPageShow {
  readonly errors: boolean;
  readonly latency: boolean;
}

/** The config's `statusPage`: what its page shows, and its title. */
export const pageShows = (config: { readonly statusPage?: StatusPageConfig }): StatusPageShow => ({
  errors: config.statusPage?.show.includes('errors') ?? false,
  latency: config.statusPage?.show.includes('latency') ?? false,
});
export const pageTitle = (config: { readonly statusPage?: StatusPageConfig }) => config.statusPage?.title ?? 'Service status';

export function publicState(status: StatusNow): PublicState {
  return status === 'pending' ? 'up' : status;
}

export function worstPublic(states: readonly PublicState[]): PublicState {
  return PUBLIC_RANK.find((s) => states.includes(s)) ?? 'unknown';
}

const BAR_RANK: readonly BarState[] = ['down', 'degraded', 'up', 'unknown'];

function headlineOf(states: readonly PublicState[]): string {
  if (states.length === 0) return 'No public checks';
  const down = states.filter((s) => s === 'down').length;
  if (down > 0) return down === states.length ? 'Major outage' : 'Partial outage';
  if (states.includes('degraded')) return 'Degraded performance';
  if (states.includes('unknown')) return states.every((s) => s === 'unknown') ? 'No recent data' : 'Some checks not reporting';
  if (states.includes('maintenance')) return 'Under maintenance';
  return 'All systems operational';
}

const uptimeOf = (runs: number, up: number) => (runs === 0 ? null : Math.floor((up / runs) * 100_000) / 1000);

export function buildStatusPage(
  histories: readonly CheckHistory[],
  now: Date,
  show: StatusPageShow = { errors: false, latency: false },
): StatusPage {
  const until = now.getTime();
  const today = Math.floor(until / DAY_MS) * DAY_MS;
  const days = stretches(today - (STATUS_PAGE_DAYS - 1) * DAY_MS, today + DAY_MS, DAY_MS);
  const published = histories.filter((h) => h.check.public);
  const checks = published.map((h) => publicCheck(h, days, now, show));
  const groups = new Map<string | null, PublicCheck[]>();
  published.forEach((h, i) => {
    groups.set(h.check.group, [...(groups.get(h.check.group) ?? []), checks[i] as PublicCheck]);
  });
  const incidents = published.flatMap((h, i) => publicIncidents(h, (checks[i] as PublicCheck).state, now, show));
  return {
    version: 1,
    generatedAt: now.toISOString(),
    state: checks.length === 0 ? 'unknown' : worstPublic(checks.map((c) => c.state)),
    headline: headlineOf(checks.map((c) => c.state)),
    groups: [...groups].map(([name, members]) => groupOf(name, members)),
    incidents: {
      open: incidents.filter((i) => i.status !== 'resolved'),
      recent: incidents.filter((i) => i.status === 'resolved' && until - Date.parse(i.endedAt as string) <= RECENT_INCIDENT_MS),
    },
  };
}

function publicCheck(h: CheckHistory, days: ReturnType<typeof stretches>, now: Date, show: StatusPageShow): PublicCheck {
  const from = (days[0] as { from: number }).from;
  const history = historyOf(h, now);
  const all = summarize(history, from, now.getTime(), { openEnd: true });
  const bars = barsOf(history, days);
  const { status, lastCheckedAt } = statusNow(h.state, h.check.intervalMs, now, newestLook(history));
  return {
    id: h.check.id,
    name: h.check.name,
    state: publicState(status),
    lastCheckedAt,
    uptimePercent: uptimeOf(all.runs, all.runs - all.down),
    days: bars.map((b) => ({ date: b.from.slice(0, 10), state: b.state, uptimePercent: b.uptimePercent })),
    ...(show.latency ? { latencyMs: { p50: shownPercentile(all, 50), p95: shownPercentile(all, 95) } } : {}),
  };
}

function groupOf(name: string | null, checks: readonly PublicCheck[]): PublicGroup {
  const first = checks[0] as PublicCheck;
  const known = checks.filter((c) => c.uptimePercent !== null);
  return {
    name,
    state: worstPublic(checks.map((c) => c.state)),
    // The mean of its checks': a group is as available as its parts on average, the bars show the worst.
    uptimePercent:
      known.length === 0
        ? null
        : Math.floor((known.reduce((sum, c) => sum + (c.uptimePercent as number), 0) / known.length) * 1000) / 1000,
    days: first.days.map((day, i) => {
      const states = checks.map((c) => (c.days[i] as StatusDay).state);
      const uptimes = checks.flatMap((c) => (c.days[i]?.uptimePercent == null ? [] : [c.days[i]?.uptimePercent as number]));
      return {
        date: day.date,
        state: BAR_RANK.find((s) => states.includes(s)) ?? 'unknown',
        uptimePercent: uptimes.length === 0 ? null : Math.min(...uptimes),
      };
    }),
    checks,
  };
}

function publicIncidents(h: CheckHistory, state: PublicState, now: Date, show: StatusPageShow): PublicIncident[] {
  const until = now.getTime();
  const { check } = h;
  const lastLook = h.state?.lastResultAt ?? newestLook(historyOf(h, now));
  return h.incidents
    .filter((i) => !i.endedAt || until - Date.parse(i.endedAt) <= RECENT_INCIDENT_MS)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .map((i) => {
      const start = Date.parse(i.startedAt);
      const status = i.endedAt ? 'resolved' : state === 'unknown' ? 'unknown' : 'ongoing';
      const end = i.endedAt
        ? Date.parse(i.endedAt)
        : status === 'unknown' && lastLook
          ? Math.max(start, Date.parse(lastLook))
          : until;
      const outage = i.cause !== null;
      const updates: IncidentUpdate[] = [
        {
          at: i.startedAt,
          status: 'investigating',
          message: outage
            ? `${check.name} is not responding as expected.`
            : `${check.name} is slower or less reliable than its objective.`,
        },
        ...i.notifications
          .filter((n) => n.kind === 'reminder' && !n.heldBy && !n.checkId)
          .map((n) => ({
            at: n.at,
            status: 'update' as const,
            message: `Still affected after ${humanDuration(Date.parse(n.at) - start)}.`,
          })),
        ...(i.endedAt
          ? [{ at: i.endedAt, status: 'resolved' as const, message: `Resolved after ${humanDuration(end - start)}.` }]
          : status === 'unknown' && lastLook
            ? [{ at: lastLook, status: 'unknown' as const, message: 'Monitoring stopped; the current state is unknown.' }]
            : []),
      ];
      return {
        id: i.id,
        checkId: check.id,
        checkName: check.name,
        group: check.group,
        status,
        title: outage ? `${check.name} outage` : `${check.name} degraded`,
        startedAt: i.startedAt,
        endedAt: i.endedAt,
        durationMs: i.endedAt && i.durationMs !== null ? i.durationMs : end - start,
        ...(show.errors ? { cause: i.cause ? { kind: i.cause.kind, message: i.cause.message } : null } : {}),
        updates: updates.reverse(),
      };
    });
}
