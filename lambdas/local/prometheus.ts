/**
 * The Prometheus text exposition format (version 0.0.4), written out: `# HELP` and `# TYPE` per family,
 * then its samples; label values escaped (`\`, `"`, newline) since check ids and names are the config's;
 * histograms as cumulative `_bucket{le=…}` series ending in `+Inf`, then `_sum` and `_count`. Pure.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

export type Family =
  | {
      readonly name: string;
      readonly help: string;
      readonly type: 'gauge' | 'counter';
      readonly samples: readonly Sample[];
    }
  | {
      readonly name: string;
      readonly help: string;
      readonly type: 'histogram';
      readonly series: readonly { readonly labels: Labels; readonly histogram: Histogram }[];
    };

/** What the format's media type says, for the Content-Type header. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Observations counted into buckets by upper bound (inclusive, as `le` says), with their sum. */
export class Histogram {
  /** Per bucket, not cumulative; the last one is above every bound. */
  private readonly counts: number[];
  private total = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const index = this.bounds.findIndex((bound) => value <= bound);
    this.counts[index === -1 ? this.bounds.length : index]++;
    this.total += value;
  }

  get count(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  get sum(): number {
    return this.total;
  }

  /** `[le, observations at or below it]`, cumulative, ending with +Inf (every observation). */
  cumulative(): (readonly [number, number])[] {
    let running = 0;
    return [...this.bounds, Number.POSITIVE_INFINITY].map((bound, i) => {
      running += this.counts[i] as number;
      return [bound, running] as const;
    });
  }
}

/** The exposition of `families`, in the order given; a family with no samples still says what it is. */
export function exposition(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type !== 'histogram') {
      for (const { labels, value } of family.samples) lines.push(sample(family.name, labels, value));
      continue;
    }
    for (const { labels, histogram } of family.series) {
      for (const [le, count] of histogram.cumulative()) {
        lines.push(sample(`${family.name}_bucket`, { ...labels, le: formatValue(le) }, count));
      }
      lines.push(sample(`${family.name}_sum`, labels, histogram.sum), sample(`${family.name}_count`, labels, histogram.count));
    }
  }
  return `${lines.join('\n')}\n`;
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([key, text]) => `${key}="${escapeLabelValue(text)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`;
}

/** A label value in quotes: backslash, double quote and line feed escaped, as the format requires. */
export function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped (a quote is taken as it is). */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A float as Go's ParseFloat reads it, infinities and NaN as the format spells them. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
