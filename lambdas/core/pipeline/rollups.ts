/**
 * Rollups of complete hours and days, written once each hour is over, and the history a report reads from
 * them (docs/scaling.md, "Rollups"). An hour is sealed SEAL_GRACE after its end, from its results as
 * stored: a put of the whole rollup, so sealing twice (two sandboxes, a retried invocation, a monitor
 * restarted) writes the same item again and counts nothing twice. A day is its 24 hours merged. Whatever
 * was not sealed (a failed invocation, a monitor that was not running, the hour before the grace is over)
 * is read as results by the report while results are kept, so a missing rollup costs time, not numbers (docs/scaling.md, "Who seals", says when it does).
 */
import { mapLimit } from '../concurrency.js';
import { DAY_MS, HOUR_MS } from '../duration.js';
import {
  coalesce,
  floorTo,
  type History,
  type HistoryNeeds,
  type HistoryPlan,
  latencyThresholds,
  missingDays,
  missingHours,
  planHistory,
} from '../history.js';
import type { Log, RollupStore, RollupUnit } from '../ports.js';
import { judgedResults } from '../report.js';
import { emptyRollup, mergeRollups, type Rollup, rollupOf } from '../rollup.js';
import type { CheckBase } from '../schema-parts.js';
import { guarded } from './outbox.js';

/** The end of "to the newest": a time whose ISO form still sorts after every result's key. */
const LAST_TIME = Date.parse('9999-12-31T00:00:00.000Z');

const SEAL_CONCURRENCY = 10;

/**
 * How long after an hour's end it is sealed: results still being written land first. A probe invocation may
 * run up to Lambda's 15 minutes (its shard is sized to end within them) and write its results at its end.
 */
export const SEAL_GRACE_MS = 16 * 60_000;
/**
 * How much earlier than its rate the invocation before may have come: EventBridge fires a rate rule
 * somewhere within its minute, and a cold start warms up first. Hours in the overlap are sealed twice,
 * which writes the same rollup.
 */
const SCHEDULE_SLACK_MS = 2 * 60_000;

/** Whether the hour or day starting at `start` (`span` long) is due to be sealed at `now`: over, and its grace too. */
const dueToSeal = (start: number, span: number, now: Date) => start + span + SEAL_GRACE_MS <= now.getTime();

/** What sealing and reading read of a check; with several locations a rollup counts only each window's judged result (`judgedResults`). */
type RollupCheck = Pick<CheckBase, 'id' | 'intervalMs' | 'objectives' | 'locations'>;

/** The rollup of one hour from its stored results. */
export async function rollUpHour(store: RollupStore, check: RollupCheck, hour: number, now: Date): Promise<Rollup> {
  const results = await store.listResultsBetween(check.id, new Date(hour), new Date(hour + HOUR_MS), now);
  return rollupOf(
    judgedResults(check, results),
    { from: hour, to: hour + HOUR_MS },
    check.intervalMs,
    latencyThresholds(check.objectives),
  );
}

/** Seals one hour: its rollup written (again). */
export async function sealHour(store: RollupStore, check: RollupCheck, hour: number, now: Date): Promise<Rollup> {
  const rollup = await rollUpHour(store, check, hour, now);
  await store.putRollups(check.id, 'hour', [rollup]);
  return rollup;
}

/** Seals a UTC day from its hours' rollups; an hour without one is rolled up (and sealed) from its results. */
export async function sealDay(store: RollupStore, check: RollupCheck, day: number, now: Date): Promise<Rollup> {
  const stored = await store.listRollups(check.id, 'hour', new Date(day), new Date(day + DAY_MS), now);
  const byHour = new Map(stored.map((r) => [r.from, r]));
  let merged = emptyRollup(day, day, check.intervalMs);
  for (let hour = day; hour < day + DAY_MS; hour += HOUR_MS) {
    const rollup = byHour.get(hour) ?? (await sealHour(store, check, hour, now));
    merged = mergeRollups(merged, rollup, check.intervalMs);
  }
  const rollup = { ...merged, from: day, to: day + DAY_MS };
  await store.putRollups(check.id, 'day', [rollup]);
  return rollup;
}

/** Seals an hour, and its day when it is the day's last. */
async function sealHourAndDay(store: RollupStore, check: RollupCheck, hour: number, now: Date): Promise<void> {
  await sealHour(store, check, hour, now);
  if ((hour + HOUR_MS) % DAY_MS === 0) await sealDay(store, check, hour + HOUR_MS - DAY_MS, now);
}

/**
 * Seals every hour (and day) of the check that is over by the grace and not sealed yet, back to `oldest`:
 * what the local monitor does at start (a backfill of what an older version stored) and then hourly.
 * `sealed` remembers, per check, the newest hour sealed, so later passes read nothing to find it.
 * Returns how many hours it sealed.
 */
export async function sealDue(
  store: RollupStore,
  check: RollupCheck,
  now: Date,
  oldest: number,
  sealed: Map<string, number>,
): Promise<number> {
  // Never sealed: from the oldest result kept (a new check seals nothing until its first hour is over).
  const known =
    sealed.get(check.id) ??
    (await store.newestRollup(check.id, 'hour'))?.from ??
    floorTo(Date.parse((await store.oldestResultAt(check.id)) ?? now.toISOString()), HOUR_MS) - HOUR_MS;
  let count = 0;
  let hour = Math.max(known + HOUR_MS, floorTo(oldest, HOUR_MS));
  for (; dueToSeal(hour, HOUR_MS, now); hour += HOUR_MS) {
    await sealHourAndDay(store, check, hour, now);
    sealed.set(check.id, hour);
    count++;
  }
  return count;
}

/**
 * The hour a result started in, when that hour was already due to be sealed at `now`: a result stored now
 * (kept through a store outage longer than the grace, and replayed) is not in its rollup. Null otherwise.
 */
export function sealedHourOf(startedAt: string, now: Date): number | null {
  const hour = floorTo(Date.parse(startedAt), HOUR_MS);
  return Number.isFinite(hour) && dueToSeal(hour, HOUR_MS, now) ? hour : null;
}

/**
 * Seals hours again, from their results as stored now, for results that reached them after they were
 * sealed; then each of their days that was due too, once. An hour whose new rollup would count fewer runs
 * than the one stored (results pruned or expired since) keeps the one it has.
 */
export async function resealHours(
  store: RollupStore,
  check: RollupCheck,
  hours: Iterable<number>,
  now: Date,
): Promise<{ readonly resealed: readonly number[]; readonly kept: readonly number[] }> {
  const resealed: number[] = [];
  const kept: number[] = [];
  for (const hour of [...new Set(hours)].sort((a, b) => a - b)) {
    const [rollup, [stored]] = await Promise.all([
      rollUpHour(store, check, hour, now),
      store.listRollups(check.id, 'hour', new Date(hour), new Date(hour + HOUR_MS), now),
    ]);
    if (stored && rollup.runs < stored.runs) {
      kept.push(hour);
      continue;
    }
    await store.putRollups(check.id, 'hour', [rollup]);
    resealed.push(hour);
  }
  const days = new Set(resealed.map((hour) => floorTo(hour, DAY_MS)));
  for (const day of days) if (dueToSeal(day, DAY_MS, now)) await sealDay(store, check, day, now);
  return { resealed, kept };
}

/**
 * The probe Lambda's share, after its probes are done: every hour whose grace ended since the invocation
 * before (`rateMs` ago, and some slack) is sealed for its checks, and a day after its last hour. An
 * invocation that fails leaves those hours to the next one's overlap or to the report, read as results.
 */
export async function sealAfterCycle(
  store: RollupStore,
  checks: readonly RollupCheck[],
  startedAt: Date,
  rateMs: number,
  log: Log,
): Promise<number> {
  const until = startedAt.getTime() - SEAL_GRACE_MS;
  const from = until - rateMs - SCHEDULE_SLACK_MS;
  // Hours ending in (from, until], oldest first: an hour's end is its seal time less the grace.
  const hours: number[] = [];
  for (let end = floorTo(until, HOUR_MS); end > from; end -= HOUR_MS) hours.unshift(end - HOUR_MS);
  if (hours.length === 0) return 0;
  let sealedCount = 0;
  // A few at once: a shard of 1,000 checks seals an hour in about 2 s (a query and a put each), not 20.
  await mapLimit(checks, SEAL_CONCURRENCY, (check) =>
    guarded(log, 'rollup not written', check.id, async () => {
      for (const hour of hours) await sealHourAndDay(store, check, hour, startedAt);
      sealedCount++;
    }),
  );
  return sealedCount;
}

/**
 * Checks whose histories are read at once (a report's, a status page's): the store answers one query at a time,
 * and a request waiting behind hundreds times out.
 */
export const HISTORIES_READ_AT_ONCE = 8;

/** Reads what a report needs of a check (history.ts `planHistory`): rollups, then results where none answer. */
export async function readHistory(
  store: RollupStore,
  check: RollupCheck,
  needs: Omit<HistoryNeeds, 'intervalMs'>,
): Promise<History> {
  const full: HistoryNeeds = { ...needs, intervalMs: check.intervalMs };
  const now = new Date(needs.now);
  const plan = planHistory(full);
  const units = await readUnits(store, check.id, plan, now);
  const dayHours = missingDays(plan, units);
  units.push(...(await readUnits(store, check.id, { days: null, hours: dayHours, raw: [] }, now)));
  // Disjoint, so no result is read twice; the last runs on past `now` (results are read to the newest).
  const rawSpans = coalesce([...plan.raw, ...missingHours(full, [...plan.hours, ...dayHours], units)]);
  const reads = await Promise.all(
    rawSpans.map((span) => store.listResultsBetween(check.id, new Date(span.from), new Date(Math.min(span.to, LAST_TIME)), now)),
  );
  const raw = judgedResults(check, reads.flat());
  return {
    intervalMs: check.intervalMs,
    thresholds: latencyThresholds(check.objectives),
    start: needs.start,
    now: needs.now,
    units,
    raw,
    rawSpans,
  };
}

async function readUnits(store: RollupStore, checkId: string, plan: HistoryPlan, now: Date): Promise<Rollup[]> {
  const reads: Promise<Rollup[]>[] = [];
  const list = (unit: RollupUnit, from: number, to: number) =>
    reads.push(store.listRollups(checkId, unit, new Date(from), new Date(to), now));
  if (plan.days) list('day', plan.days.from, plan.days.to);
  for (const span of plan.hours) list('hour', span.from, span.to);
  return (await Promise.all(reads)).flat();
}
