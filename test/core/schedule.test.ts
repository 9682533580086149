import { describe, expect, it } from 'vitest';
import { DueQueue, dueAt, phases } from '../../lambdas/core/schedule.js';
import { spreadStarts } from '../../lambdas/core/spread.js';
import { config } from '../support/checks.js';

const checks = config({
  checks: [
    { id: 'fast', type: 'tcp', host: 'h', port: 1, interval: '1s' },
    { id: 'slow', type: 'tcp', host: 'h', port: 1, interval: '1m' },
  ],
}).checks;

describe('schedule', () => {
  it('has each check due first at its phase after the start, then at its phase an interval on, never while it runs', () => {
    const start = { at: 5_000, phases: phases(checks) };
    const [fastPhase, slowPhase] = [start.phases.get('fast') ?? -1, start.phases.get('slow') ?? -1];
    // Alone at their intervals, each starts within its 5 ms of the start.
    expect([fastPhase, slowPhase].every((p) => p >= 0 && p < 5)).toBe(true);
    const due = new DueQueue(checks, start);
    expect(due.nextAt()).toBe(5_000 + Math.min(fastPhase, slowPhase));
    expect(due.takeDue(4_999)).toEqual([]);
    expect(
      due
        .takeDue(5_000 + Math.max(fastPhase, slowPhase))
        .map((c) => c.id)
        .sort(),
    ).toEqual(['fast', 'slow']);
    // Both run: neither is due, however late it gets.
    expect(due.nextAt()).toBe(Number.POSITIVE_INFINITY);
    expect(due.takeDue(1e9)).toEqual([]);
    expect(due.dueAt('fast')).toBeNull();
    const [fast, slow] = checks as [(typeof checks)[number], (typeof checks)[number]];
    expect(due.dueAfterRun(fast)).toBe(6_000 + fastPhase);
    due.release(fast);
    due.release(fast);
    expect(due.dueAt('fast')).toBe(6_000 + fastPhase);
    expect(due.nextAt()).toBe(6_000 + fastPhase);
    due.release(slow);
    expect(due.dueAt('slow')).toBe(65_000 + slowPhase);
    expect(due.takeDue(6_000 + fastPhase).map((c) => c.id)).toEqual(['fast']);
    expect(due.nextAt()).toBe(65_000 + slowPhase);
  });

  it('keeps each check at its phase when it starts late, coming back to it by at most 5% of its interval a run', () => {
    const fast = checks.filter((c) => c.id === 'fast');
    /** When the check is next due after starting at each of `starts` in turn. */
    const nextAfter = (starts: readonly number[]) => {
      const due = new DueQueue(fast, { at: 0, phases: new Map([['fast', 300]]) });
      for (const at of starts) {
        expect(due.takeDue(at).map((c) => c.id)).toEqual(['fast']);
        due.release(fast[0] as (typeof fast)[number]);
      }
      return due.nextAt();
    };
    // First run due at 300; started 40 ms late, the next is still due at 1,300, not 1,340.
    expect(nextAfter([])).toBe(300);
    expect(nextAfter([340])).toBe(1_300);
    // Started 120 ms late: 950 ms on (70 ms late), 950 ms on again (20 ms late), then at its phase.
    expect(nextAfter([420])).toBe(1_370);
    expect(nextAfter([420, 1_370])).toBe(2_320);
    expect(nextAfter([420, 1_370, 2_320])).toBe(3_300);
    // Its run outlasted the interval and it started 1.5 intervals late: no sooner than 950 ms after.
    expect(nextAfter([1_800])).toBe(2_750);
    // Started on a later phase (it skipped one): an interval on.
    expect(nextAfter([2_300])).toBe(3_300);
    // However late, never sooner than 95% of the interval after, and back at its phase within 20 runs.
    for (const late of [1, 49, 50, 51, 499, 500, 501, 949, 950, 951, 999]) {
      const starts = [300 + late];
      for (let run = 0; run < 20; run++) starts.push(nextAfter(starts));
      const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
      expect(((starts.at(-1) as number) - 300) % 1_000).toBe(0);
    }
  });

  it('hands out what is due and says when next, as computing every check would, however they are released', () => {
    const many = config({
      checks: Array.from({ length: 300 }, (_, i) => ({
        id: `c${i}`,
        type: 'tcp',
        host: 'h',
        port: 1,
        interval: `${1 + (i % 7)}s`,
      })),
    }).checks;
    const start = { at: 0, phases: phases(many) };
    const due = new DueQueue(many, start);
    // The model: every check's last start, and which run, with due times computed check by check.
    const lastStarted = new Map<string, number>();
    const running = new Set<string>();
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let now = 0;
    for (let step = 0; step < 2_000; step++) {
      now += Math.floor(random() * 40);
      for (const check of many) {
        if (running.has(check.id) && random() < 0.3) {
          running.delete(check.id);
          due.release(check);
        }
      }
      const waiting = many.filter((c) => !running.has(c.id));
      const expected = waiting.filter((c) => dueAt(c, lastStarted, start) <= now).map((c) => c.id);
      expect(due.nextAt()).toBe(Math.min(...waiting.map((c) => dueAt(c, lastStarted, start))));
      const taken = due.takeDue(now).map((c) => c.id);
      expect(taken.sort()).toEqual(expected.sort());
      for (const id of taken) {
        lastStarted.set(id, now);
        running.add(id);
      }
    }
  });

  it('spreads the checks of one interval evenly over it, parents first, as the probe Lambda spreads a cycle', () => {
    const many = config({
      checks: Array.from({ length: 200 }, (_, i) => ({
        id: `c${i}`,
        type: 'tcp',
        host: 'h',
        port: 1,
        interval: '1s',
        ...(i > 0 && i % 50 === 0 ? { dependsOn: ['c0'] } : {}),
      })),
    }).checks;
    const offsets = phases(many);
    const lambda = spreadStarts(many, 1_000);
    expect(lambda.map(({ check }) => offsets.get(check.id))).toEqual(lambda.map(({ offsetMs }) => offsetMs));
    const sorted = [...offsets.values()].sort((a, b) => a - b);
    expect(sorted[0]).toBe(0);
    expect(sorted.at(-1)).toBeLessThan(1_000);
    // Evenly: every start 5 ms after the one before (200 checks over the second).
    expect(new Set(sorted.slice(1).map((t, i) => t - (sorted[i] as number)))).toEqual(new Set([5]));
    // Dependents start after every check they could depend on, whatever their hashes.
    const dependents = ['c50', 'c100', 'c150'].map((id) => offsets.get(id) as number);
    expect(Math.min(...dependents)).toBeGreaterThan(sorted.at(-4) as number);
    // The same points every time the config is started.
    expect(phases(many)).toEqual(offsets);
  });

  it('spreads a long interval over at most 10 s, a few checks over 5 ms each', () => {
    const hourly = config({
      checks: Array.from({ length: 5_000 }, (_, i) => ({ id: `h${i}`, type: 'tcp', host: 'h', port: 1, interval: '1h' })),
    }).checks;
    expect(Math.max(...phases(hourly).values())).toBeLessThan(10_000);
    expect(Math.max(...phases(hourly).values())).toBeGreaterThan(9_990);
    expect([...phases(checks).values()]).toEqual([0, 0]);
  });
});
