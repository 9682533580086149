/**
 * Staleness, pure: when a check was being looked at, and what it is now. A result vouches for its
 * check from its start until the next result, or for two intervals when none came: past that nothing
 * was watching (the monitor stopped, the schedule broke), and the check is `unknown`, neither up nor
 * down. Reports count downtime and uptime only inside watched time (docs/architecture.md, "Staleness").
 */
import { type CheckState, type ReportedStatus, reportedStatus } from './check-state.js';
import { type Span, STALE_AFTER_INTERVALS } from './span.js';

export { type Span, STALE_AFTER_INTERVALS } from './span.js';

/** What a person is told a check is now: the reported status, or `unknown` once it has not been looked at for two intervals. */
export type StatusNow = ReportedStatus;

/** The newest of two ISO times (either may be missing). */
const newest = (a: string | null | undefined, b: string | null | undefined): string | null =>
  !a ? (b ?? null) : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/**
 * The check's status at `now` and when it was last looked at: its stored state, unless the last look
 * (the state's, or the newest result's when the state lags) is more than two intervals old.
 */
export function statusNow(
  state: CheckState | null,
  intervalMs: number,
  now: Date,
  newestResultAt: string | null = null,
): { readonly status: StatusNow; readonly lastCheckedAt: string | null } {
  const lastCheckedAt = newest(state?.lastResultAt, newestResultAt);
  if (!lastCheckedAt || !state || isStale(lastCheckedAt, intervalMs, now)) return { status: 'unknown', lastCheckedAt };
  return { status: reportedStatus(state), lastCheckedAt };
}

/** Whether a look at `lastCheckedAt` is too old to vouch for the check at `now`. */
export function isStale(lastCheckedAt: string, intervalMs: number, now: Date): boolean {
  return now.getTime() - Date.parse(lastCheckedAt) > STALE_AFTER_INTERVALS * intervalMs;
}

/**
 * The watched stretches inside [since, until): each look covers until the next one or two intervals,
 * whichever is first. `startedAt` ascending (as the store lists results).
 */
export function watchedSpans(startedAt: readonly number[], intervalMs: number, since: number, until: number): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < startedAt.length; i++) {
    const start = startedAt[i] as number;
    const next = startedAt[i + 1] ?? Number.POSITIVE_INFINITY;
    const from = Math.max(start, since);
    const to = Math.min(next, start + STALE_AFTER_INTERVALS * intervalMs, until);
    if (to <= from) continue;
    const last = spans.at(-1);
    if (last && last.to >= from) spans[spans.length - 1] = { from: last.from, to: Math.max(last.to, to) };
    else spans.push({ from, to });
  }
  return spans;
}

/** The stretches of [since, until) outside `watched` (which is ascending and disjoint). */
export function gapsBetween(watched: readonly Span[], since: number, until: number): Span[] {
  const gaps: Span[] = [];
  let cursor = since;
  for (const span of watched) {
    if (span.from > cursor) gaps.push({ from: cursor, to: Math.min(span.from, until) });
    cursor = Math.max(cursor, span.to);
  }
  if (cursor < until) gaps.push({ from: cursor, to: until });
  return gaps.filter((gap) => gap.to > gap.from);
}

/** How much of [from, to) the spans cover. */
export function overlapMs(spans: readonly Span[], from: number, to: number): number {
  let total = 0;
  for (const span of spans) total += Math.max(0, Math.min(span.to, to) - Math.max(span.from, from));
  return total;
}

/** The parts of [from, to) that the spans cover. */
export function clipSpans(spans: readonly Span[], from: number, to: number): Span[] {
  return spans.flatMap((span) => {
    const clipped = { from: Math.max(span.from, from), to: Math.min(span.to, to) };
    return clipped.to > clipped.from ? [clipped] : [];
  });
}
