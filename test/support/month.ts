/**
 * A synthetic history at scale, the same every time (a seeded generator): a check's results at its
 * interval back from `now`, with what a month holds — slow spells, degraded and down runs of several
 * error kinds, runs timed under loop lag, an outage (with its incident) and a stretch nothing watched —
 * and the rollups a monitor would have sealed from them, to write straight into a store.
 */
import { DAY_MS, HOUR_MS } from '../../lambdas/core/duration.js';
import { latencyThresholds } from '../../lambdas/core/history.js';
import { storedDigest } from '../../lambdas/core/latency-digest.js';
import type { IncidentRecord } from '../../lambdas/core/ports.js';
import { emptyRollup, mergeRollups, type Rollup, rollupOf } from '../../lambdas/core/rollup.js';
import type { CheckBase } from '../../lambdas/core/schema-parts.js';
import type { CheckResult, ErrorKind } from '../../lambdas/core/types.js';

/** A small, fast, seeded generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticHistory {
  readonly results: CheckResult[];
  readonly incidents: IncidentRecord[];
}

const KINDS: readonly ErrorKind[] = ['timeout', 'connect_refused', 'http_status', 'reset'];

/**
 * `days` of results every `intervalMs` up to `now` (a little jitter, as a monitor's starts have), an
 * outage of 40 minutes `outageDaysAgo` days back, nothing watched for three hours `gapDaysAgo` days back.
 */
export function syntheticHistory(
  checkId: string,
  options: {
    readonly now: number;
    readonly days: number;
    readonly intervalMs: number;
    readonly seed: number;
    readonly outageDaysAgo?: number;
    readonly gapDaysAgo?: number;
  },
): SyntheticHistory {
  const random = seeded(options.seed);
  const { now, intervalMs } = options;
  const outageAt = now - (options.outageDaysAgo ?? 9.3) * DAY_MS;
  const gapAt = now - (options.gapDaysAgo ?? 17.6) * DAY_MS;
  const results: CheckResult[] = [];
  // From an hour's start, so every result is in a complete hour that sealing rolled up.
  const first = Math.ceil((Math.floor((now - options.days * DAY_MS) / HOUR_MS) * HOUR_MS) / intervalMs) * intervalMs;
  for (let slot = first; slot < now; slot += intervalMs) {
    if (slot >= gapAt && slot < gapAt + 3 * HOUR_MS) continue;
    const at = slot + Math.floor(random() * 40);
    if (at >= now) break;
    const inOutage = at >= outageAt && at < outageAt + 40 * 60_000;
    const roll = random();
    const status: CheckResult['status'] = inOutage || roll < 0.002 ? 'down' : roll < 0.01 ? 'degraded' : 'up';
    // Log-normal-ish: most runs near 80 ms, a long tail to seconds; slower in the day's busy hours.
    const busy = Math.floor((at % DAY_MS) / HOUR_MS) >= 14 ? 1.4 : 1;
    const totalMs = Math.round(80 * busy * Math.exp(0.5 * gauss(random)) * 10) / 10;
    const kind = KINDS[Math.floor(random() * KINDS.length)] as ErrorKind;
    const share = (f: number) => Math.round(totalMs * f * 10) / 10;
    results.push({
      checkId,
      status,
      error: status === 'down' ? { kind: inOutage ? 'connect_refused' : kind, message: 'failed' } : null,
      httpStatus: status === 'down' ? null : 200,
      timings: {
        dnsMs: share(0.1),
        connectMs: share(0.15),
        tlsMs: random() < 0.5 ? share(0.25) : null,
        ttfbMs: share(0.4),
        transferMs: share(0.1),
        totalMs: status === 'down' ? 5000 : totalMs,
      },
      startedAt: new Date(at).toISOString(),
      detail: status === 'degraded' ? 'slow' : null,
      loopLagMs: random() < 0.01 ? 25 : 1,
    });
  }
  const down = results.filter((r) => r.status === 'down' && Date.parse(r.startedAt) >= outageAt);
  const start = down[0]?.startedAt ?? new Date(outageAt).toISOString();
  const end = new Date(outageAt + 40 * 60_000 + intervalMs).toISOString();
  const incidents: IncidentRecord[] = [
    {
      id: `${checkId}@${start}`,
      checkId,
      startedAt: start,
      endedAt: end,
      durationMs: Date.parse(end) - Date.parse(start),
      cause: { kind: 'connect_refused', message: 'failed' },
      firstFailure: null,
      notifications: [],
    },
  ];
  return { results, incidents };
}

function gauss(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The hourly and daily rollups of every complete hour and day in [from, to), as sealing would write them. */
export function sealedRollups(
  results: readonly CheckResult[],
  check: Pick<CheckBase, 'intervalMs' | 'objectives'>,
  from: number,
  to: number,
): { hours: Rollup[]; days: Rollup[] } {
  const thresholds = latencyThresholds(check.objectives);
  const hours: Rollup[] = [];
  let i = 0;
  for (let hour = Math.ceil(from / HOUR_MS) * HOUR_MS; hour + HOUR_MS <= to; hour += HOUR_MS) {
    while (i < results.length && Date.parse((results[i] as CheckResult).startedAt) < hour) i++;
    let j = i;
    while (j < results.length && Date.parse((results[j] as CheckResult).startedAt) < hour + HOUR_MS) j++;
    hours.push(rollupOf(results.slice(i, j), { from: hour, to: hour + HOUR_MS }, check.intervalMs, thresholds));
    i = j;
  }
  const days: Rollup[] = [];
  for (let day = Math.ceil(from / DAY_MS) * DAY_MS; day + DAY_MS <= to; day += DAY_MS) {
    const inDay = hours.filter((h) => h.from >= day && h.to <= day + DAY_MS);
    if (inDay.length < 24) continue;
    const merged = inDay.reduce((a, b) => mergeRollups(a, b, check.intervalMs), emptyRollup(day, day, check.intervalMs));
    days.push({ ...merged, from: day, to: day + DAY_MS });
  }
  // As stored: the digests without their values.
  const stored = (r: Rollup) => ({ ...r, latency: storedDigest(r.latency) });
  return { hours: hours.map(stored), days: days.map(stored) };
}
