/**
 * What `vigil monitor` has seen of each check since it started: the state people see, the last result,
 * results by status, alerts held, each timing phase's histogram; and alerts sent per kind
 * and channel. The live terminal view (cli/monitor-view.ts) and the Prometheus endpoint
 * (monitor-metrics.ts) both read it; the monitor feeds it results (all of them: probed and reported),
 * decisions and published alerts. Memory is bounded by the config: one entry per check, a fixed set of
 * buckets per phase, one counter per alert kind and channel.
 */

import type { Check } from '../config/parse.js';
import type { ReportedStatus } from '../core/check-state.js';
import type { IngestOutcome } from '../core/pipeline/ingest.js';
import { countedLatencyMs } from '../core/trusted-latency.js';
import type { AlertEvent, AlertKind, CheckResult, CheckStatus, Timings } from '../core/types.js';
import { Histogram } from './prometheus.js';

/** The timing phases, by the name the metrics give them. */
export const PHASES = {
  dns: 'dnsMs',
  connect: 'connectMs',
  tls: 'tlsMs',
  ttfb: 'ttfbMs',
  transfer: 'transferMs',
  total: 'totalMs',
} as const satisfies Record<string, keyof Timings>;
export type Phase = keyof typeof PHASES;

/** Upper bounds of the duration buckets, in seconds: Prometheus's defaults, and up to a minute (timeouts). */
export const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

export interface BoardEntry {
  readonly check: Pick<Check, 'id' | 'name' | 'type'>;
  /** What a person sees, `unknown` until the first decision (or the store's state at start). */
  readonly state: ReportedStatus;
  readonly last: CheckResult | null;
  /** Results since the monitor started, by status. */
  readonly results: Readonly<Record<CheckStatus, number>>;
  /** Alerts held back since the start (maintenance, silence, a parent down, flapping), and the last reason. */
  readonly held: number;
  readonly lastHeld: string | null;
  /** Per phase, the durations of runs whose timings count as latency (core/trusted-latency.ts). */
  readonly durations: ReadonlyMap<Phase, Histogram>;
}

type Entry = { -readonly [K in keyof BoardEntry]: BoardEntry[K] } & { decided: boolean };

export class CheckBoard {
  private readonly byId = new Map<string, Entry>();
  /** `kind\0channel` → alerts handed to that channel. */
  private readonly alerts = new Map<string, number>();

  constructor(checks: readonly Pick<Check, 'id' | 'name' | 'type'>[]) {
    for (const check of checks) {
      this.byId.set(check.id, {
        check,
        state: 'unknown',
        last: null,
        results: { up: 0, degraded: 0, down: 0 },
        held: 0,
        lastHeld: null,
        durations: new Map(),
        decided: false,
      });
    }
  }

  /** A result, probed or reported. Results of checks not in the config (Vigil itself) are not shown. */
  result(result: CheckResult): void {
    const entry = this.byId.get(result.checkId);
    if (!entry) return;
    // A result kept while the store did not answer may come after a newer one: the newest stays last.
    if (!entry.last || result.startedAt >= entry.last.startedAt) entry.last = result;
    (entry.results as Record<CheckStatus, number>)[result.status]++;
    if (countedLatencyMs(result) === null) return;
    const durations = entry.durations as Map<Phase, Histogram>;
    for (const [phase, field] of Object.entries(PHASES) as [Phase, keyof Timings][]) {
      const ms = result.timings[field];
      if (ms === null) continue;
      const histogram = durations.get(phase) ?? new Histogram(DURATION_BUCKETS_S);
      durations.set(phase, histogram);
      histogram.observe(ms / 1000);
    }
  }

  /** A decision: the state people see now, and what it held back. */
  decided({ checkId, change, held }: IngestOutcome): void {
    const entry = this.byId.get(checkId);
    if (!entry) return;
    if (change) {
      entry.state = change.to;
      entry.decided = true;
    }
    entry.held += held.length;
    const last = held.at(-1);
    if (last) entry.lastHeld = last.reason;
  }

  /** The state the store had when the monitor started, unless a decision already said more. */
  known(checkId: string, state: ReportedStatus): void {
    const entry = this.byId.get(checkId);
    if (entry && !entry.decided) entry.state = state;
  }

  /** An alert handed to these channels. */
  alerted(event: Pick<AlertEvent, 'kind'>, channels: readonly string[]): void {
    for (const channel of channels) {
      const key = `${event.kind}\0${channel}`;
      this.alerts.set(key, (this.alerts.get(key) ?? 0) + 1);
    }
  }

  entries(): readonly BoardEntry[] {
    return [...this.byId.values()];
  }

  alertCounts(): readonly { readonly kind: AlertKind; readonly channel: string; readonly count: number }[] {
    return [...this.alerts].map(([key, count]) => {
      const [kind, channel] = key.split('\0') as [AlertKind, string];
      return { kind, channel, count };
    });
  }
}
