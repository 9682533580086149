/**
 * Where in a cycle each check starts. Fifty checks started in the same millisecond tax each other's
 * timings (their responses queue on one event loop) and hit shared targets and resolvers at once, so a
 * cycle spreads its starts evenly over a window, in an order that is the same every cycle (as
 * Prometheus spreads its scrapes): parents first, then by a hash of the id. Pure.
 */

import { dependencyLevels } from './maintenance.js';
import type { CheckBase } from './schema-parts.js';

/** FNV-1a: stable across runs and processes, unlike anything seeded. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface Slot<C extends CheckBase = CheckBase> {
  readonly check: C;
  /** From the cycle's start. */
  readonly offsetMs: number;
}

/** The checks in start order: parents first, then by a hash of the id. */
export function startOrder<C extends CheckBase>(checks: readonly C[]): C[] {
  return dependencyLevels(checks).flatMap((level) =>
    level
      .map((check) => ({ check, key: stableHash(check.id) }))
      .sort((a, b) => a.key - b.key)
      .map(({ check }) => check),
  );
}

/** The checks in start order, each `overMs / N` after the one before (all at 0 when `overMs` is 0). */
export function spreadStarts<C extends CheckBase>(checks: readonly C[], overMs: number): Slot<C>[] {
  const ordered = startOrder(checks);
  const step = ordered.length > 0 ? overMs / ordered.length : 0;
  return ordered.map((check, i) => ({ check, offsetMs: Math.round(i * step) }));
}
