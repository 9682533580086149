/**
 * The stage between recording and deciding (docs/architecture.md, "Locations and quorum"): what several
 * locations saw of a check becomes one judged result per window, which the state machine decides on as it
 * would on one location's. With one location a result passes through untouched. Pure.
 *
 * The window: a judgement is made once every location that is reporting has a result newer than the
 * last judgement, so each judgement counts each location once, whatever the skew between their clocks
 * or schedules (one interval plus that skew). The check is down when at least `quorum` of them saw it
 * down, degraded when `quorum` saw it degraded or down, up otherwise. A location that has not reported for
 * two intervals (plus the check's timeout), or whose control probe fails, is left out: the others do not
 * wait for it and it counts for nothing. With fewer usable locations than the quorum nothing is judged
 * (the state stays as it was), so a broken region never pages for its targets, nor resolves what they paged.
 *
 * Silence is measured between results' start times, never against the clock the decision runs at: results
 * kept while the store was down and decided later, in order, say the same as when they were probed. After a
 * stretch in which no location reported (the monitor stopped), every location starts afresh: none is told
 * unavailable for the time nobody was watching.
 */
import type { CheckState } from '../check-state.js';
import { humanDuration } from '../format.js';
import { isMultiLocation } from '../locations.js';
import type { CheckBase } from '../schema-parts.js';
import type { CheckResult, CheckStatus, LocationSeen, ProbeError, Timings } from '../types.js';

/** One location's newest result, in brief: what a judgement reads of it. */
export interface OriginSeen {
  readonly startedAt: string;
  readonly status: CheckStatus;
  readonly error: ProbeError | null;
  readonly httpStatus: number | null;
  readonly timings: Timings;
  readonly detail: string | null;
  /** How late this process's event loop ran while it was timed (its latency counts only under the threshold). */
  readonly loopLagMs?: number;
  /** Why the location's control probe failed, while it does. */
  readonly fault?: string;
  /** Counted in a judgement already: the next one waits for a newer result. */
  readonly judged: boolean;
}

/** What a check's state keeps of its locations (only a check probed from several has it). */
export interface Origins {
  readonly seen: Readonly<Record<string, OriginSeen>>;
  /** When the first result of any location arrived: a location never heard from is unavailable once it is this old. */
  readonly since: string;
  /** Locations told as unavailable; told again once they are back. */
  readonly unavailable: readonly string[];
}

export type StateWithOrigins = CheckState & { readonly origins?: Origins };

/** A location that stopped counting for the check (`available: false`), or counts again. */
export interface LocationNews {
  readonly checkId: string;
  readonly location: string;
  readonly available: boolean;
  readonly reason: string;
}

export interface Combined {
  /** The state with this result taken in (what a decision starts from, or what is written while waiting). */
  readonly state: StateWithOrigins;
  /** What to decide on now, or null while the window waits for other locations (or too few can be counted). */
  readonly judged: CheckResult | null;
  readonly news: readonly LocationNews[];
}

/** How a result is known among the state's last ones: its start, and its location when several are combined. */
export function arrivalId(check: CheckBase, result: CheckResult): string {
  return isMultiLocation(check) && result.location ? `${result.startedAt}#${result.location}` : result.startedAt;
}

/** A location silent this long is left out: two intervals, and the check's timeout for the last one's probe. */
export const silentAfterMs = (check: CheckBase) => 2 * check.intervalMs + check.timeoutMs;

const SEEN_RESULTS = 10;

export function combine(prev: StateWithOrigins, result: CheckResult, check: CheckBase, now: Date): Combined {
  if (!isMultiLocation(check)) return { state: prev, judged: result, news: [] };
  const location = result.location;
  const seenResults = [...prev.seenResults, arrivalId(check, result)].slice(-SEEN_RESULTS);
  const before = prev.origins ?? { seen: {}, since: result.startedAt, unavailable: [] };
  // A result of no location, or of one the check no longer names, is recorded and counts for nothing.
  if (!location || !check.locations.includes(location)) {
    return { state: { ...prev, seenResults, origins: before }, judged: null, news: [] };
  }
  const known = before.seen[location];
  const seen: Record<string, OriginSeen> = {};
  for (const name of check.locations) {
    const entry = before.seen[name];
    if (entry) seen[name] = entry;
  }
  if (!known || result.startedAt > known.startedAt) seen[location] = brief(result);

  const silentAfter = silentAfterMs(check);
  const arrivedAt = Date.parse(result.startedAt);
  const heardBefore = Math.max(...Object.values(before.seen).map((e) => Date.parse(e.startedAt)));
  // Nobody reported for longer than a location may be silent: nothing was watching, and all start afresh.
  const since = !(arrivedAt - heardBefore <= silentAfter) ? result.startedAt : before.since;
  const fresh = (entry: OriginSeen | undefined): entry is OriginSeen => entry !== undefined && entry.startedAt >= since;
  const latest = Math.max(arrivedAt, ...Object.values(seen).map((e) => Date.parse(e.startedAt)));
  const why = (name: string): string | null => {
    const entry = seen[name];
    if (!fresh(entry)) {
      const waited = latest - Date.parse(since);
      return waited > silentAfter ? `no result from it in ${humanDuration(waited)}` : null;
    }
    const age = latest - Date.parse(entry.startedAt);
    if (age > silentAfter)
      return `no result from it in ${humanDuration(age)} (every ${humanDuration(check.intervalMs)} expected)`;
    return entry.fault ? `its control probe fails: ${entry.fault}` : null;
  };
  const reasons = new Map(check.locations.map((name) => [name, why(name)]));
  // A result decided long after it was probed (kept while the store was down) changes nothing to tell now.
  const replayed = now.getTime() - arrivedAt > silentAfter;
  const unavailable = replayed ? before.unavailable : check.locations.filter((name) => reasons.get(name) !== null);
  const news: LocationNews[] = [
    ...unavailable
      .filter((name) => !before.unavailable.includes(name))
      .map((name) => ({ checkId: check.id, location: name, available: false, reason: reasons.get(name) ?? '' })),
    ...before.unavailable
      .filter((name) => check.locations.includes(name) && !unavailable.includes(name))
      .map((name) => ({ checkId: check.id, location: name, available: true, reason: 'reporting again' })),
  ];
  // Reporting and usable: counted, and waited for.
  const usable = check.locations.filter((name) => fresh(seen[name]) && reasons.get(name) === null);
  const complete = usable.length >= check.quorum && usable.every((name) => !seen[name]?.judged);
  const origins: Origins = { seen, since, unavailable };
  if (!complete) return { state: { ...prev, seenResults, origins }, judged: null, news };

  const judged = verdict(
    check,
    result,
    usable.map((name) => [name, seen[name] as OriginSeen] as const),
  );
  const marked = Object.fromEntries(Object.entries(seen).map(([name, entry]) => [name, { ...entry, judged: true }]));
  return { state: { ...prev, seenResults, origins: { ...origins, seen: marked } }, judged, news };
}

function brief(result: CheckResult): OriginSeen {
  return {
    startedAt: result.startedAt,
    status: result.status,
    error: result.error,
    httpStatus: result.httpStatus,
    timings: result.timings,
    detail: result.detail,
    ...(result.loopLagMs === undefined ? {} : { loopLagMs: result.loopLagMs }),
    ...(result.locationFault ? { fault: result.locationFault } : {}),
    judged: false,
  };
}

/** The window's one result: the quorum's verdict, told with what each location saw. */
function verdict(check: CheckBase, arrival: CheckResult, view: readonly (readonly [string, OriginSeen])[]): CheckResult {
  const down = view.filter(([, s]) => s.status === 'down');
  const bad = view.filter(([, s]) => s.status !== 'up');
  const status: CheckStatus = down.length >= check.quorum ? 'down' : bad.length >= check.quorum ? 'degraded' : 'up';
  const agreeing = status === 'down' ? down : status === 'degraded' ? bad : [];
  const agreed = new Set(agreeing.map(([name]) => name));
  // What the result shows (timings, status code): the arriving location's when it agrees, else the first that does.
  const matching = status === 'up' ? view.filter(([, s]) => s.status === 'up') : agreeing;
  const [, shown] =
    matching.find(([name]) => name === arrival.location) ?? matching[0] ?? (view[0] as readonly [string, OriginSeen]);
  const degradedDetail = agreeing.find(([, s]) => s.detail)?.[1].detail ?? 'slow or failing';
  const locations: LocationSeen[] = view.map(([name, s]) => ({
    location: name,
    status: s.status,
    error: s.error,
    httpStatus: s.httpStatus,
    totalMs: s.timings.totalMs,
    startedAt: s.startedAt,
    agreed: agreed.has(name),
  }));
  return {
    checkId: check.id,
    status,
    error: status === 'down' ? (shown.error ?? { kind: 'internal', message: 'down without an error' }) : null,
    httpStatus: shown.httpStatus,
    timings: shown.timings,
    startedAt: arrival.startedAt,
    detail: status === 'degraded' ? degradedDetail : null,
    ...(shown.loopLagMs === undefined ? {} : { loopLagMs: shown.loopLagMs }),
    locations,
    quorum: check.quorum,
  };
}
