/** Reading what `vigil monitor` wrote to `<data>/metrics.jsonl` (lambdas/adapters/local/file-metrics.ts), for the benches. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Datum {
  readonly checkId: string;
  readonly metric: string;
  readonly at: string;
  readonly value: number;
}

/** Every datum of `metric`, oldest file first. */
export function readMetric(data: string, metric: string): Datum[] {
  const found: Datum[] = [];
  for (const file of [join(data, 'metrics.jsonl.1'), join(data, 'metrics.jsonl')]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes(`"${metric}"`)) continue;
      found.push(JSON.parse(line) as Datum);
    }
  }
  return found;
}

/** Per check, the gaps between consecutive starts (ms) from `since` until `until`, from Availability data (`readMetric`). */
export function gapsPerCheck(availability: readonly Datum[], since = 0, until = Number.POSITIVE_INFINITY): number[][] {
  const starts = new Map<string, number[]>();
  for (const datum of availability) {
    const at = Date.parse(datum.at);
    if (at < since || at >= until) continue;
    starts.set(datum.checkId, [...(starts.get(datum.checkId) ?? []), at]);
  }
  return [...starts.values()].map((times) =>
    times.sort((a, b) => a - b).flatMap((t, i) => (i === 0 ? [] : [t - (times[i - 1] as number)])),
  );
}
