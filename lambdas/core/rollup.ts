/**
 * A stretch of a check's results summed up, pure: what the report and the status page read about an hour
 * or a day without reading its results (docs/scaling.md, "Rollups"). Counts are exact; latency is a
 * digest (./latency-digest.ts: percentiles within 1%); watched time is kept as the first and last look
 * and the unwatched gaps between looks, so ./watch.ts's rule gives the same stretches as from results.
 * Rollups of neighbouring stretches merge into the rollup of both, so days are made of hours and a
 * period of days.
 */
import {
  digestOf,
  digestPercentile,
  EMPTY_DIGEST,
  type LatencyDigest,
  mergeDigests,
  countAtLeast as overCount,
} from './latency-digest.js';
import { type Span, STALE_AFTER_INTERVALS } from './span.js';
import { countedLatencyMs, timedUnderLag } from './trusted-latency.js';
import type { CheckResult, ErrorKind } from './types.js';

export const ROLLUP_PHASES = ['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'transferMs'] as const;
export type RollupPhase = (typeof ROLLUP_PHASES)[number];

/** A rollup keeps at most this many unwatched gaps; past that the rest count as watched (docs/scaling.md). */
export const MAX_GAPS = 100;

export interface Rollup {
  /** The stretch summed up, epoch ms, `from` inclusive and `to` exclusive. */
  readonly from: number;
  readonly to: number;
  readonly runs: number;
  readonly up: number;
  readonly degraded: number;
  readonly down: number;
  /** The first and last look's `startedAt` in the stretch (epoch ms); null with no runs. */
  readonly firstAt: number | null;
  readonly lastAt: number | null;
  /**
   * Neighbouring looks inside the stretch further apart than two intervals (each `[look, next look]`): the
   * first look covers two intervals, the rest of the pair is unwatched. At most MAX_GAPS.
   */
  readonly gaps: readonly (readonly [number, number])[];
  /** Gaps left out past MAX_GAPS (counted as watched). */
  readonly gapsDropped: number;
  /** The runs latency counts (trusted-latency.ts): their total time. */
  readonly latency: LatencyDigest;
  /** Over the same runs, per phase: the sum of the milliseconds and how many runs had the phase. */
  readonly phases: Readonly<Record<RollupPhase, readonly [sum: number, runs: number]>>;
  /** Down runs by error kind. */
  readonly errors: Readonly<Partial<Record<ErrorKind, number>>>;
  /** Runs a latency objective judges (objectives.ts `judgeRun`): not down, not timed under heavy lag. */
  readonly judged: number;
  /** Per latency threshold (ms) of the check's objectives: judged runs at or over it. */
  readonly slow: Readonly<Record<string, number>>;
  /** The check's interval the gaps were found with. */
  readonly intervalMs: number;
}

const NO_PHASES = Object.fromEntries(ROLLUP_PHASES.map((p) => [p, [0, 0]])) as unknown as Rollup['phases'];

export function emptyRollup(from: number, to: number, intervalMs: number): Rollup {
  return {
    from,
    to,
    runs: 0,
    up: 0,
    degraded: 0,
    down: 0,
    firstAt: null,
    lastAt: null,
    gaps: [],
    gapsDropped: 0,
    latency: EMPTY_DIGEST,
    phases: NO_PHASES,
    errors: {},
    judged: 0,
    slow: {},
    intervalMs,
  };
}

/**
 * The rollup of [from, to) from its results (oldest first; those outside are ignored). `thresholds` are the
 * latency objectives' `under` values to count slow runs against. `exclusiveFrom` leaves out a run at
 * exactly `from` (objectives count runs after their window's start).
 */
export function rollupOf(
  results: readonly CheckResult[],
  span: Span,
  intervalMs: number,
  thresholds: readonly number[],
  exclusiveFrom = false,
): Rollup {
  let runs = 0;
  let up = 0;
  let degraded = 0;
  let down = 0;
  let judged = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  const gaps: [number, number][] = [];
  let gapsDropped = 0;
  const latencies: number[] = [];
  const phases = Object.fromEntries(ROLLUP_PHASES.map((p) => [p, [0, 0]])) as Record<RollupPhase, [number, number]>;
  const errors: Partial<Record<ErrorKind, number>> = {};
  const slow: Record<string, number> = Object.fromEntries(thresholds.map((t) => [String(t), 0]));
  for (const result of results) {
    const at = Date.parse(result.startedAt);
    if (at < span.from || at >= span.to || (exclusiveFrom && at === span.from)) continue;
    runs++;
    if (result.status === 'up') up++;
    else if (result.status === 'degraded') degraded++;
    else {
      down++;
      if (result.error) errors[result.error.kind] = (errors[result.error.kind] ?? 0) + 1;
    }
    if (lastAt !== null && at - lastAt > STALE_AFTER_INTERVALS * intervalMs) {
      if (gaps.length < MAX_GAPS) gaps.push([lastAt, at]);
      else gapsDropped++;
    }
    firstAt ??= at;
    lastAt = at;
    if (result.status !== 'down' && !timedUnderLag(result)) {
      judged++;
      for (const t of thresholds) if (result.timings.totalMs >= t) slow[String(t)] = (slow[String(t)] ?? 0) + 1;
    }
    const latency = countedLatencyMs(result);
    if (latency === null) continue;
    latencies.push(latency);
    for (const phase of ROLLUP_PHASES) {
      const ms = result.timings[phase];
      if (ms === null || ms === undefined) continue;
      phases[phase][0] += ms;
      phases[phase][1]++;
    }
  }
  return {
    from: span.from,
    to: span.to,
    runs,
    up,
    degraded,
    down,
    firstAt,
    lastAt,
    gaps,
    gapsDropped,
    latency: digestOf(latencies),
    phases,
    errors,
    judged,
    slow,
    intervalMs,
  };
}

/** `a` and the stretch right after it, `b`, as one; `intervalMs` finds a gap across their boundary. */
export function mergeRollups(a: Rollup, b: Rollup, intervalMs: number): Rollup {
  const across: [number, number][] =
    a.lastAt !== null && b.firstAt !== null && b.firstAt - a.lastAt > STALE_AFTER_INTERVALS * intervalMs
      ? [[a.lastAt, b.firstAt]]
      : [];
  const gaps = [...a.gaps, ...across, ...b.gaps];
  const slow: Record<string, number> = {};
  // A threshold one side did not count is not known for the whole (it is read from the digest), unless that
  // side judged no run at all.
  const knows = (r: Rollup, t: string) => t in r.slow || r.judged === 0;
  for (const t of new Set([...Object.keys(a.slow), ...Object.keys(b.slow)])) {
    if (knows(a, t) && knows(b, t)) slow[t] = (a.slow[t] ?? 0) + (b.slow[t] ?? 0);
  }
  const errors: Partial<Record<ErrorKind, number>> = { ...a.errors };
  for (const [kind, n] of Object.entries(b.errors) as [ErrorKind, number][]) errors[kind] = (errors[kind] ?? 0) + n;
  return {
    from: a.from,
    to: b.to,
    runs: a.runs + b.runs,
    up: a.up + b.up,
    degraded: a.degraded + b.degraded,
    down: a.down + b.down,
    firstAt: a.firstAt ?? b.firstAt,
    lastAt: b.lastAt ?? a.lastAt,
    gaps: gaps.slice(0, MAX_GAPS),
    gapsDropped: a.gapsDropped + b.gapsDropped + Math.max(0, gaps.length - MAX_GAPS),
    latency: mergeDigests(a.latency, b.latency),
    phases: Object.fromEntries(
      ROLLUP_PHASES.map((p) => [p, [a.phases[p][0] + b.phases[p][0], a.phases[p][1] + b.phases[p][1]]]),
    ) as unknown as Rollup['phases'],
    errors,
    judged: a.judged + b.judged,
    slow,
    intervalMs,
  };
}

/** Judged runs at or over `underMs`: counted when the rollup knew the threshold, else read from the digest. */
export function slowRuns(r: Rollup, underMs: number): number {
  return r.slow[String(underMs)] ?? overCount(r.latency, underMs);
}

export function latencyPercentile(r: Rollup, p: number): number | null {
  return digestPercentile(r.latency, p);
}

/** A percentile as reports and the status page show it: to 0.1 ms (the digest is within 1% anyway). */
export function shownPercentile(r: Rollup, p: number): number | null {
  const ms = latencyPercentile(r, p);
  return ms === null ? null : Math.round(ms * 10) / 10;
}

/** Mean ms of a phase over the runs latency counts; null where it never applied. */
export function phaseMean(r: Rollup, phase: RollupPhase): number | null {
  const [sum, runs] = r.phases[phase];
  return runs === 0 ? null : sum / runs;
}

/**
 * The watched stretches of [since, until) (./watch.ts, `watchedSpans`) from a rollup of [since, until) and
 * the last look before `since` (null if none): each look covers until the next or two intervals.
 */
export function rollupWatched(r: Rollup, intervalMs: number, since: number, until: number, lookBefore: number | null): Span[] {
  const cover = STALE_AFTER_INTERVALS * intervalMs;
  const raw: Span[] = [];
  if (lookBefore !== null) raw.push({ from: since, to: Math.min(lookBefore + cover, r.firstAt ?? Number.POSITIVE_INFINITY) });
  if (r.firstAt !== null && r.lastAt !== null) {
    let start = r.firstAt;
    for (const [look, next] of r.gaps) {
      raw.push({ from: start, to: look + cover });
      start = next;
    }
    raw.push({ from: start, to: r.lastAt + cover });
  }
  const spans: Span[] = [];
  for (const span of raw) {
    const from = Math.max(span.from, since);
    const to = Math.min(span.to, until);
    if (to <= from) continue;
    const last = spans.at(-1);
    if (last && last.to >= from) spans[spans.length - 1] = { from: last.from, to: Math.max(last.to, to) };
    else spans.push({ from, to });
  }
  return spans;
}

/** A bar's colour from the counts: the worst run, `unknown` with none. */
export function worstOf(r: Pick<Rollup, 'up' | 'degraded' | 'down'>): 'up' | 'degraded' | 'down' | 'unknown' {
  return r.down > 0 ? 'down' : r.degraded > 0 ? 'degraded' : r.up > 0 ? 'up' : 'unknown';
}
