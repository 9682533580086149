import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/core/config.js';
import {
  BURN_ALERTS,
  budgetSpent,
  burning,
  burnRate,
  keepBadRuns,
  objectiveLabel,
  objectiveReport,
  objectiveWarnings,
} from '../../lambdas/core/objectives.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { httpEntry } from '../support/checks.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = new Date('2026-11-23T12:00:00.000Z');
/** 250 runs an hour: a 14.4× burn of a 1% budget is a whole number of failed runs (36). */
const INTERVAL = 14_400;

const availability = (target: number) => ({ availability: target, window: 30 * DAY });

/** A run at `ago` before now, down or answered in `ms`. */
function run(ago: number, bad: boolean, ms = 50): CheckResult {
  return {
    checkId: 'api',
    status: bad ? 'down' : 'up',
    error: bad ? { kind: 'http_status', message: 'expected status 2xx, got 503' } : null,
    httpStatus: bad ? 503 : 200,
    timings: { dnsMs: null, connectMs: 0.2, tlsMs: null, ttfbMs: ms, transferMs: 0.1, totalMs: ms },
    startedAt: new Date(NOW.getTime() - ago).toISOString(),
    detail: null,
  };
}

/** 30 days of runs, every INTERVAL, the newest last; `bad(ago)` says which failed. */
function history(bad: (ago: number) => boolean): CheckResult[] {
  const runs: CheckResult[] = [];
  for (let ago = 30 * DAY - INTERVAL; ago >= 0; ago -= INTERVAL) runs.push(run(ago, bad(ago)));
  return runs;
}

describe('objectives: the SRE workbook’s burn-rate table over 30 days of history', () => {
  it.each([
    // burn rate, long window, budget spent in it, time to exhaustion from a full budget
    [14.4, HOUR, 0.02, 50 * HOUR],
    [6, 6 * HOUR, 0.05, 5 * DAY],
    [1, 3 * DAY, 0.1, 30 * DAY],
  ])('a %f× burn over %i ms spends %f of the budget; a full budget lasts %i ms', (rate, window, spent, lasts) => {
    expect(budgetSpent(rate, window, 30 * DAY)).toBeCloseTo(spent, 10);
    expect((30 * DAY) / rate).toBe(lasts);
  });

  it('reads a 14.4× burn over the last hour off the history, and when the budget runs out', () => {
    const objective = availability(99);
    // 36 of the last hour's 250 runs failed (14.4 %, 14.4 × the 1 % budget); nothing before.
    const runs = history((ago) => ago < HOUR && Math.floor(ago / INTERVAL) % 7 === 0 && ago / INTERVAL < 250);
    const report = objectiveReport(objective, INTERVAL, runs, NOW);
    expect(report.failedRuns).toBe(36);
    expect(report.burnRates['1h']).toBe(14.4);
    // 180,000 runs in 30 days allow 1,800 failures: 2 % of them are spent.
    expect(report.budgetRemainingPercent).toBe(98);
    expect(report.failedRunsLeft).toBe(1_764);
    // The rest lasts 49 hours at this rate: 50 hours from a full budget, one of them gone.
    expect(Date.parse(report.exhaustedAt ?? '') - NOW.getTime()).toBe(49 * HOUR);
    expect(report.attainmentPercent).toBe(99.98);
  });

  it('reads a 6× burn over six hours and a 1× burn over three days, and the budget each spends', () => {
    const objective = availability(99);
    // Six hours: 1,500 runs, 90 failed (6 %).
    const sixHours = history((ago) => ago < 6 * HOUR && Math.floor(ago / INTERVAL) % 50 < 3);
    const six = objectiveReport(objective, INTERVAL, sixHours, NOW);
    expect(six.burnRates['6h']).toBe(6);
    expect(six.budgetRemainingPercent).toBe(95);
    // Three days: 18,000 runs, 180 failed (1 %).
    const threeDays = history((ago) => ago < 3 * DAY && Math.floor(ago / INTERVAL) % 100 === 0);
    const three = objectiveReport(objective, INTERVAL, threeDays, NOW);
    expect(three.burnRates['3d']).toBe(1);
    expect(three.budgetRemainingPercent).toBe(90);
    expect(three.burnRates['1h']).toBeCloseTo(1, 0);
  });

  it('counts a run slower than the latency objective as bad, and a down run too', () => {
    const objective = { latency: { percent: 95, under: 2_000 }, window: 30 * DAY };
    const runs = [run(3 * 60_000, false, 2_500), run(2 * 60_000, true), run(60_000, false, 800), run(0, false, 1_999)];
    // Two bad runs of the hour's 60 (at one a minute), against a 5% budget.
    expect(burnRate(objective, 60_000, runs, HOUR, NOW)).toBeCloseTo(2 / 60 / 0.05, 10);
    expect(objectiveLabel(objective)).toBe('95% under 2s over 30d');
    expect(objectiveReport(objective, 60_000, runs, NOW).attainmentPercent).toBe(50);
  });

  it('says nothing burns, and nothing runs out, without failures or without runs', () => {
    const quiet = objectiveReport(availability(99.9), 60_000, [], NOW);
    expect(quiet).toMatchObject({ runs: 0, attainmentPercent: null, budgetRemainingPercent: 100, exhaustedAt: null });
    expect(quiet.burnRates['5m']).toBeNull();
    expect(objectiveReport(availability(99.9), 60_000, [run(0, false)], NOW).exhaustedAt).toBeNull();
  });
});

describe('burn alerts from the bad runs a state keeps', () => {
  it('keeps enough bad runs for every alert, even a loose objective checked often', () => {
    // 90 % every 10 s: the 6-hour alert needs 1,296 failed runs in its window.
    const objective = { availability: 90, window: 30 * DAY };
    const interval = 10_000;
    let kept: number[] = [];
    const start = NOW.getTime() - 6 * HOUR;
    for (let at = start + interval; at <= NOW.getTime(); at += interval) {
      kept = keepBadRuns(objective, interval, kept, run(NOW.getTime() - at, true), new Date(at));
    }
    expect(kept.length).toBe(2_160);
    const [, sixHours] = BURN_ALERTS;
    expect(burning(objective, interval, kept, sixHours, NOW)).toEqual({ burning: true, rate: 10 });
  });

  it('drops bad runs older than the longest window, and forgets nothing a good run does not replace', () => {
    const objective = availability(99.9);
    const old = keepBadRuns(objective, 60_000, [NOW.getTime() - 4 * DAY], run(0, false), NOW);
    expect(old).toEqual([]);
    expect(keepBadRuns(objective, 60_000, [NOW.getTime() - HOUR], run(0, true), NOW)).toEqual([
      NOW.getTime() - HOUR,
      NOW.getTime(),
    ]);
  });
});

describe('objectives in the config', () => {
  const check = httpEntry;

  it('takes each check’s own objectives, or the defaults’, with a 30-day window unless told', () => {
    const config = parseConfig({
      defaults: { objectives: [{ availability: 99.9 }] },
      checks: [check(), check({ id: 'web', objectives: [{ latency: { percent: 95, under: '2s' }, window: '7d' }] })],
    });
    expect(config.checks.map((c) => c.objectives)).toEqual([
      [{ availability: 99.9, window: 30 * DAY }],
      [{ latency: { percent: 95, under: 2_000 }, window: 7 * DAY }],
    ]);
  });

  it('says what an objective must look like', () => {
    expect(() => parseConfig({ checks: [check({ objectives: [{ availability: 100 }] })] })).toThrow(
      'checks[0].objectives[0].availability: expected a percentage above 0 and below 100, like 99.9',
    );
    expect(() => parseConfig({ checks: [check({ objectives: [{ uptime: 99 }] })] })).toThrow(
      'checks[0].objectives[0]: expected { availability: 99.9 } or { latency: { percent: 95, under: 2s } }',
    );
  });

  it('warns when an objective is too tight for the interval to measure', () => {
    const config = parseConfig({
      checks: [
        check({ interval: '5m', objectives: [{ availability: 99.99 }] }),
        check({ id: 'fine', interval: '1m', objectives: [{ availability: 99.9 }] }),
      ],
    });
    expect(objectiveWarnings(config.checks)).toEqual([
      'api: availability 99.99% over 30d allows 0.9 failed runs at one run every 5m: a single failure spends 100% of the budget; run the check more often, lengthen the window or lower the target',
    ]);
  });
});
