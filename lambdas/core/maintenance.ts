/** Maintenance windows and silences: pure answers to "are this check's alerts held right now, and why?" */
import { CronExpressionParser } from 'cron-parser';
import type { CheckBase, MaintenanceWindow } from './schema-parts.js';

/** A silence set with `vigil silence`: stored in the table, ends on its own. */
export interface Silence {
  readonly checkId: string;
  readonly until: string;
  readonly reason: string;
  readonly createdAt: string;
}

/** Null when the expression is a valid five-field cron, else why not. */
export function cronProblem(expression: string, timezone = 'UTC'): string | null {
  if (expression.trim().split(/\s+/).length !== 5)
    return `expected five cron fields (minute hour day month weekday), got "${expression}"`;
  try {
    CronExpressionParser.parse(expression, { tz: timezone }).prev();
    return null;
  } catch (error) {
    return `invalid cron "${expression}": ${(error as Error).message}`;
  }
}

function covers(window: MaintenanceWindow, check: CheckBase): boolean {
  if (!window.checks && !window.groups) return true;
  return (
    (window.checks?.includes(check.id) ?? false) || (check.group !== null && (window.groups?.includes(check.group) ?? false))
  );
}

function isOpen(window: MaintenanceWindow, now: Date): boolean {
  if ('start' in window) return Date.parse(window.start) <= now.getTime() && now.getTime() < Date.parse(window.end);
  // The latest start at or before now; the window is open if it has not run its duration yet.
  const latest = CronExpressionParser.parse(window.cron, { currentDate: new Date(now.getTime() + 1), tz: window.timezone })
    .prev()
    .toDate();
  return now.getTime() < latest.getTime() + window.duration;
}

/** What holds a check's alerts back from outside, and why in words for people and logs. */
export interface Hold {
  readonly kind: 'maintenance' | 'silence' | 'dependency';
  readonly reason: string;
}

/** Why the check's alerts are held now, or null: a maintenance window, a silence, or a parent that is down. */
export function suppressionFor(
  check: CheckBase,
  now: Date,
  sources: {
    readonly windows: readonly MaintenanceWindow[];
    readonly silence: Silence | null;
    readonly downParents: readonly string[];
  },
): Hold | null {
  const window = sources.windows.find((w) => covers(w, check) && isOpen(w, now));
  if (window) return { kind: 'maintenance', reason: `maintenance window "${window.name}"` };
  if (sources.silence && Date.parse(sources.silence.until) > now.getTime()) {
    return { kind: 'silence', reason: `silenced until ${sources.silence.until}: ${sources.silence.reason}` };
  }
  if (sources.downParents.length > 0) {
    return { kind: 'dependency', reason: `depends on ${sources.downParents.join(', ')}, which is down` };
  }
  return null;
}

/** Checks in the order their parents come first: each inner list can run side by side. */
export function dependencyLevels<C extends CheckBase>(checks: readonly C[]): C[][] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const level = new Map<string, number>();
  const depth = (check: C, seen: Set<string>): number => {
    const known = level.get(check.id);
    if (known !== undefined) return known;
    if (seen.has(check.id)) return 0; // a cycle; the config rejects these, so this only guards
    seen.add(check.id);
    const parents = check.dependsOn.map((id) => byId.get(id)).filter((c): c is C => c !== undefined);
    const own = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => depth(p, seen)));
    level.set(check.id, own);
    return own;
  };
  const levels: C[][] = [];
  for (const check of checks) {
    const at = depth(check, new Set());
    const level = levels[at] ?? [];
    level.push(check);
    levels[at] = level;
  }
  return levels.filter((l) => l !== undefined);
}
