/**
 * Service level objectives over a check's runs, as the Google SRE workbook sets them out ("Alerting on
 * SLOs"): the error budget is the share of runs an objective allows to be bad; a burn rate is how fast a
 * window spends it (1 = exactly the budget over the objective's window). One implementation for
 * `vigil report`, the dashboard's expressions and the burn-rate alerts, so all agree on the same
 * history. Pure.
 */
import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS } from './duration.js';
import { type History, historyOfResults, summarize } from './history.js';
import { type Rollup, slowRuns } from './rollup.js';
import type { ObjectiveConfig } from './schema-parts.js';
import { timedUnderLag } from './trusted-latency.js';
import type { CheckResult } from './types.js';

/** The windows burn rates are reported over: the workbook's long and short alerting windows. */
export const BURN_WINDOWS = {
  '5m': 5 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': HOUR_MS,
  '6h': 6 * HOUR_MS,
  '3d': 3 * DAY_MS,
} as const;
export type BurnWindow = keyof typeof BURN_WINDOWS;

/** Fewer allowed failed runs than this over the objective's window and one failure is most of the budget. */
const MEANINGFUL_FAILED_RUNS = 3;

/** "availability 99.9% over 30d", "p95 under 2s over 30d" */
export function objectiveLabel(objective: ObjectiveConfig): string {
  const what =
    'availability' in objective
      ? `availability ${objective.availability}%`
      : `${objective.latency.percent}% under ${formatDuration(objective.latency.under)}`;
  return `${what} over ${formatDuration(objective.window)}`;
}

/** The share of runs the objective allows to be bad: 0.001 for 99.9%. */
export function budgetShare(objective: ObjectiveConfig): number {
  const target = 'availability' in objective ? objective.availability : objective.latency.percent;
  return Math.round((100 - target) * 1e6) / 1e8;
}

/**
 * Whether a run meets the objective, or null when the objective does not count it. Availability: not
 * down. Latency: answered under the time; a down run is availability's to count (one outage spends one
 * budget, not every objective's), unless the objective says `includeDown`; a run timed under Vigil's own
 * event-loop lag is not the target's time, and the Latency metric the dashboard reads leaves it out too.
 */
export function judgeRun(
  objective: ObjectiveConfig,
  result: { status: string; timings: { totalMs: number }; loopLagMs?: number },
): boolean | null {
  if ('availability' in objective) return result.status !== 'down';
  if (result.status === 'down') return objective.latency.includeDown ? false : null;
  if (timedUnderLag(result)) return null;
  return result.timings.totalMs < objective.latency.under;
}

/** Runs the objective counts, and how many of them were bad. */
function tally(objective: ObjectiveConfig, results: readonly CheckResult[]): { runs: number; bad: number } {
  let runs = 0;
  let bad = 0;
  for (const result of results) {
    const good = judgeRun(objective, result);
    if (good === null) continue;
    runs++;
    if (!good) bad++;
  }
  return { runs, bad };
}

/** How many runs the objective's window holds at the check's interval: the budget is a share of these. */
export function expectedRuns(objective: ObjectiveConfig, intervalMs: number): number {
  return objective.window / intervalMs;
}

/**
 * The burn rate over the last `windowMs`: the bad share of the window's runs over the budget share. 1
 * spends the budget exactly over the objective's window; 14.4 spends 2% of a 30-day budget in an hour.
 * Runs are counted as the schedule makes them (window ÷ interval), as the budget is, so a report and an
 * alert read the same number off the same history. Null with no runs in the window.
 */
export function burnRate(
  objective: ObjectiveConfig,
  intervalMs: number,
  results: readonly CheckResult[],
  windowMs: number,
  now: Date,
): number | null {
  const since = now.getTime() - windowMs;
  const { runs, bad } = tally(
    objective,
    results.filter((r) => Date.parse(r.startedAt) > since),
  );
  return runs === 0 ? null : rateOf(objective, intervalMs, bad, windowMs);
}

/** `bad` runs in a window of `windowMs`, as a burn rate. */
function rateOf(objective: ObjectiveConfig, intervalMs: number, bad: number, windowMs: number): number {
  return bad / Math.max(1, windowMs / intervalMs) / budgetShare(objective);
}

/** The share of the objective's budget a burn rate spends in a window: 14.4 for an hour of 30 days is 2%. */
export function budgetSpent(rate: number, windowMs: number, objectiveWindowMs: number): number {
  return (rate * windowMs) / objectiveWindowMs;
}

export interface ObjectiveReport {
  readonly objective: string;
  readonly windowMs: number;
  /** Runs in the window so far, and how many were bad. */
  readonly runs: number;
  readonly failedRuns: number;
  /** Good runs over runs, in percent; null with no runs. */
  readonly attainmentPercent: number | null;
  /** Of the budget (its share of the window's expected runs), what is left, in percent; below 0 when overspent. */
  readonly budgetRemainingPercent: number;
  /** How many more runs may fail before the objective is broken. */
  readonly failedRunsLeft: number;
  readonly burnRates: Readonly<Record<BurnWindow, number | null>>;
  /** When the budget runs out if the last hour's burn goes on; null when nothing burns or it is spent. */
  readonly exhaustedAt: string | null;
}

export function objectiveReport(
  objective: ObjectiveConfig,
  intervalMs: number,
  results: readonly CheckResult[],
  now: Date,
): ObjectiveReport {
  const history = historyOfResults(results, { intervalMs, objectives: [objective] }, Number.NEGATIVE_INFINITY, now.getTime());
  return objectiveReportOf(objective, intervalMs, history, now);
}

/** Runs a rollup holds that the objective counts, and how many of them were bad (as `judgeRun` counts them). */
export function tallyRollup(objective: ObjectiveConfig, r: Rollup): { runs: number; bad: number } {
  if ('availability' in objective) return { runs: r.runs, bad: r.down };
  const down = objective.latency.includeDown ? r.down : 0;
  return { runs: r.judged + down, bad: slowRuns(r, objective.latency.under) + down };
}

/** The same report from a history: rollups where they answer, results elsewhere (./history.ts). */
export function objectiveReportOf(objective: ObjectiveConfig, intervalMs: number, history: History, now: Date): ObjectiveReport {
  // Runs after each window's start, up to the newest.
  const over = (windowMs: number) =>
    tallyRollup(objective, summarize(history, now.getTime() - windowMs, now.getTime(), { exclusiveFrom: true, openEnd: true }));
  const { runs, bad: failedRuns } = over(objective.window);
  const allowed = budgetShare(objective) * expectedRuns(objective, intervalMs);
  const rates = Object.fromEntries(
    Object.entries(BURN_WINDOWS).map(([name, ms]) => {
      const window = over(ms);
      return [name, window.runs === 0 ? null : rateOf(objective, intervalMs, window.bad, ms)];
    }),
  ) as Record<BurnWindow, number | null>;
  const burnRates = Object.fromEntries(Object.entries(rates).map(([name, rate]) => [name, round(rate, 2)])) as Record<
    BurnWindow,
    number | null
  >;
  const lastHour = rates['1h'] ?? 0;
  const left = allowed - failedRuns;
  // At burn rate B the budget's failed runs come at B × budget per run.
  const msPerFailure = intervalMs / (lastHour * budgetShare(objective));
  return {
    objective: objectiveLabel(objective),
    windowMs: objective.window,
    runs,
    failedRuns,
    attainmentPercent: runs === 0 ? null : floor(((runs - failedRuns) / runs) * 100, 3),
    budgetRemainingPercent: round((left / allowed) * 100, 1) as number,
    failedRunsLeft: Math.max(0, Math.floor(left)),
    burnRates,
    exhaustedAt: lastHour > 0 && left > 0 ? new Date(now.getTime() + left * msPerFailure).toISOString() : null,
  };
}

/**
 * Objectives the check's interval cannot serve, for `vigil validate`: fewer than a few failed runs allowed
 * over the whole window (a single failure spends most of the budget), or an alert that fires only after
 * more failed runs than the whole budget allows (it pages once the objective is already broken).
 */
export function objectiveWarnings(
  checks: readonly { id: string; intervalMs: number; objectives: readonly ObjectiveConfig[] }[],
): string[] {
  return checks.flatMap((check) =>
    check.objectives.flatMap((objective) => {
      const allowed = budgetShare(objective) * expectedRuns(objective, check.intervalMs);
      const every = formatDuration(check.intervalMs);
      if (allowed < MEANINGFUL_FAILED_RUNS) {
        return [
          `${check.id}: ${objectiveLabel(objective)} allows ${round(allowed, 1)} failed runs at one run every ${every}: a single failure spends ${Math.min(100, Math.round(100 / allowed))}% of the budget; run the check more often, lengthen the window or lower the target`,
        ];
      }
      return BURN_ALERTS.flatMap((alert) => {
        const needs = minFailedRuns(objective, check.intervalMs, alert);
        if (needs <= allowed) return [];
        return [
          `${check.id}: ${objectiveLabel(objective)}: its ${alert.severity === 'critical' ? 'page' : 'warning'} needs ${needs} failed runs, more than the whole budget of ${Math.floor(allowed)}: it fires only once the objective is broken; run the check more often or lengthen the window`,
        ];
      });
    }),
  );
}

/**
 * Objectives the check cannot measure at all, as config problems ("field: message"): a window shorter
 * than a few runs at the check's interval.
 */
export function objectiveProblems(objective: ObjectiveConfig, intervalMs: number): string | null {
  if (objective.window >= MIN_FAILED_RUNS * intervalMs) return null;
  return `window: ${formatDuration(objective.window)} holds fewer than ${MIN_FAILED_RUNS} runs at one run every ${formatDuration(intervalMs)}`;
}

/**
 * The workbook's multiwindow alerts, as it writes them for a 30-day objective: the long window says the
 * budget really burns, the short one that it still does (so an alert ends soon after the burn does).
 * Fast burns page, the slow one is a ticket. `name` is the alert's name in those 30-day terms; an
 * objective over another window scales both windows with it (`alertWindows`), so each alert still
 * spends the same share of the budget: 2%, 5% and 10%.
 */
export const BURN_ALERTS = [
  { name: '1h', long: BURN_WINDOWS['1h'], short: BURN_WINDOWS['5m'], rate: 14.4, severity: 'critical' },
  { name: '6h', long: BURN_WINDOWS['6h'], short: BURN_WINDOWS['30m'], rate: 6, severity: 'critical' },
  { name: '3d', long: BURN_WINDOWS['3d'], short: BURN_WINDOWS['6h'], rate: 1, severity: 'warning' },
] as const satisfies readonly {
  name: BurnWindow;
  long: number;
  short: number;
  rate: number;
  severity: 'critical' | 'warning';
}[];
export type BurnAlert = (typeof BURN_ALERTS)[number];

/** The objective window the workbook's alert windows are written for. */
const WORKBOOK_WINDOW_MS = 30 * DAY_MS;

/**
 * Synthetic checks run rarely: at one run a minute a single failure is 1.7% of an hour, over 14.4× a
 * 99.9% budget on its own. So a long window must also hold at least this many failed runs.
 */
const MIN_FAILED_RUNS = 3;

/**
 * An alert's long and short windows for one objective: the workbook's, scaled by the objective's window
 * over 30 days, in whole seconds. A long window holds at least MIN_FAILED_RUNS runs and a short one at
 * least one, or they could never fire at the check's interval.
 */
export function alertWindows(
  objective: ObjectiveConfig,
  intervalMs: number,
  alert: BurnAlert,
): { readonly longMs: number; readonly shortMs: number } {
  const scaled = (ms: number) => Math.max(1_000, Math.round((ms * objective.window) / WORKBOOK_WINDOW_MS / 1_000) * 1_000);
  return {
    longMs: Math.max(scaled(alert.long), MIN_FAILED_RUNS * intervalMs),
    shortMs: Math.max(scaled(alert.short), intervalMs),
  };
}

/** Failed runs the long window must hold before the alert fires: the rate's share, and never one blip. */
export function minFailedRuns(objective: ObjectiveConfig, intervalMs: number, alert: BurnAlert): number {
  const expected = Math.max(1, alertWindows(objective, intervalMs, alert).longMs / intervalMs);
  return Math.max(MIN_FAILED_RUNS, Math.ceil(alert.rate * budgetShare(objective) * expected - 1e-9));
}

/**
 * An objective's bad runs, counted in time buckets per window its alerts look at: `[windowMs, [[bucket,
 * count], …]]`, a bucket being a twelfth of its window (bucket n covers n × size up to the next). Counts,
 * not timestamps: its size depends on the windows, never on how many runs failed.
 */
export type BurnHistory = readonly (readonly [windowMs: number, buckets: readonly (readonly [number, number])[]])[];

/** A window counts the buckets that overlap it: up to a twelfth of it more, so an alert may start that early and end that late. */
const BUCKETS_PER_WINDOW = 12;

/** Every window the objective's alerts look at, shortest first. */
function historyWindows(objective: ObjectiveConfig, intervalMs: number): number[] {
  const all = BURN_ALERTS.flatMap((alert) => {
    const { longMs, shortMs } = alertWindows(objective, intervalMs, alert);
    return [longMs, shortMs];
  });
  return [...new Set(all)].sort((a, b) => a - b);
}

/** Bad runs in the buckets of `buckets` that overlap the `windowMs` before `nowMs`. */
function countSince(buckets: readonly (readonly [number, number])[], windowMs: number, nowMs: number): number {
  const size = windowMs / BUCKETS_PER_WINDOW;
  return buckets.reduce((sum, [bucket, count]) => ((bucket + 1) * size > nowMs - windowMs ? sum + count : sum), 0);
}

/**
 * The history after `result`: buckets that left their window dropped, the run counted when the objective
 * counts it bad. Windows the objective no longer has (its config changed) are dropped too.
 */
export function recordRun(
  objective: ObjectiveConfig,
  intervalMs: number,
  history: BurnHistory,
  result: CheckResult,
  now: Date,
): BurnHistory {
  const bad = judgeRun(objective, result) === false;
  const at = Date.parse(result.startedAt);
  return historyWindows(objective, intervalMs).map((windowMs) => {
    const size = windowMs / BUCKETS_PER_WINDOW;
    const kept = (history.find(([w]) => w === windowMs)?.[1] ?? []).filter(
      ([bucket]) => (bucket + 1) * size > now.getTime() - windowMs,
    );
    if (!bad) return [windowMs, kept] as const;
    const bucket = Math.floor(at / size);
    const found = kept.some(([b]) => b === bucket);
    const counted = found
      ? kept.map(([b, count]) => [b, b === bucket ? count + 1 : count] as const)
      : [...kept, [bucket, 1] as const].sort((x, y) => x[0] - y[0]);
    return [windowMs, counted] as const;
  });
}

/** A history counted from bad runs' timestamps (epoch ms), as an older state kept them. */
export function historyFromTimestamps(
  objective: ObjectiveConfig,
  intervalMs: number,
  badRuns: readonly number[],
  now: Date,
): BurnHistory {
  const bad = { status: 'down', timings: { totalMs: 0 } } as const;
  return badRuns.reduce<BurnHistory>(
    (history, t) =>
      recordRun(objective, intervalMs, history, { ...bad, startedAt: new Date(t).toISOString() } as CheckResult, now),
    [],
  );
}

/** Whether an alert's windows both burn at its rate, with enough failed runs; and the long window's rate. */
export function burning(
  objective: ObjectiveConfig,
  intervalMs: number,
  history: BurnHistory,
  alert: BurnAlert,
  now: Date,
): { readonly burning: boolean; readonly rate: number } {
  const { longMs, shortMs } = alertWindows(objective, intervalMs, alert);
  const count = (windowMs: number) => countSince(history.find(([w]) => w === windowMs)?.[1] ?? [], windowMs, now.getTime());
  const long = count(longMs);
  const rate = rateOf(objective, intervalMs, long, longMs);
  const shortRate = rateOf(objective, intervalMs, count(shortMs), shortMs);
  return { burning: long >= minFailedRuns(objective, intervalMs, alert) && shortRate >= alert.rate, rate };
}

/** For `vigil validate`: what it takes to fire each alert of each objective. */
export function burnThresholds(check: { id: string; intervalMs: number; objectives: readonly ObjectiveConfig[] }): string[] {
  return check.objectives.map((objective) => {
    const parts = BURN_ALERTS.map((alert) => {
      const { longMs, shortMs } = alertWindows(objective, check.intervalMs, alert);
      const needs = minFailedRuns(objective, check.intervalMs, alert);
      return `${alert.severity === 'critical' ? 'pages' : 'warns'} at ${needs} failed runs in ${formatDuration(longMs)} (still burning over the last ${formatDuration(shortMs)})`;
    });
    return `${check.id}: ${objectiveLabel(objective)}: ${parts.join(', ')}`;
  });
}

function round(n: number | null, digits: number): number | null {
  return n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
}

/** Cut, not rounded: 99.9996% attained is not 100%. */
const floor = (n: number, digits: number) => Math.floor(n * 10 ** digits) / 10 ** digits;
