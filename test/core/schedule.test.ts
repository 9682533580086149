import { describe, expect, it } from 'vitest';
import { dueChecks, nextDueAt, phases } from '../../lambdas/core/schedule.js';
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
    const none = new Set<string>();
    const start = { at: 5_000, phases: phases(checks) };
    const [fastPhase, slowPhase] = [start.phases.get('fast') ?? -1, start.phases.get('slow') ?? -1];
    // Alone at their intervals, each starts within its 5 ms of the start.
    expect([fastPhase, slowPhase].every((p) => p >= 0 && p < 5)).toBe(true);
    expect(dueChecks(checks, new Map(), none, 5_000 + Math.max(fastPhase, slowPhase), start).map((c) => c.id)).toEqual([
      'fast',
      'slow',
    ]);
    expect(nextDueAt(checks, new Map(), none, start)).toBe(5_000 + Math.min(fastPhase, slowPhase));
    const zero = { at: 0, phases: start.phases };
    const started = new Map([
      ['fast', 0],
      ['slow', 0],
    ]);
    expect(dueChecks(checks, started, none, 999, zero)).toEqual([]);
    expect(dueChecks(checks, started, none, 1_000, zero).map((c) => c.id)).toEqual(['fast']);
    expect(dueChecks(checks, started, new Set(['fast']), 1_000, zero)).toEqual([]);
    expect(nextDueAt(checks, started, none, zero)).toBe(1_000);
    expect(nextDueAt(checks, started, new Set(['fast']), zero)).toBe(60_000);
    expect(nextDueAt(checks, started, new Set(['fast', 'slow']), zero)).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps each check at its phase when it starts late, coming back to it by at most 5% of its interval a run', () => {
    const none = new Set<string>();
    const start = { at: 0, phases: new Map([['fast', 300]]) };
    const fast = checks.filter((c) => c.id === 'fast');
    // First run due at 300; started 40 ms late, the next is still due at 1,300, not 1,340.
    expect(nextDueAt(fast, new Map(), none, start)).toBe(300);
    expect(nextDueAt(fast, new Map([['fast', 340]]), none, start)).toBe(1_300);
    expect(dueChecks(fast, new Map([['fast', 340]]), none, 1_299, start)).toEqual([]);
    expect(dueChecks(fast, new Map([['fast', 340]]), none, 1_300, start).map((c) => c.id)).toEqual(['fast']);
    // Started 120 ms late: 950 ms on (70 ms late), 950 ms on again (20 ms late), then at its phase.
    expect(nextDueAt(fast, new Map([['fast', 420]]), none, start)).toBe(1_370);
    expect(nextDueAt(fast, new Map([['fast', 1_370]]), none, start)).toBe(2_320);
    expect(nextDueAt(fast, new Map([['fast', 2_320]]), none, start)).toBe(3_300);
    // Its run outlasted the interval and it started 1.5 intervals late: no sooner than 950 ms after.
    expect(nextDueAt(fast, new Map([['fast', 1_800]]), none, start)).toBe(2_750);
    // Started on a later phase (it skipped one): an interval on.
    expect(nextDueAt(fast, new Map([['fast', 2_300]]), none, start)).toBe(3_300);
    // However late, never sooner than 95% of the interval after, and back at its phase within 20 runs.
    for (const late of [1, 49, 50, 51, 499, 500, 501, 949, 950, 951, 999]) {
      let last = 300 + late;
      for (let run = 0; run < 20; run++) {
        const next = nextDueAt(fast, new Map([['fast', last]]), none, start);
        expect(next - last).toBeGreaterThanOrEqual(950);
        last = next;
      }
      expect((last - 300) % 1_000).toBe(0);
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
