import { describe, expect, it } from 'vitest';
import type { Check } from '../../lambdas/config/parse.js';
import { parseConfig } from '../../lambdas/config/parse.js';
import { formatDuration } from '../../lambdas/core/duration.js';
import {
  alertWindows,
  BURN_ALERTS,
  type BurnHistory,
  budgetSpent,
  burning,
  burnRate,
  burnThresholds,
  historyFromTimestamps,
  objectiveLabel,
  objectiveReport,
  objectiveWarnings,
  recordRun,
} from '../../lambdas/core/objectives.js';
import type { ObjectiveConfig } from '../../lambdas/core/schema-parts.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { HEARTBEAT_TOKEN, httpEntry } from '../support/checks.js';

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

  it('counts a run slower than the latency objective as bad; a down run is availability’s unless asked', () => {
    const objective = { latency: { percent: 95, under: 2_000, includeDown: false }, window: 30 * DAY };
    const runs = [run(3 * 60_000, false, 2_500), run(2 * 60_000, true), run(60_000, false, 800), run(0, false, 1_999)];
    // One bad run of the hour's 60 (at one a minute), against a 5% budget; the down run is not counted.
    expect(burnRate(objective, 60_000, runs, HOUR, NOW)).toBeCloseTo(1 / 60 / 0.05, 10);
    expect(objectiveLabel(objective)).toBe('95% under 2s over 30d');
    expect(objectiveReport(objective, 60_000, runs, NOW)).toMatchObject({ runs: 3, failedRuns: 1, attainmentPercent: 66.666 });
    const strict = { ...objective, latency: { ...objective.latency, includeDown: true } };
    expect(burnRate(strict, 60_000, runs, HOUR, NOW)).toBeCloseTo(2 / 60 / 0.05, 10);
    expect(objectiveReport(strict, 60_000, runs, NOW).attainmentPercent).toBe(50);
  });

  it('says nothing burns, and nothing runs out, without failures or without runs', () => {
    const quiet = objectiveReport(availability(99.9), 60_000, [], NOW);
    expect(quiet).toMatchObject({ runs: 0, attainmentPercent: null, budgetRemainingPercent: 100, exhaustedAt: null });
    expect(quiet.burnRates['5m']).toBeNull();
    expect(objectiveReport(availability(99.9), 60_000, [run(0, false)], NOW).exhaustedAt).toBeNull();
  });
});

describe('burn alerts from the bad runs a state counts', () => {
  /** Every run from `from` to `to` ago, one per `interval`, bad as `bad(ago)` says, into a history. */
  function counted(objective: ObjectiveConfig, interval: number, from: number, to: number, bad: (ago: number) => boolean) {
    let history: BurnHistory = [];
    for (let ago = from; ago >= to; ago -= interval) {
      history = recordRun(objective, interval, history, run(ago, bad(ago)), new Date(NOW.getTime() - ago));
    }
    return history;
  }
  const entries = (history: BurnHistory) => history.reduce((n, [, buckets]) => n + buckets.length, 0);

  it('counts six hours of failures every 10 s in a few buckets per window, and burns at the rate they make', () => {
    // 90 % every 10 s: the 6-hour alert needs 1,296 failed runs in its window; 2,160 failed.
    const objective = availability(90);
    const history = counted(objective, 10_000, 6 * HOUR - 10_000, 0, () => true);
    const [, sixHours] = BURN_ALERTS;
    expect(burning(objective, 10_000, history, sixHours, NOW)).toEqual({ burning: true, rate: 10 });
    // Five windows of twelve buckets, one more each where a bucket straddles the window's edge.
    expect(entries(history)).toBeLessThanOrEqual(5 * 13);
  });

  it('forgets buckets that left their window, and counts a bad run an hour old in the hour', () => {
    const objective = availability(99.9);
    const old = counted(objective, 60_000, 4 * DAY, 4 * DAY, () => true);
    expect(entries(recordRun(objective, 60_000, old, run(0, false), NOW))).toBe(0);
    const recent = recordRun(
      objective,
      60_000,
      counted(objective, 60_000, HOUR, HOUR, () => true),
      run(0, true),
      NOW,
    );
    const [hour] = BURN_ALERTS;
    // Two of the hour's 60 runs against a 0.1 % budget: 33×, but under the 3 failed runs a page needs.
    expect(burning(objective, 60_000, recent, hour, NOW)).toEqual({ burning: false, rate: 2 / 60 / 0.001 });
  });

  it('reads a history an older version kept as timestamps', () => {
    const objective = availability(99.9);
    const stamps = [NOW.getTime() - 2 * 60_000, NOW.getTime() - 60_000, NOW.getTime()];
    const [hour] = BURN_ALERTS;
    expect(burning(objective, 60_000, historyFromTimestamps(objective, 60_000, stamps, NOW), hour, NOW)).toEqual({
      burning: true,
      rate: 3 / 60 / 0.001,
    });
  });

  it.each([
    // objective window, interval, alert windows (long / short) for the 1h, 6h and 3d alerts
    [30 * DAY, 60_000, ['1h/5m', '6h/30m', '3d/6h']],
    [7 * DAY, 60_000, ['14m/70s', '84m/7m', '1008m/84m']],
    [DAY, 10_000, ['2m/10s', '12m/1m', '144m/12m']],
    [HOUR, 1_000, ['5s/1s', '30s/3s', '6m/30s']],
    // A long window holds at least three runs, a short one at least one.
    [HOUR, 60_000, ['3m/1m', '3m/1m', '6m/1m']],
  ])('scales the workbook’s windows to an objective over %i ms at one run every %i ms', (window, interval, expected) => {
    const objective = { availability: 99, window };
    expect(
      BURN_ALERTS.map((alert) => {
        const { longMs, shortMs } = alertWindows(objective, interval, alert);
        return `${formatDuration(longMs)}/${formatDuration(shortMs)}`;
      }),
    ).toEqual(expected);
  });

  it('pages an objective over one hour on its own scale, not on 14× its whole budget', () => {
    // The finding: 99 % over 1 h at one run a second used to page at 519 failed runs in an hour.
    const config = parseConfig({
      checks: [
        httpEntry({
          interval: '1s',
          timeout: '500ms',
          objectives: [
            { availability: 99, window: '1h' },
            { latency: { percent: 99, under: '100ms' }, window: '1h' },
          ],
        }),
      ],
    });
    const [api] = config.checks;
    expect(burnThresholds(api as Check)).toEqual([
      'api: availability 99% over 1h: pages at 3 failed runs in 5s (still burning over the last 1s), pages at 3 failed runs in 30s (still burning over the last 3s), warns at 4 failed runs in 6m (still burning over the last 30s)',
      'api: 99% under 100ms over 1h: pages at 3 failed runs in 5s (still burning over the last 1s), pages at 3 failed runs in 30s (still burning over the last 3s), warns at 4 failed runs in 6m (still burning over the last 30s)',
    ]);
    expect(objectiveWarnings(config.checks)).toEqual([]);
  });

  it('warns when an alert fires only after the whole budget is spent', () => {
    // 90 % over an hour at one run every 90 s: 4 failed runs allowed; the fast page's window is
    // stretched to three runs and needs 14.4 × 10 % of them: 5.
    const tight = parseConfig({ checks: [httpEntry({ interval: '90s', objectives: [{ availability: 90, window: '1h' }] })] });
    expect(objectiveWarnings(tight.checks)).toEqual([
      'api: availability 90% over 1h: its page needs 5 failed runs, more than the whole budget of 4: it fires only once the objective is broken; run the check more often or lengthen the window',
    ]);
    const fine = parseConfig({ checks: [httpEntry({ interval: '30s', objectives: [{ availability: 90, window: '1h' }] })] });
    expect(objectiveWarnings(fine.checks)).toEqual([]);
  });

  it('refuses a window too short to hold a few runs, and a latency objective where nothing answers', () => {
    expect(() =>
      parseConfig({ checks: [httpEntry({ interval: '30m', objectives: [{ availability: 99, window: '1h' }] })] }),
    ).toThrow('checks[0].objectives[0].window: 1h holds fewer than 3 runs at one run every 30m');
    const latency = { latency: { percent: 95, under: '250ms' } };
    const job = { id: 'nightly', type: 'heartbeat', every: '1d', token: HEARTBEAT_TOKEN };
    expect(() => parseConfig({ checks: [{ ...job, objectives: [latency] }] })).toThrow(
      'checks[0].objectives[0].latency: a heartbeat check has no response time to measure',
    );
    expect(() =>
      parseConfig({ defaults: { interval: '30m', objectives: [{ availability: 99, window: '1h' }] }, checks: [httpEntry()] }),
    ).toThrow('defaults.objectives[0].window: 1h holds fewer than 3 runs at one run every 30m (check api)');
  });

  it('applies the defaults’ latency objectives only to checks that time a response, and says so', () => {
    const latency = { latency: { percent: 95, under: '250ms' } };
    const config = parseConfig({
      defaults: { objectives: [{ availability: 99.9 }, { latency: { percent: 95, under: '250ms' } }] },
      checks: [
        httpEntry(),
        { id: 'nightly-backup', type: 'heartbeat', every: '1d', token: HEARTBEAT_TOKEN },
        { id: 'db-port', type: 'tcp', host: '10.0.0.5', port: 5432 },
        { id: 'smtp', type: 'tcp', host: '10.0.0.6', port: 25, expectBanner: '220' },
        { id: 'cert', type: 'tls', host: 'api.example.com' },
        // Asked for by the check itself: a handshake's time is what it measures.
        { id: 'cert-fast', type: 'tls', host: 'api.example.com', objectives: [latency] },
      ],
    });
    expect(config.checks.map((c) => [c.id, c.objectives.map((o) => ('latency' in o ? 'latency' : 'availability'))])).toEqual([
      ['api', ['availability', 'latency']],
      ['nightly-backup', ['availability']],
      ['db-port', ['availability']],
      ['smtp', ['availability', 'latency']],
      ['cert', ['availability']],
      ['cert-fast', ['latency']],
    ]);
    expect(config.notes).toEqual([
      'defaults.objectives: latency objectives apply to checks that time a response, not to nightly-backup (heartbeat: no response time), db-port (tcp: connection only), cert (tls: connection only)',
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
      [{ latency: { percent: 95, under: 2_000, includeDown: false }, window: 7 * DAY }],
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
