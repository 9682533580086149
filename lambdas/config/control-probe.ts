/**
 * A location's control probe (docs/architecture.md, "Locations and quorum"): a URL that answers whenever
 * the location's own network works. Probed once per cycle before the location's checks; while it fails,
 * what the location saw says nothing about the targets, so its results carry why (`locationFault`) and
 * count in no quorum.
 */

import { runCheck } from '../checks/run.js';
import type { ProbeContext } from '../checks/shared/probe.js';
import { CONTROL_TIMEOUT_MS } from '../core/locations.js';
import { type Check, type Location, parseConfig } from './parse.js';

/** Why a location's control probe fails, or null when it answers (or the location has none). */
export type ControlProbe = (location: string) => Promise<string | null>;

export function controlProbe(locations: readonly Location[], context: ProbeContext): ControlProbe {
  const checks = new Map<string, Check>();
  for (const location of locations) {
    if (!location.control) continue;
    const [check] = parseConfig({
      checks: [
        {
          id: `control-${location.name}`,
          type: 'http',
          url: location.control,
          timeout: `${CONTROL_TIMEOUT_MS}ms`,
          expect: { status: ['2xx', '3xx'] },
        },
      ],
    }).checks;
    if (check) checks.set(location.name, check);
  }
  return async (location) => {
    const check = checks.get(location);
    if (!check) return null;
    const url = check.type === 'http' ? check.url : '';
    try {
      const result = await runCheck(check, { ...context, location });
      return result.status === 'down' ? `${url}: ${result.error?.kind ?? 'down'}: ${result.error?.message ?? ''}` : null;
    } catch (error) {
      // Vigil itself could not probe (a VigilFault): that says the location cannot, either.
      return `${url}: ${(error as Error).message}`;
    }
  };
}
