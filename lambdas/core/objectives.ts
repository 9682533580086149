/**
 * Service level objectives over a check's runs, as the Google SRE workbook sets them out ("Alerting on
 * SLOs"): the error budget is the share of runs an objective allows to be bad; a burn rate is how fast a
 * window spends it (1 = exactly the budget over the objective's window). One implementation for
 * `vigil report` and, later, burn-rate alerts, so both agree on the same history. Pure.
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
 * The burn rate over the last `windowMs`: the bad share of its runs over the budget share. 1 spends the
 * budget exactly over the objective's window; 14.4 spends 2% of a 30-day budget in an hour. Null with no
 * runs in the window.
 */
export function burnRate(
  objective: ObjectiveConfig,
  results: readonly CheckResult[],
  windowMs: number,
  now: Date,
): number | null {
  const since = now.getTime() - windowMs;
  const inWindow = results.filter((r) => Date.parse(r.startedAt) > since);
  if (inWindow.length === 0) return null;
  const bad = inWindow.filter((r) => !isGood(objective, r)).length;
  return bad / inWindow.length / budgetShare(objective);
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
  const burnRates = Object.fromEntries(
    Object.entries(BURN_WINDOWS).map(([name, ms]) => [name, round(burnRate(objective, results, ms, now), 2)]),
  ) as Record<BurnWindow, number | null>;
  const lastHour = burnRate(objective, results, HOUR_MS, now) ?? 0;
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

function round(n: number | null, digits: number): number | null {
  return n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
}

/** Cut, not rounded: 99.9996% attained is not 100%. */
const floor = (n: number, digits: number) => Math.floor(n * 10 ** digits) / 10 ** digits;
