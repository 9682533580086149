import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config/parse.js';
import { spreadStarts, startOrder } from '../../lambdas/core/spread.js';

const config = (count: number, extra: Record<string, unknown>[] = []) =>
  parseConfig({
    checks: [...Array.from({ length: count }, (_, i) => ({ id: `c${i}`, type: 'tcp', host: '127.0.0.1', port: 1 })), ...extra],
  }).checks;

describe('spreadStarts', () => {
  it('spaces a cycle’s starts evenly over the window', () => {
    const slots = spreadStarts(config(50), 5_000);
    expect(slots.map((s) => s.offsetMs)).toEqual(Array.from({ length: 50 }, (_, i) => i * 100));
    expect(new Set(slots.map((s) => s.check.id)).size).toBe(50);
  });

  it('gives each check the same place every cycle, whatever order the config lists them in', () => {
    const checks = config(20);
    const at = (list: typeof checks) => new Map(spreadStarts(list, 2_000).map((s) => [s.check.id, s.offsetMs]));
    expect(at([...checks].reverse())).toEqual(at(checks));
    // Not the config's order: neighbours in the file are not neighbours in time.
    expect(spreadStarts(checks, 2_000).map((s) => s.check.id)).not.toEqual(checks.map((c) => c.id));
  });

  it('starts parents before the checks that depend on them', () => {
    const checks = config(10, [
      { id: 'child', type: 'tcp', host: '127.0.0.1', port: 1, dependsOn: ['zz-parent'] },
      { id: 'zz-parent', type: 'tcp', host: '127.0.0.1', port: 1 },
    ]);
    const order = spreadStarts(checks, 1_200).map((s) => s.check.id);
    expect(order.indexOf('zz-parent')).toBeLessThan(order.indexOf('child'));
    expect(order.at(-1)).toBe('child');
  });

  it('orders the checks the same without a window (vigil check paces them itself)', () => {
    const checks = config(10, [{ id: 'child', type: 'tcp', host: '127.0.0.1', port: 1, dependsOn: ['c3'] }]);
    const order = startOrder(checks).map((c) => c.id);
    expect(order).toEqual(spreadStarts(checks, 1_000).map((s) => s.check.id));
    expect(order.at(-1)).toBe('child');
    expect(startOrder([...checks].reverse()).map((c) => c.id)).toEqual(order);
  });

  it('starts everything at once without a window', () => {
    expect(spreadStarts(config(5), 0).map((s) => s.offsetMs)).toEqual([0, 0, 0, 0, 0]);
    expect(spreadStarts([], 1_000)).toEqual([]);
  });
});
