/**
 * A check's history as the report reads it, pure: stored rollups of complete hours and days, and results
 * only where no rollup can answer (the hour now, the part of an hour a window starts in, hours not rolled
 * up yet). `summarize` cuts any stretch the read was planned for out of it as one rollup; a history of
 * results alone (`historyOfResults`) answers every stretch exactly, as reports did before rollups.
 * docs/scaling.md, "Rollups", has the arithmetic.
 */
import { DAY_MS, HOUR_MS } from './duration.js';
import { emptyRollup, mergeRollups, type Rollup, rollupOf } from './rollup.js';
import type { ObjectiveConfig } from './schema-parts.js';
import { type Span, STALE_AFTER_INTERVALS } from './span.js';
import type { CheckResult } from './types.js';

export interface History {
  readonly intervalMs: number;
  /** Latency objectives' thresholds: what a stretch of results counts slow runs against. */
  readonly thresholds: readonly number[];
  /** Nothing before this was read: stretches are clipped to it. */
  readonly start: number;
  readonly now: number;
  /** Stored rollups (hours and days), by start. */
  readonly units: readonly Rollup[];
  /** Results read, oldest first, and the stretches read in full (the last may end at `now`: it runs on). */
  readonly raw: readonly CheckResult[];
  readonly rawSpans: readonly Span[];
}

export const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;
/** The first boundary of `unit` strictly after `t`. */
export const nextBoundary = (t: number, unit: number) => floorTo(t, unit) + unit;

/** The thresholds of a check's latency objectives. */
export function latencyThresholds(objectives: readonly ObjectiveConfig[]): number[] {
  return [...new Set(objectives.flatMap((o) => ('latency' in o ? [o.latency.under] : [])))];
}

/** A history of results alone, read from `start` on: every stretch exact. */
export function historyOfResults(
  results: readonly CheckResult[],
  check: { readonly intervalMs: number; readonly objectives: readonly ObjectiveConfig[] },
  start: number,
  now: number,
): History {
  return {
    intervalMs: check.intervalMs,
    thresholds: latencyThresholds(check.objectives),
    start: Math.min(start, ...results.slice(0, 1).map((r) => Date.parse(r.startedAt))),
    now,
    units: [],
    raw: results,
    rawSpans: [{ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }],
  };
}

export interface SummarizeOptions {
  /** Leave out a run at exactly `from` (objectives count runs after their window's start). */
  readonly exclusiveFrom?: boolean;
  /** Count runs from `to` on too (results are read up to the newest: a report's period runs on). */
  readonly openEnd?: boolean;
}

/**
 * The stretch [from, to) of the history as one rollup: stored rollups where they fit whole, results
 * elsewhere. `from` is clipped to the history's start. A stretch the read did not plan for (results
 * needed but not read) is an error: the numbers would be wrong, not slow.
 */
export function summarize(h: History, fromMs: number, toMs: number, options: SummarizeOptions = {}): Rollup {
  const from = Math.max(fromMs, h.start);
  const end = options.openEnd ? Number.POSITIVE_INFINITY : toMs;
  const index = unitIndex(h);
  let cursor = from;
  let merged = emptyRollup(from, from, h.intervalMs);
  while (cursor < end) {
    const skipUnit = cursor === from && options.exclusiveFrom;
    const unit = skipUnit ? undefined : index.longestAt(cursor, end);
    if (unit) {
      merged = mergeRollups(merged, unit, h.intervalMs);
      cursor = unit.to;
      continue;
    }
    const next = Math.min(end, index.nextStartAfter(cursor));
    if (!covered(h.rawSpans, cursor, next)) {
      throw new Error(
        `history of ${new Date(cursor).toISOString()} to ${Number.isFinite(next) ? new Date(next).toISOString() : 'now'} was neither rolled up nor read`,
      );
    }
    const piece = rollupOf(
      sliceRaw(h.raw, cursor, next),
      { from: cursor, to: next },
      h.intervalMs,
      h.thresholds,
      cursor === from && options.exclusiveFrom,
    );
    merged = mergeRollups(merged, piece, h.intervalMs);
    cursor = next;
  }
  return { ...merged, from, to: Math.max(from, Math.min(toMs, h.now)) };
}

/** The last look before `t` that still covers it (within two intervals), or null. */
export function lookBefore(h: History, t: number): number | null {
  const times = rawTimes(h);
  const i = lowerBound(times, t) - 1;
  const look = i >= 0 ? (times[i] as number) : null;
  return look !== null && look >= t - STALE_AFTER_INTERVALS * h.intervalMs ? look : null;
}

/** The newest look the history holds, as ISO; null with none. */
export function newestLook(h: History): string | null {
  const times = rawTimes(h);
  let newest = times.length > 0 ? (times[times.length - 1] as number) : Number.NEGATIVE_INFINITY;
  for (const u of h.units) if (u.lastAt !== null && u.lastAt > newest) newest = u.lastAt;
  return Number.isFinite(newest) ? new Date(newest).toISOString() : null;
}

function covered(spans: readonly Span[], from: number, to: number): boolean {
  let cursor = from;
  for (const span of spans) {
    if (span.from <= cursor && span.to > cursor) cursor = span.to;
    if (cursor >= to) return true;
  }
  return cursor >= to;
}

const timesCache = new WeakMap<readonly CheckResult[], number[]>();
function rawTimes(h: History): number[] {
  let times = timesCache.get(h.raw);
  if (!times) {
    times = h.raw.map((r) => Date.parse(r.startedAt));
    timesCache.set(h.raw, times);
  }
  return times;
}

function sliceRaw(raw: readonly CheckResult[], from: number, to: number): readonly CheckResult[] {
  const times = timesCache.get(raw) ?? raw.map((r) => Date.parse(r.startedAt));
  timesCache.set(raw, times);
  return raw.slice(lowerBound(times, from), Number.isFinite(to) ? lowerBound(times, to) : raw.length);
}

/** The first index whose value is ≥ t. */
function lowerBound(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface UnitIndex {
  /** The longest stored rollup starting at `t` that ends by `end`. */
  longestAt(t: number, end: number): Rollup | undefined;
  /** The first start of a stored rollup after `t`, or +∞. */
  nextStartAfter(t: number): number;
}

const indexCache = new WeakMap<readonly Rollup[], UnitIndex>();
function unitIndex(h: History): UnitIndex {
  const cached = indexCache.get(h.units);
  if (cached) return cached;
  const byStart = new Map<number, Rollup[]>();
  for (const u of h.units)
    byStart.set(
      u.from,
      [...(byStart.get(u.from) ?? []), u].sort((a, b) => b.to - a.to),
    );
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  const index: UnitIndex = {
    longestAt: (t, end) => byStart.get(t)?.find((u) => u.to <= end),
    nextStartAfter: (t) => {
      const i = lowerBound(starts, t + 1);
      return i < starts.length ? (starts[i] as number) : Number.POSITIVE_INFINITY;
    },
  };
  indexCache.set(h.units, index);
  return index;
}

/** What a report will summarize: planned before reading, so only what it needs is read. */
export interface HistoryNeeds {
  /** Nothing before this is read. */
  readonly start: number;
  readonly now: number;
  readonly intervalMs: number;
  /**
   * Starts of stretches that do not begin on an hour (or begin on one but leave out a run exactly there):
   * results from each to the next hour are read.
   */
  readonly edges: readonly number[];
  /** Starts of stretches on an hour that count a run exactly there: only that day's hourly rollups are read. @default none */
  readonly hourStarts?: readonly number[];
  /** Times whose last look before them matters (a period's start): two intervals of results before each. */
  readonly looksBefore: readonly number[];
  /** From here on stretches are cut finer than days: hourly rollups are read, not daily. */
  readonly hoursFrom: number;
}

/** The reads a history needs: daily rollups, hourly rollups and results, as stretches to query. */
export interface HistoryPlan {
  readonly days: Span | null;
  readonly hours: readonly Span[];
  readonly raw: readonly Span[];
}

/** The first read: days over the whole history, hours around the edges and over the last day, results at the edges. */
export function planHistory(needs: HistoryNeeds): HistoryPlan {
  const { start, now } = needs;
  const currentHour = floorTo(now, HOUR_MS);
  const firstDay = nextBoundary(start - 1, DAY_MS);
  const lastDay = floorTo(now, DAY_MS);
  // A stretch ending inside a day reads that day's hours up to its end: from the day `hoursFrom` is in.
  const hoursFrom = Math.max(start, Math.min(needs.hoursFrom, lastDay));
  const hours: Span[] = [{ from: floorTo(hoursFrom, DAY_MS), to: currentHour }];
  const raw: Span[] = [{ from: currentHour, to: Number.POSITIVE_INFINITY }];
  for (const e of [...needs.edges, start]) {
    if (e < start || e >= now) continue;
    raw.push({ from: e, to: Math.min(now, nextBoundary(e, HOUR_MS)) });
    hours.push({ from: nextBoundary(e, HOUR_MS), to: Math.min(currentHour, nextBoundary(e, DAY_MS)) });
  }
  for (const t of needs.hourStarts ?? []) {
    if (t >= start && t < now) hours.push({ from: t, to: Math.min(currentHour, nextBoundary(t, DAY_MS)) });
  }
  for (const t of needs.looksBefore) raw.push({ from: Math.max(0, t - STALE_AFTER_INTERVALS * needs.intervalMs), to: t });
  return { days: firstDay < lastDay ? { from: firstDay, to: lastDay } : null, hours: coalesce(hours), raw: coalesce(raw) };
}

const unitKey = (from: number, length: number) => `${from}:${length}`;

/** The second read, once the first's rollups are in: the hours of days with no daily rollup. */
export function missingDays(plan: HistoryPlan, units: readonly Rollup[]): Span[] {
  const have = new Set(units.map((u) => unitKey(u.from, u.to - u.from)));
  const hours: Span[] = [];
  if (plan.days) {
    for (let d = plan.days.from; d < plan.days.to; d += DAY_MS)
      if (!have.has(unitKey(d, DAY_MS))) hours.push({ from: d, to: d + DAY_MS });
  }
  return coalesce(hours);
}

/** The last read: results of the hours read as hourly rollups that have none (not sealed yet). */
export function missingHours(needs: HistoryNeeds, hourSpans: readonly Span[], units: readonly Rollup[]): Span[] {
  const have = new Set(units.map((u) => unitKey(u.from, u.to - u.from)));
  const raw: Span[] = [];
  for (const span of coalesce(hourSpans)) {
    for (let t = Math.max(span.from, nextBoundary(needs.start - 1, HOUR_MS)); t < span.to; t += HOUR_MS) {
      if (!have.has(unitKey(t, HOUR_MS))) raw.push({ from: t, to: t + HOUR_MS });
    }
  }
  return coalesce(raw);
}

/** Stretches merged where they touch or overlap, empty ones dropped, in order. */
export function coalesce(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.to > s.from).sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.from <= last.to) out[out.length - 1] = { from: last.from, to: Math.max(last.to, s.to) };
    else out.push({ ...s });
  }
  return out;
}
