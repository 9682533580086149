/**
 * SVG charts drawn from the model's figures: uptime bars, lines over time, stacked bars and an incident
 * band. Each mark carries the figure it stands for (`data-*`) and a tooltip; the numbers that matter are
 * also written beside the chart, so nothing needs hovering. Positions are plain arithmetic on the data.
 */
import { type Html, html } from './html.js';
import { STATE_COLOURS, STATE_LABELS } from './theme.js';

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (an axis top a reader can divide). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** 0.5 → "0.5", 1234.5 → "1235": as few digits as read well on an axis. */
export function shortNumber(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return String(Math.round(value));
  if (Math.abs(value) >= 10) return String(Math.round(value * 10) / 10);
  return String(Math.round(value * 100) / 100);
}

/** `1250` → "1.25 s", `84.2` → "84 ms" */
export function ms(value: number | null): string {
  if (value === null) return '–';
  if (value >= 1000) return `${shortNumber(value / 1000)} s`;
  return `${Math.round(value)} ms`;
}

export interface Bar {
  readonly from: string;
  readonly to: string;
  readonly state: keyof typeof STATE_COLOURS;
  readonly uptimePercent: number | null;
  readonly runs: number;
}

const BAR_STEP = 10;
const BAR_HEIGHT = 34;

/** One bar per stretch, coloured by its worst state; stretched to the width it is given. */
export function uptimeBars(bars: readonly Bar[], label: (bar: Bar) => string): Html {
  const width = bars.length * BAR_STEP;
  return html`<svg class="uptime-bars" viewBox="0 0 ${width} ${BAR_HEIGHT}" preserveAspectRatio="none" role="img" aria-label="uptime per stretch">${bars.map(
    (bar, i) =>
      html`<rect class="bar" x="${i * BAR_STEP + 1}" y="0" width="${BAR_STEP - 2}" height="${BAR_HEIGHT}" rx="1.5" fill="${STATE_COLOURS[bar.state]}" data-state="${bar.state}" data-from="${bar.from}" data-to="${bar.to}" data-uptime="${bar.uptimePercent ?? ''}" data-runs="${bar.runs}"><title>${label(bar)}</title></rect>`,
  )}</svg>`;
}

/** "99.93% of 1440 runs" / "no data" */
export function barSummary(bar: Bar): string {
  if (bar.runs === 0) return 'no data (nothing was watching)';
  return `${STATE_LABELS[bar.state]}: ${bar.uptimePercent}% of ${bar.runs} runs up`;
}

/** Chart width in SVG units: about its width on screen, so its labels read at 11 px on a desktop and a phone alike. */
const W = 420;
const PAD = { left: 44, right: 8, top: 8, bottom: 8 };

export interface Series {
  readonly name: string;
  readonly colour: string;
  readonly values: readonly (number | null)[];
}

interface Frame {
  readonly height: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

const plotHeight = (f: Frame) => f.height - PAD.top - PAD.bottom;
const xAt = (f: Frame, i: number) => PAD.left + ((i + 0.5) * (W - PAD.left - PAD.right)) / f.count;
const yAt = (f: Frame, value: number) => PAD.top + plotHeight(f) * (1 - (value - f.min) / (f.max - f.min));
const fixed = (n: number) => Math.round(n * 100) / 100;

function axis(f: Frame, unit: string, extra: readonly number[] = []): Html {
  const ticks = [...new Set([f.min, (f.min + f.max) / 2, f.max, ...extra])];
  return html`<g class="axis">${ticks.map(
    (t) =>
      html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${fixed(yAt(f, t))}" y2="${fixed(yAt(f, t))}" stroke="${t === f.min ? '#94a3b8' : '#e2e8f0'}" stroke-width="1"${t === f.min ? html` class="baseline"` : ''}/><text x="${PAD.left - 6}" y="${fixed(yAt(f, t) + 4)}" text-anchor="end">${shortNumber(t)}${unit}</text>`,
  )}</g>`;
}

/**
 * Lines over equal stretches, a dot per value (gaps where a stretch has none). The axis starts at 0
 * (or `min`) and ends at a round number above the highest value (or `max`).
 */
export function lineChart(
  series: readonly Series[],
  options: {
    readonly height?: number;
    readonly unit?: string;
    readonly min?: number;
    readonly max?: number;
    readonly marks?: readonly number[];
  } = {},
): Html {
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const count = Math.max(1, ...series.map((s) => s.values.length));
  const lowest = Math.min(options.min ?? 0, ...values);
  const min = lowest < 0 ? -niceCeiling(-lowest) : lowest;
  const max = options.max !== undefined ? Math.max(options.max, ...values) : niceCeiling(Math.max(0, ...values));
  const f: Frame = { height: options.height ?? 130, min, max: max === min ? min + 1 : max, count };
  const unit = options.unit ?? '';
  const lines = series.map((s) => {
    // One path piece per run of values without a gap.
    const pieces: string[] = [];
    let open = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        open = false;
        return;
      }
      pieces.push(`${open ? 'L' : 'M'}${fixed(xAt(f, i))} ${fixed(yAt(f, v))}`);
      open = true;
    });
    return html`<g class="series" data-series="${s.name}"><path d="${pieces.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>${s.values.map(
      (v, i) =>
        v === null
          ? ''
          : html`<circle class="point" cx="${fixed(xAt(f, i))}" cy="${fixed(yAt(f, v))}" r="2.6" fill="${s.colour}" data-series="${s.name}" data-index="${i}" data-value="${v}"><title>${s.name}: ${shortNumber(v)}${unit}</title></circle>`,
    )}</g>`;
  });
  return html`<svg viewBox="0 0 ${W} ${f.height}" role="img">${axis(f, unit, options.marks ?? [])}${lines}</svg>`;
}

/** Bars of stacked parts over equal stretches (timing phases: their mean milliseconds). */
export function stackedBars(
  parts: readonly { readonly name: string; readonly label: string; readonly colour: string }[],
  stacks: readonly Readonly<Record<string, number | null>>[],
  options: { readonly height?: number; readonly unit?: string } = {},
): Html {
  const total = (stack: Readonly<Record<string, number | null>>) => parts.reduce((sum, p) => sum + (stack[p.name] ?? 0), 0);
  const f: Frame = {
    height: options.height ?? 130,
    min: 0,
    max: niceCeiling(Math.max(0, ...stacks.map(total))),
    count: Math.max(1, stacks.length),
  };
  const step = (W - PAD.left - PAD.right) / f.count;
  const width = Math.max(1, step * 0.7);
  const unit = options.unit ?? '';
  const bars = stacks.map((stack, i) => {
    let base = 0;
    return html`<g class="stack" data-index="${i}">${parts.map((p) => {
      const value = stack[p.name] ?? 0;
      if (value <= 0) return '';
      const top = yAt(f, base + value);
      const rect = html`<rect class="segment" x="${fixed(xAt(f, i) - width / 2)}" y="${fixed(top)}" width="${fixed(width)}" height="${fixed(yAt(f, base) - top)}" fill="${p.colour}" data-part="${p.name}" data-value="${value}"><title>${p.label}: ${shortNumber(value)}${unit}</title></rect>`;
      base += value;
      return rect;
    })}</g>`;
  });
  return html`<svg viewBox="0 0 ${W} ${f.height}" role="img">${axis(f, unit)}${bars}</svg>`;
}

/** The period as a band: incidents in red, unwatched stretches grey, the rest green where watched. */
export function incidentBand(
  since: number,
  until: number,
  incidents: readonly { readonly from: number; readonly to: number; readonly id: string; readonly label: string }[],
  unwatched: readonly { readonly from: number; readonly to: number }[],
): Html {
  const x = (t: number) => fixed(((Math.min(Math.max(t, since), until) - since) / (until - since)) * 1000);
  const span = (from: number, to: number) => Math.max(0.8, (x(to) as number) - (x(from) as number));
  return html`<svg class="incident-band" viewBox="0 0 1000 14" preserveAspectRatio="none" role="img" aria-label="incidents over the period"><rect x="0" y="0" width="1000" height="14" rx="3" fill="${STATE_COLOURS.up}" opacity="0.35"/>${unwatched.map(
    (u) =>
      html`<rect class="unwatched" x="${x(u.from)}" y="0" width="${fixed(span(u.from, u.to))}" height="14" fill="${STATE_COLOURS.unknown}"><title>nothing was watching</title></rect>`,
  )}${incidents.map(
    (i) =>
      html`<rect class="incident" x="${x(i.from)}" y="0" width="${fixed(span(i.from, i.to))}" height="14" fill="${STATE_COLOURS.down}" data-incident="${i.id}"><title>${i.label}</title></rect>`,
  )}</svg>`;
}

/** A legend: coloured swatches with their names and figures. */
export function legend(items: readonly { readonly colour: string; readonly text: string | Html }[]): Html {
  return html`<div class="legend">${items.map((i) => html`<span><span class="swatch" style="background:${i.colour}"></span>${i.text}</span>`)}</div>`;
}
