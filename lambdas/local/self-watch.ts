/**
 * The local monitor watching itself (docs/architecture.md, "Where it runs"): its store not answering
 * (hung, dead, a full disk) and probes it could not make (too many open files) are told as one "Vigil
 * itself" incident, a critical `down` through the same delivery queue as any outage (every channel and
 * the console), and a `recovered` once they are over and what was kept meanwhile has been decided. The
 * store is asked every PING_MS whether it answers; a fault pages once it has lasted RAISE_AFTER_MS, so a
 * store recycled or restarted within a second or two is not an incident.
 */
import { vigilItselfEvent } from '../core/alarm-event.js';
import { humanDuration, plural } from '../core/format.js';
import type { Clock, Log } from '../core/ports.js';
import type { AlertEvent } from '../core/types.js';
import type { Chore } from './chore.js';

/** The store Vigil keeps state in, or the machine it runs on (files, disk, memory). */
export type FaultSource = 'store' | 'host';

export interface SelfWatchDeps {
  readonly clock: Clock;
  readonly log: Log;
  /** Hands an event to every channel and the console. */
  readonly publish: (event: AlertEvent) => void;
  /** Resolves when the store answers, rejects when it does not, within seconds. */
  readonly pingStore: () => Promise<void>;
  /** Results kept for the store so far (ever kept and dropped, and waiting now). */
  readonly backlog: () => { readonly kept: number; readonly dropped: number; readonly waiting: number };
  readonly stackName: string;
}

/** How long a fault lasts before it pages: longer than a store restart, well inside a minute. */
export const RAISE_AFTER_MS = 10_000;
/** How often the store is asked: with RAISE_AFTER_MS and the ping's timeout, a hung store pages within 30 s. */
export const PING_MS = 15_000;
/** A fault of the machine (it has no ping) is over once this long has passed without another. */
const HOST_QUIET_MS = 30_000;
/** The one incident all local faults share: one page for one hurt monitor, whatever the causes. */
const INCIDENT_KEY = 'monitor';

interface Fault {
  /** Monotonic ms: when it began, and when it was last seen. */
  readonly since: number;
  readonly lastAt: number;
  readonly message: string;
}

export class SelfWatch {
  private readonly faults = new Map<FaultSource, Fault>();
  private raised: { readonly at: Date; readonly kept: number; readonly dropped: number } | null = null;
  private nextPingAt: number;

  constructor(private readonly deps: SelfWatchDeps) {
    this.nextPingAt = deps.clock.monotonicMs() + PING_MS;
  }

  /** Something Vigil needs failed. */
  fault(source: FaultSource, message: string): void {
    const now = this.deps.clock.monotonicMs();
    const known = this.faults.get(source);
    // The first word on a fault says what started it (the store's "No space left on device"), not a later
    // ping's "connection refused" while it restarts.
    this.faults.set(source, { since: known?.since ?? now, lastAt: now, message: known?.message ?? message });
    if (!known) this.deps.log.error('Vigil itself: fault', { source, error: message });
    // A store that failed a request is asked again soon rather than at the next regular ping.
    if (source === 'store') this.nextPingAt = Math.min(this.nextPingAt, now + PING_RETRY_MS);
  }

  /** While false, nothing should wait on the store: results are kept, dispatches wait. */
  storeAnswers(): boolean {
    return !this.faults.has('store');
  }

  readonly chore: Chore = {
    dueAt: () => {
      const raiseAt = this.raised ? [] : [...this.faults.values()].map((f) => f.since + RAISE_AFTER_MS);
      const hostClearAt = [this.faults.get('host')].flatMap((f) => (f ? [f.lastAt + HOST_QUIET_MS] : []));
      // Over, once what was kept is decided: told as soon as it is, not at the next ping. Due already (0),
      // not "now": a runner that read its clock a moment earlier would take now for later and wait a ping.
      // Not before: the runner wakes when a drain ends, and a chore due at once would run again and again.
      const endAt = this.raised && this.faults.size === 0 && this.deps.backlog().waiting === 0 ? [0] : [];
      return Math.min(this.nextPingAt, ...raiseAt, ...hostClearAt, ...endAt);
    },
    run: async () => {
      const now = this.deps.clock.monotonicMs();
      if (now >= this.nextPingAt) {
        this.nextPingAt = now + PING_MS;
        await this.deps.pingStore().then(
          () => {
            if (this.faults.delete('store')) this.deps.log.info('Vigil itself: the store answers again');
          },
          (error) => this.fault('store', `the store did not answer (${String(error)})`),
        );
      }
      const host = this.faults.get('host');
      if (host && this.deps.clock.monotonicMs() - host.lastAt >= HOST_QUIET_MS) this.faults.delete('host');
      this.announce();
    },
  };

  /** Raises the incident once a fault has lasted; ends it once none is left and the backlog is decided. */
  private announce(): void {
    const now = this.deps.clock.monotonicMs();
    const at = this.deps.clock.now();
    const backlog = this.deps.backlog();
    if (!this.raised) {
      const lasting = [...this.faults.entries()].filter(([, f]) => now - f.since >= RAISE_AFTER_MS);
      if (lasting.length === 0) return;
      const began = Math.min(...lasting.map(([, f]) => f.since));
      this.raised = { at: new Date(at.getTime() - (now - began)), kept: backlog.kept, dropped: backlog.dropped };
      const note = lasting.map(([source, f]) => describe(source, f, now)).join('; ');
      this.deps.publish(this.event('down', note, at));
      return;
    }
    if (this.faults.size > 0 || backlog.waiting > 0) return;
    const kept = backlog.kept - this.raised.kept;
    const dropped = backlog.dropped - this.raised.dropped;
    const decided = kept > 0 ? `; ${plural(kept, 'result')} kept meanwhile, decided now` : '';
    const lost = dropped > 0 ? ` (${dropped} of them dropped: more than could be kept)` : '';
    this.deps.publish(this.event('recovered', `cleared: the monitor works again${decided}${lost}`, at));
    this.raised = null;
  }

  private event(kind: 'down' | 'recovered', note: string, at: Date): AlertEvent {
    const startedAt = this.raised?.at ?? null;
    return vigilItselfEvent({ kind, key: INCIDENT_KEY, note, stackName: this.deps.stackName, at, startedAt });
  }
}

/** A failed request is followed by a ping this soon, so a store that is back is used again quickly. */
const PING_RETRY_MS = 2_000;

function describe(source: FaultSource, fault: Fault, now: number): string {
  const lasted = humanDuration(now - fault.since);
  return source === 'store'
    ? `its store has not answered for ${lasted}: ${fault.message}; results are kept in memory and decided when it is back`
    : `probes could not be made for ${lasted}: ${fault.message}; those checks are skipped, not judged down`;
}
