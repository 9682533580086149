/**
 * A strict reader of the Prometheus text exposition format (0.0.4), written from its specification to
 * check what `vigil monitor --metrics` serves: it throws on anything the format does not allow, where a
 * lenient scraper might guess. Lines are `# HELP name text` (escapes `\\` and `\n` only), `# TYPE name
 * type` (once, before the family's samples), other comments, blank lines, or samples `name{labels} value
 * [timestamp]` with label values in double quotes escaping `\\`, `\"` and `\n` only. A family's lines
 * come together; a histogram's series have `_bucket` samples with `le` in increasing order, cumulative
 * counts, a `+Inf` bucket equal to `_count`, and a `_sum`.
 */

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string | null;
  readonly samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[+-]?(?:Inf|NaN|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const;

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const finished = new Set<string>();
  let current: string | null = null;
  const seen = new Set<string>();
  const enter = (name: string) => {
    if (current === name) return;
    if (current !== null) finished.add(current);
    if (finished.has(name)) throw new Error(`lines of ${name} are not together`);
    current = name;
  };
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, index) => {
    const at = `line ${index + 1}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!meta) return; // a plain comment
      const [, keyword, name = '', rest = ''] = meta;
      if (!METRIC_NAME.test(name) || METRIC_NAME.exec(name)?.[0] !== name) throw new Error(`${at}: bad metric name ${name}`);
      enter(name);
      const family = families.get(name) ?? { name, type: 'untyped', help: null, samples: [] };
      if (keyword === 'HELP') {
        if (family.help !== null) throw new Error(`${at}: a second HELP for ${name}`);
        families.set(name, { ...family, help: unescapeHelp(rest, ['\\', 'n'], at) });
      } else {
        if (families.get(name)?.samples.length) throw new Error(`${at}: TYPE of ${name} after its samples`);
        if (families.has(name) && family.type !== 'untyped') throw new Error(`${at}: a second TYPE for ${name}`);
        const type = rest.trim() as ParsedFamily['type'];
        if (!TYPES.includes(type)) throw new Error(`${at}: unknown type "${rest}"`);
        families.set(name, { ...family, type });
      }
      return;
    }
    const sample = parseSample(line, at);
    const family = familyOf(sample.name, families);
    enter(family);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new Error(`${at}: a second sample ${key}`);
    seen.add(key);
    const existing = families.get(family) ?? { name: family, type: 'untyped', help: null, samples: [] };
    existing.samples.push(sample);
    families.set(family, existing);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The family a sample belongs to: a histogram's or summary's `_bucket`, `_sum` and `_count` are its own. */
function familyOf(name: string, families: Map<string, ParsedFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.slice(0, -suffix.length);
    const type = name.endsWith(suffix) ? families.get(base)?.type : undefined;
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return name;
}

function parseSample(line: string, at: string): ParsedSample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) throw new Error(`${at}: no metric name in "${line}"`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest)?.[0];
      if (!label) throw new Error(`${at}: bad label name at "${rest}"`);
      if (label in labels) throw new Error(`${at}: label ${label} twice`);
      rest = rest.slice(label.length);
      if (!rest.startsWith('="')) throw new Error(`${at}: expected =" after ${label}`);
      rest = rest.slice(2);
      let value = '';
      for (;;) {
        const c = rest[0];
        if (c === undefined) throw new Error(`${at}: label value of ${label} not closed`);
        if (c === '"') break;
        if (c === '\\') {
          const escaped = rest[1];
          if (escaped === '\\' || escaped === '"') value += escaped;
          else if (escaped === 'n') value += '\n';
          else throw new Error(`${at}: bad escape \\${escaped ?? ''} in label ${label}`);
          rest = rest.slice(2);
          continue;
        }
        value += c;
        rest = rest.slice(1);
      }
      labels[label] = value;
      rest = rest.slice(1);
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new Error(`${at}: expected , or } after label ${label}`);
    }
    rest = rest.slice(1);
  }
  const fields = rest.split(' ');
  if (fields[0] !== '' || fields.length < 2 || fields.length > 3) throw new Error(`${at}: expected " value [timestamp]"`);
  const text = fields[1] ?? '';
  if (!FLOAT.test(text)) throw new Error(`${at}: bad value "${text}"`);
  if (fields[2] !== undefined && !/^-?\d+$/.test(fields[2])) throw new Error(`${at}: bad timestamp "${fields[2]}"`);
  return { name, labels, value: text.endsWith('Inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text) };
}

function unescapeHelp(text: string, allowed: readonly string[], at: string): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    if (!allowed.includes(c)) throw new Error(`${at}: bad escape \\${c}`);
    return c === 'n' ? '\n' : c;
  });
}

function checkHistogram(family: ParsedFamily): void {
  const series = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined || !FLOAT.test(le)) throw new Error(`${family.name}: bucket without a valid le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), sample.value]);
    } else if (le !== undefined) throw new Error(`${family.name}: le on ${sample.name}`);
    else if (sample.name === `${family.name}_sum`) entry.sum = sample.value;
    else if (sample.name === `${family.name}_count`) entry.count = sample.value;
    else throw new Error(`${family.name}: ${sample.name} is not a histogram sample`);
  }
  for (const [key, { buckets, sum, count }] of series) {
    for (let i = 1; i < buckets.length; i++) {
      const [le, n] = buckets[i] as [number, number];
      const [prevLe, prevN] = buckets[i - 1] as [number, number];
      if (le <= prevLe) throw new Error(`${family.name}${key}: le not increasing`);
      if (n < prevN) throw new Error(`${family.name}${key}: buckets not cumulative`);
    }
    const last = buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
    if (sum === undefined || count === undefined) throw new Error(`${family.name}${key}: no _sum or _count`);
    if (last[1] !== count) throw new Error(`${family.name}${key}: +Inf bucket ${last[1]} is not _count ${count}`);
  }
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(
  families: Map<string, ParsedFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const samples = [...families.values()].flatMap((f) => f.samples);
  const matching = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matching.length > 1) throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matching[0]?.value;
}
