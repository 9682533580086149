import { describe, expect, it } from 'vitest';
import { dueChecks, nextDueAt, phaseOf, phases } from '../../lambdas/core/schedule.js';
import { config } from '../support/checks.js';

const checks = config({
  checks: [
    { id: 'fast', type: 'tcp', host: 'h', port: 1, interval: '1s' },
    { id: 'slow', type: 'tcp', host: 'h', port: 1, interval: '1m' },
  ],
}).checks;

describe('schedule', () => {
  it('has each check due first at its phase after the start, then each after its own interval, never while it runs', () => {
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

  it('spreads the checks of one interval over it, each at the same point every time, within 10 s of a long one', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ id: `c${i}`, intervalMs: 1_000 }));
    const spread = many.map((c) => phaseOf(c, many.length));
    expect([...phases(many).values()]).toEqual(spread);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...spread)).toBeLessThan(1_000);
    // Ten tenths of the second, each with some of the 200 and none with most of them.
    const tenths = Array.from({ length: 10 }, (_, t) => spread.filter((p) => Math.floor(p / 100) === t).length);
    expect(Math.min(...tenths)).toBeGreaterThan(5);
    expect(Math.max(...tenths)).toBeLessThan(40);
    expect(Math.max(...many.map((c) => phaseOf({ ...c, intervalMs: 3_600_000 }, 5_000)))).toBeLessThan(10_000);
  });
});
