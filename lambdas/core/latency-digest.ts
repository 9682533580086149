/**
 * Latency as a mergeable summary, pure: a histogram of log-spaced buckets (as DDSketch keeps them), so an
 * hour's or a day's latencies fit in a few hundred bytes and add up across hours and days. A digest made
 * from results just read (the edges of a report's period) also keeps the values themselves, and answers
 * exactly while every part of it does; once a stored rollup is merged in, it answers from the buckets.
 *
 * The bound: a value v > 0 falls in bucket k = ⌈log_γ v⌉, which covers (γ^(k-1), γ^k]; the bucket is read
 * back as 2γ^k / (γ + 1), which is within α = (γ - 1) / (γ + 1) of every value in it. Ranks are counted
 * exactly, so a nearest-rank percentile read from the buckets is within α (1%) of the exact one, and never
 * outside the smallest and largest value seen (docs/scaling.md, "Rollups").
 */

/** The relative error a percentile read from buckets may have. */
export const LATENCY_ERROR = 0.01;
const GAMMA = (1 + LATENCY_ERROR) / (1 - LATENCY_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or under this (ms) share one bucket, read back as 0: far below the report's 0.1 ms rounding. */
const FLOOR_MS = 0.01;
const ZERO_BUCKET = 'z';

export interface LatencyDigest {
  /** How many values. */
  readonly n: number;
  /** The smallest and largest value; null with none. */
  readonly min: number | null;
  readonly max: number | null;
  /** Bucket index (or `z` for values ≤ 0.01 ms) → how many values fell in it. */
  readonly buckets: Readonly<Record<string, number>>;
  /** Every value, while every part of the digest kept them (results read, not stored rollups). */
  readonly values?: readonly number[];
}

export const EMPTY_DIGEST: LatencyDigest = { n: 0, min: null, max: null, buckets: {}, values: [] };

export function bucketOf(ms: number): string {
  return ms <= FLOOR_MS ? ZERO_BUCKET : String(Math.ceil(Math.log(ms) / LOG_GAMMA));
}

/** What a bucket is read back as: the value within α of all it holds. */
export function bucketValue(bucket: string): number {
  if (bucket === ZERO_BUCKET) return 0;
  return (2 * GAMMA ** Number(bucket)) / (GAMMA + 1);
}

/** A digest of these values, which it keeps. */
export function digestOf(values: readonly number[]): LatencyDigest {
  const buckets: Record<string, number> = {};
  let min: number | null = null;
  let max: number | null = null;
  for (const v of values) {
    const b = bucketOf(v);
    buckets[b] = (buckets[b] ?? 0) + 1;
    min = min === null || v < min ? v : min;
    max = max === null || v > max ? v : max;
  }
  return { n: values.length, min, max, buckets, values: [...values] };
}

/** Both together; the values stay only when both kept theirs. */
export function mergeDigests(a: LatencyDigest, b: LatencyDigest): LatencyDigest {
  // An empty digest says nothing, not even that values were lost.
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const buckets: Record<string, number> = { ...a.buckets };
  for (const [k, count] of Object.entries(b.buckets)) buckets[k] = (buckets[k] ?? 0) + count;
  const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number) =>
    x === null ? y : y === null ? x : f(x, y);
  return {
    n: a.n + b.n,
    min: pick(a.min, b.min, Math.min),
    max: pick(a.max, b.max, Math.max),
    buckets,
    ...(a.values && b.values ? { values: [...a.values, ...b.values] } : {}),
  };
}

/** The digest as stored: without the values. */
export function storedDigest(d: LatencyDigest): LatencyDigest {
  return { n: d.n, min: d.min, max: d.max, buckets: d.buckets };
}

/** Nearest-rank percentile as `percentile()` in report.ts: exact with the values, within α from the buckets. */
export function digestPercentile(d: LatencyDigest, p: number): number | null {
  if (d.n === 0) return null;
  if (d.values) {
    const sorted = [...d.values].sort((x, y) => x - y);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
  }
  const rank = Math.min(d.n, Math.max(1, Math.ceil((p / 100) * d.n)));
  const order = Object.keys(d.buckets).sort((x, y) => bucketRank(x) - bucketRank(y));
  let seen = 0;
  for (const bucket of order) {
    seen += d.buckets[bucket] ?? 0;
    if (seen >= rank) return Math.min(d.max as number, Math.max(d.min as number, bucketValue(bucket)));
  }
  return d.max;
}

const bucketRank = (bucket: string) => (bucket === ZERO_BUCKET ? Number.NEGATIVE_INFINITY : Number(bucket));

/**
 * How many values are at or over `ms`: exact with the values; from the buckets, those whose bucket lies
 * above it, and the bucket holding `ms` counted whole when `ms` is under its middle value (within α).
 */
export function countAtLeast(d: LatencyDigest, ms: number): number {
  if (d.values) return d.values.filter((v) => v >= ms).length;
  const at = bucketOf(ms);
  let count = 0;
  for (const [bucket, n] of Object.entries(d.buckets)) {
    const rank = bucketRank(bucket);
    if (rank > bucketRank(at) || (bucket === at && bucketValue(bucket) >= ms)) count += n;
  }
  return count;
}
