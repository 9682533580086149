/**
 * Service level objectives over a check's runs, as the Google SRE workbook sets them out ("Alerting on
 * SLOs"): the error budget is the share of runs an objective allows to be bad; a burn rate is how fast a
 * window spends it (1 = exactly the budget over the objective's window). One implementation for
 * `vigil report`, the dashboard's expressions and the burn-rate alerts, so all agree on the same
 * history. Pure.
 */
import { formatDuration } from './duration.js';
import type { ObjectiveConfig } from './schema-parts.js';
import type { CheckResult } from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** The windows burn rates are reported over: the workbook's long and short alerting windows. */
export const BURN_WINDOWS = {
  '5m': 5 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': HOUR_MS,
  '6h': 6 * HOUR_MS,
  '3d': 72 * HOUR_MS,
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

/** Whether a run meets the objective: not down; for latency also answered under the time. */
export function isGood(objective: ObjectiveConfig, result: CheckResult): boolean {
  if (result.status === 'down') return false;
  return 'availability' in objective || result.timings.totalMs < objective.latency.under;
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
  const inWindow = results.filter((r) => Date.parse(r.startedAt) > since);
  if (inWindow.length === 0) return null;
  const bad = inWindow.filter((r) => !isGood(objective, r)).length;
  return rateOf(objective, intervalMs, bad, windowMs);
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
  const since = now.getTime() - objective.window;
  const inWindow = results.filter((r) => Date.parse(r.startedAt) > since);
  const failedRuns = inWindow.filter((r) => !isGood(objective, r)).length;
  const allowed = budgetShare(objective) * expectedRuns(objective, intervalMs);
  const rates = Object.fromEntries(
    Object.entries(BURN_WINDOWS).map(([name, ms]) => [name, burnRate(objective, intervalMs, results, ms, now)]),
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
    runs: inWindow.length,
    failedRuns,
    attainmentPercent: inWindow.length === 0 ? null : floor(((inWindow.length - failedRuns) / inWindow.length) * 100, 3),
    budgetRemainingPercent: round((left / allowed) * 100, 1) as number,
    failedRunsLeft: Math.max(0, Math.floor(left)),
    burnRates,
    exhaustedAt: lastHour > 0 && left > 0 ? new Date(now.getTime() + left * msPerFailure).toISOString() : null,
  };
}

/**
 * Objectives too tight for the check's interval to measure: fewer than a few failed runs allowed over
 * the whole window, so a single failure spends most of the budget. For `vigil validate`.
 */
export function objectiveWarnings(
  checks: readonly { id: string; intervalMs: number; objectives: readonly ObjectiveConfig[] }[],
): string[] {
  return checks.flatMap((check) =>
    check.objectives.flatMap((objective) => {
      const allowed = budgetShare(objective) * expectedRuns(objective, check.intervalMs);
      if (allowed >= MEANINGFUL_FAILED_RUNS) return [];
      return [
        `${check.id}: ${objectiveLabel(objective)} allows ${round(allowed, 1)} failed runs at one run every ${formatDuration(check.intervalMs)}: a single failure spends ${Math.min(100, Math.round(100 / allowed))}% of the budget; run the check more often, lengthen the window or lower the target`,
      ];
    }),
  );
}

/**
 * The workbook's multiwindow alerts: the long window says the budget really burns, the short one that it
 * still does (so an alert ends minutes after the burn does). Fast burns page, the slow one is a ticket.
 */
export const BURN_ALERTS = [
  { long: '1h', short: '5m', rate: 14.4, severity: 'critical' },
  { long: '6h', short: '30m', rate: 6, severity: 'critical' },
  { long: '3d', short: '6h', rate: 1, severity: 'warning' },
] as const satisfies readonly { long: BurnWindow; short: BurnWindow; rate: number; severity: 'critical' | 'warning' }[];
export type BurnAlert = (typeof BURN_ALERTS)[number];

/**
 * Synthetic checks run rarely: at one run a minute a single failure is 1.7% of an hour, over 14.4× a
 * 99.9% budget on its own. So a long window must also hold at least this many failed runs.
 */
const MIN_FAILED_RUNS = 3;
/** The longest window a burn alert looks at. */
const BURN_HORIZON_MS = BURN_WINDOWS['3d'];

/** Failed runs the long window must hold before the alert fires: the rate's share, and never one blip. */
export function minFailedRuns(objective: ObjectiveConfig, intervalMs: number, alert: BurnAlert): number {
  const expected = Math.max(1, BURN_WINDOWS[alert.long] / intervalMs);
  return Math.max(MIN_FAILED_RUNS, Math.ceil(alert.rate * budgetShare(objective) * expected - 1e-9));
}

/**
 * The bad runs (epoch ms) to keep after `result`: within the horizon, newest last, and no more than the
 * most any alert's long window asks for (beyond that, the count changes no decision).
 */
export function keepBadRuns(
  objective: ObjectiveConfig,
  intervalMs: number,
  kept: readonly number[],
  result: CheckResult,
  now: Date,
): number[] {
  const since = now.getTime() - BURN_HORIZON_MS;
  const runs = isGood(objective, result) ? kept : [...kept, Date.parse(result.startedAt)];
  const most = Math.max(...BURN_ALERTS.map((alert) => minFailedRuns(objective, intervalMs, alert)));
  return runs.filter((t) => t > since).slice(-most);
}

/** Whether an alert's windows both burn at its rate, with enough failed runs; and the long window's rate. */
export function burning(
  objective: ObjectiveConfig,
  intervalMs: number,
  badRuns: readonly number[],
  alert: BurnAlert,
  now: Date,
): { readonly burning: boolean; readonly rate: number } {
  const count = (window: BurnWindow) => badRuns.filter((t) => t > now.getTime() - BURN_WINDOWS[window]).length;
  const long = count(alert.long);
  const rate = rateOf(objective, intervalMs, long, BURN_WINDOWS[alert.long]);
  const shortRate = rateOf(objective, intervalMs, count(alert.short), BURN_WINDOWS[alert.short]);
  return { burning: long >= minFailedRuns(objective, intervalMs, alert) && shortRate >= alert.rate, rate };
}

/** For `vigil validate`: what it takes to fire each alert of each objective. */
export function burnThresholds(check: { id: string; intervalMs: number; objectives: readonly ObjectiveConfig[] }): string[] {
  return check.objectives.map((objective) => {
    const parts = BURN_ALERTS.map(
      (alert) =>
        `${alert.severity === 'critical' ? 'pages' : 'warns'} at ${minFailedRuns(objective, check.intervalMs, alert)} failed runs in ${alert.long}`,
    );
    return `${check.id}: ${objectiveLabel(objective)}: ${parts.join(', ')}`;
  });
}

function round(n: number | null, digits: number): number | null {
  return n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
}

/** Cut, not rounded: 99.9996% attained is not 100%. */
const floor = (n: number, digits: number) => Math.floor(n * 10 ** digits) / 10 ** digits;
