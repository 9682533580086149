/**
 * Locations that stopped counting, told as Vigil's own trouble (docs/architecture.md, "Locations and
 * quorum"): a location that has not reported for two intervals, or whose control probe fails, is left out
 * of its checks' quorums, and that is a `down` of "Vigil itself" (every channel), never of the checks it
 * probes. One incident per location however many checks noticed, `recovered` once every one of them has
 * it back. In AWS the stack's per-location alarm says the same through the health topic (lib/).
 */
import { vigilItselfEvent } from '../core/alarm-event.js';
import type { LocationNews } from '../core/pipeline/combine.js';
import type { Clock } from '../core/ports.js';
import type { AlertEvent } from '../core/types.js';

export interface LocationWatchDeps {
  readonly clock: Clock;
  /** Hands an event to every channel and the console. */
  readonly publish: (event: AlertEvent) => void;
  readonly stackName: string;
}

export class LocationWatch {
  /** Location → when it was first told unavailable, and the checks it is out of. */
  private readonly out = new Map<string, { readonly since: Date; readonly checks: Set<string> }>();

  constructor(private readonly deps: LocationWatchDeps) {}

  /**
   * What a check's stored state says was already told before this monitor started (its locations out of
   * quorum): kept without telling again, so the location's return is told once, as `recovered`.
   */
  resume(checkId: string, location: string, since: Date): void {
    const known = this.out.get(location);
    if (known) known.checks.add(checkId);
    else this.out.set(location, { since, checks: new Set([checkId]) });
  }

  /** What a decision learnt of its check's locations. */
  told(news: readonly LocationNews[]): void {
    for (const n of news) {
      const known = this.out.get(n.location);
      if (!n.available) {
        if (known) known.checks.add(n.checkId);
        else {
          const since = this.deps.clock.now();
          this.out.set(n.location, { since, checks: new Set([n.checkId]) });
          const note = `location ${n.location} unavailable: ${n.reason} (seen by ${n.checkId}); its results count in no quorum until it is back`;
          this.deps.publish(this.event('down', n.location, note, since));
        }
        continue;
      }
      if (!known?.checks.delete(n.checkId) || known.checks.size > 0) continue;
      this.out.delete(n.location);
      this.deps.publish(this.event('recovered', n.location, `cleared: location ${n.location} reports again`, known.since));
    }
  }

  private event(kind: 'down' | 'recovered', location: string, note: string, since: Date): AlertEvent {
    return vigilItselfEvent({
      kind,
      key: `location/${location}`,
      note,
      stackName: this.deps.stackName,
      at: this.deps.clock.now(),
      startedAt: since,
    });
  }
}
