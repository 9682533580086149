import { describe, expect, it } from 'vitest';
import { dueChecks, nextDueAt } from '../../lambdas/core/schedule.js';
import { config } from '../support/checks.js';

const checks = config({
  checks: [
    { id: 'fast', type: 'tcp', host: 'h', port: 1, interval: '1s' },
    { id: 'slow', type: 'tcp', host: 'h', port: 1, interval: '1m' },
  ],
}).checks;

describe('schedule', () => {
  it('has every check due at first, then each after its own interval, never while it runs', () => {
    const none = new Set<string>();
    expect(dueChecks(checks, new Map(), none, 0).map((c) => c.id)).toEqual(['fast', 'slow']);
    const started = new Map([
      ['fast', 0],
      ['slow', 0],
    ]);
    expect(dueChecks(checks, started, none, 999)).toEqual([]);
    expect(dueChecks(checks, started, none, 1_000).map((c) => c.id)).toEqual(['fast']);
    expect(dueChecks(checks, started, new Set(['fast']), 1_000)).toEqual([]);
    expect(nextDueAt(checks, started, none)).toBe(1_000);
    expect(nextDueAt(checks, started, new Set(['fast']))).toBe(60_000);
    expect(nextDueAt(checks, started, new Set(['fast', 'slow']))).toBe(Number.POSITIVE_INFINITY);
  });
});
