import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config/parse.js';
import {
  applyPing,
  type HeartbeatState,
  heartbeatVerdict,
  heartbeatWarnings,
  initialHeartbeat,
  nextExpected,
  PINGS_PER_MINUTE,
  type Ping,
} from '../../lambdas/core/heartbeat.js';
import { HEARTBEAT_TOKEN, heartbeatCheck } from '../support/checks.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = new Date('2026-11-23T01:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const start = (rid: string | null = null): Ping => ({ action: { kind: 'start' }, rid, body: '' });
const end = (exitCode: number | null, rid: string | null = null, body = ''): Ping => ({
  action: { kind: 'end', ok: exitCode === 0 || exitCode === null, exitCode },
  rid,
  body,
});
const failed = (rid: string | null = null, body = ''): Ping => ({
  action: { kind: 'end', ok: false, exitCode: null },
  rid,
  body,
});

/** Applies reports in order, each at its time; every one must be recorded. */
function reported(steps: readonly [number, Ping][], state = initialHeartbeat('nightly', T0)): HeartbeatState {
  return steps.reduce((prev, [ms, ping]) => {
    const outcome = applyPing(prev, ping, at(ms));
    if (outcome.kind !== 'recorded') throw new Error(`not recorded: ${outcome.kind}`);
    return outcome.next;
  }, state);
}

describe('heartbeat config', () => {
  it('takes every or cron, with a valid cron and a long enough token', () => {
    const problems = (fields: Record<string, unknown>) => {
      try {
        parseConfig({ checks: [{ id: 'job', type: 'heartbeat', token: HEARTBEAT_TOKEN, ...fields }] });
        return [];
      } catch (error) {
        return (error as { problems: string[] }).problems;
      }
    };
    expect(problems({ every: '1h' })).toEqual([]);
    expect(problems({ cron: '0 2 * * *', timezone: 'Europe/Berlin' })).toEqual([]);
    expect(problems({})).toEqual(['checks[0].every: a heartbeat takes one of every (like "1h") or cron (like "0 2 * * *")']);
    expect(problems({ every: '1h', cron: '0 2 * * *' })[0]).toMatch(/one of every/);
    expect(problems({ cron: '0 25 * * *' })[0]).toMatch(/^checks\[0\]\.cron: invalid cron/);
    expect(problems({ every: '1h', token: 'short' })).toEqual([
      'checks[0].token: at least 16 characters (a short token can be guessed), got 5',
    ]);
    expect(problems({ every: '1h', successRate: { window: 1, min: 90 } })[0]).toMatch(/successRate\.window/);
  });

  it('goes down on the first failure and up on the first success unless told otherwise', () => {
    const check = heartbeatCheck({ every: '1h' });
    expect([check.failureThreshold, check.successThreshold, check.grace]).toEqual([1, 1, 5 * MIN]);
    const own = heartbeatCheck({ every: '1h', failureThreshold: 2 });
    expect(own.failureThreshold).toBe(2);
  });
});

describe('heartbeatWarnings', () => {
  it('warns when lateness is looked at less often than the grace allows', () => {
    const checks = [
      heartbeatCheck({ every: '1d', grace: '10m', interval: '1h' }),
      heartbeatCheck({ every: '1d', grace: '0s', interval: '1m' }),
      heartbeatCheck({ every: '1d' }),
    ];
    expect(heartbeatWarnings(checks)).toEqual([
      'nightly: looked at every 1h, so a late run is noticed up to that long after its grace of 10m; set interval to 10m or less',
    ]);
  });
});

describe('applyPing', () => {
  it('pairs a start and an end by run id, with the time between as the duration', () => {
    const state = reported([
      [0, start('a')],
      [MIN, start('b')],
      [3 * MIN, end(0, 'a', 'done')],
    ]);
    expect(state.lastRun).toEqual({
      rid: 'a',
      startedAt: at(0).toISOString(),
      endedAt: at(3 * MIN).toISOString(),
      ok: true,
      exitCode: 0,
      durationMs: 3 * MIN,
      output: 'done',
    });
    expect(state.open).toEqual([{ rid: 'b', startedAt: at(MIN).toISOString() }]);
    expect(state.lastSuccessAt).toBe(at(3 * MIN).toISOString());
    expect(state.outcomes).toBe('s');
  });

  it('acknowledges a retried report without recording it twice', () => {
    const once = reported([
      [0, start('r1')],
      [MIN, end(3, 'r1')],
    ]);
    expect(applyPing(once, end(3, 'r1'), at(MIN + 500))).toEqual({ kind: 'duplicate' });
    expect(applyPing(once, start('r1'), at(MIN + 500))).toEqual({ kind: 'duplicate' });
    // Without a run id a report cannot be told from a new one.
    expect(applyPing(once, end(3), at(MIN + 500)).kind).toBe('recorded');
  });

  it('refuses reports past the limit per minute, and takes them again the next minute', () => {
    let state = initialHeartbeat('nightly', T0);
    for (let i = 0; i < PINGS_PER_MINUTE; i++) {
      const outcome = applyPing(state, start(), at(i * 100));
      if (outcome.kind !== 'recorded') throw new Error('refused too early');
      state = outcome.next;
    }
    expect(applyPing(state, start(), at(20_000))).toEqual({ kind: 'limited', retryAfterS: 40 });
    expect(applyPing(state, start(), at(60_000)).kind).toBe('recorded');
  });

  it('ends the runs a later success has passed, and replaces an open run without id on a new start', () => {
    const state = reported([
      [0, start('crashed')],
      [MIN, start()],
      [2 * MIN, start()],
      [3 * MIN, start('next')],
      [4 * MIN, end(0, 'next')],
    ]);
    expect(state.open).toEqual([]);
    const restarted = reported([
      [0, start()],
      [MIN, start()],
    ]);
    expect(restarted.open).toEqual([{ rid: null, startedAt: at(MIN).toISOString() }]);
  });
});

describe('heartbeatVerdict', () => {
  const hourly = heartbeatCheck({ every: '1h', grace: '10m', maxRuntime: '30m', successRate: { window: 4, min: 75 } });

  it('is late once schedule and grace have passed without a success, counted from the first look', () => {
    const fresh = initialHeartbeat('nightly', T0);
    expect(heartbeatVerdict(hourly, fresh, at(70 * MIN)).status).toBe('up');
    const late = heartbeatVerdict(hourly, fresh, at(70 * MIN + 1));
    expect(late.error?.kind).toBe('late');
    expect(late.error?.message).toBe(
      `no success reported since ${T0.toISOString()}; a run was expected by ${at(HOUR).toISOString()} (grace 10m)`,
    );
    const ran = reported([[50 * MIN, end(0)]]);
    expect(heartbeatVerdict(hourly, ran, at(70 * MIN + 1)).status).toBe('up');
    expect(heartbeatVerdict(hourly, ran, at(120 * MIN + 1)).error?.kind).toBe('late');
    expect(heartbeatVerdict(hourly, ran, at(100 * MIN)).summary.nextExpectedAt).toBe(at(110 * MIN).toISOString());
  });

  it('counts a run in progress that began in time, but not one that began late', () => {
    const onTime = reported([[65 * MIN, start()]]);
    expect(heartbeatVerdict(hourly, onTime, at(80 * MIN)).status).toBe('up');
    const tooLate = reported([[75 * MIN, start()]]);
    expect(heartbeatVerdict(hourly, tooLate, at(80 * MIN)).error?.kind).toBe('late');
  });

  it('is down on a failed run, quoting its exit code and the tail of its output, until a success', () => {
    const output = `${'x'.repeat(1000)}\nError: upload refused`;
    const state = reported([
      [0, start('r7')],
      [4 * MIN, end(3, 'r7', output)],
    ]);
    const verdict = heartbeatVerdict(hourly, state, at(5 * MIN));
    expect(verdict.error?.kind).toBe('job_failed');
    expect(verdict.error?.message).toMatch(/^run r7 failed with exit code 3 after 4m: …x+\nError: upload refused$/);
    expect(verdict.error?.message.length).toBeLessThan(500);
    expect(heartbeatVerdict(hourly, reported([[0, failed()]]), at(MIN)).error?.message).toBe('run (no run id) failed');
    expect(heartbeatVerdict(hourly, reported([[6 * MIN, end(0)]], state), at(7 * MIN)).status).toBe('up');
  });

  it('is down when a run goes past maxRuntime, naming the run', () => {
    const state = reported([[0, start('long')]]);
    expect(heartbeatVerdict(hourly, state, at(30 * MIN)).status).toBe('up');
    const over = heartbeatVerdict(hourly, state, at(31 * MIN));
    expect(over.error).toEqual({
      kind: 'max_runtime',
      message: `run long started ${T0.toISOString()} has run 31m, over maxRuntime 30m`,
    });
  });

  it('is degraded when the success rate over the window falls under its minimum, or down when told', () => {
    const steps = (outcomes: string) => [...outcomes].map((o, i) => [i * MIN, o === 's' ? end(0) : failed()] as [number, Ping]);
    // 3 of the last 4: at the minimum.
    expect(heartbeatVerdict(hourly, reported(steps('fsss')), at(5 * MIN)).status).toBe('up');
    const falling = heartbeatVerdict(hourly, reported(steps('ssfsfs')), at(7 * MIN));
    expect(falling.status).toBe('degraded');
    expect(falling.detail).toBe('50% of the last 4 runs succeeded, under the minimum 75%');
    // Fewer runs than the window say nothing yet.
    expect(heartbeatVerdict(hourly, reported(steps('fs')), at(3 * MIN)).status).toBe('up');
    const strict = heartbeatCheck({ every: '1h', successRate: { window: 4, min: 75, status: 'down' } });
    expect(heartbeatVerdict(strict, reported(steps('sffs')), at(5 * MIN)).error?.kind).toBe('success_rate');
  });
});

describe('nextExpected with cron', () => {
  const nightly = heartbeatCheck({ cron: '0 2 * * *', timezone: 'Europe/Berlin', grace: '30m' });

  it('is the next cron time in the zone, a success a little early counting for the one it precedes', () => {
    // 02:00 in Berlin is 01:00 UTC in November.
    expect(nextExpected(nightly, new Date('2026-11-23T01:00:05Z')).toISOString()).toBe('2026-11-24T01:00:00.000Z');
    expect(nextExpected(nightly, new Date('2026-11-23T00:58:00Z')).toISOString()).toBe('2026-11-24T01:00:00.000Z');
    expect(nextExpected(nightly, new Date('2026-11-22T12:00:00Z')).toISOString()).toBe('2026-11-23T01:00:00.000Z');
  });

  it('is late 30 minutes after a night without a run', () => {
    const state = reported([[5_000, end(0)]], initialHeartbeat('nightly', new Date('2026-11-22T01:00:00Z')));
    // The success at 01:00:05 UTC on the 23rd covers that night; the next is due on the 24th.
    expect(heartbeatVerdict(nightly, state, new Date('2026-11-24T01:30:00Z')).status).toBe('up');
    expect(heartbeatVerdict(nightly, state, new Date('2026-11-24T01:30:01Z')).error?.kind).toBe('late');
  });
});
