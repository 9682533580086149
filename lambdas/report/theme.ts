/**
 * The look shared by the report and the status page: one palette (bars, pills and dots read their
 * colours from it, so a bar's colour is its state's), one stylesheet, and the script that shows times
 * in the reader's zone (UTC stays in the tooltip and in print). Nothing here is built from data.
 */
import { createHash } from 'node:crypto';
import { type Html, html, trustedMarkup } from './html.js';

/** A colour per state; `unknown` (nothing looked) is grey, never green. */
export const STATE_COLOURS = {
  up: '#22c55e',
  degraded: '#f59e0b',
  down: '#ef4444',
  pending: '#fb923c',
  maintenance: '#6366f1',
  unknown: '#cbd5e1',
} as const;
export type ColouredState = keyof typeof STATE_COLOURS;

export const STATE_LABELS: Record<ColouredState, string> = {
  up: 'Up',
  degraded: 'Degraded',
  down: 'Down',
  pending: 'Failing',
  maintenance: 'Maintenance',
  unknown: 'Unknown',
};

/** A banner's background per state: darker than the dots, so white text on it reads. */
export const BANNER_COLOURS = {
  up: '#16a34a',
  degraded: '#d97706',
  down: '#dc2626',
  pending: '#ea580c',
  maintenance: '#4f46e5',
  unknown: '#64748b',
} as const;

/** Latency percentiles and timing phases, told apart by colour and named in a legend beside each chart. */
export const SERIES_COLOURS = { p50: '#0ea5e9', p95: '#6366f1', p99: '#db2777' } as const;
export const PHASE_COLOURS = {
  dnsMs: '#a5b4fc',
  connectMs: '#818cf8',
  tlsMs: '#6366f1',
  ttfbMs: '#0ea5e9',
  transferMs: '#14b8a6',
} as const;

/** Uptime in percent as a tone: 62.5% must not look like 100%. */
export function uptimeTone(percent: number | null): 'good' | 'fair' | 'poor' | 'none' {
  if (percent === null) return 'none';
  if (percent >= 99.9) return 'good';
  if (percent >= 99) return 'fair';
  return 'poor';
}

const CSS = `
:root { --fg:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --card:#fff;
  --up:${STATE_COLOURS.up}; --degraded:${STATE_COLOURS.degraded}; --down:${STATE_COLOURS.down};
  --pending:${STATE_COLOURS.pending}; --maintenance:${STATE_COLOURS.maintenance}; --unknown:${STATE_COLOURS.unknown}; }
* { box-sizing:border-box; }
html { -webkit-text-size-adjust:100%; }
body { margin:0; background:var(--bg); color:var(--fg); font:14px/1.5 Inter, system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; font-feature-settings:"tnum"; }
main { max-width:1080px; margin:0 auto; padding:24px 16px 48px; }
h1 { font-size:22px; margin:0; letter-spacing:-.01em; }
h2 { font-size:16px; margin:28px 0 12px; }
h3 { font-size:15px; margin:0; }
h4 { font-size:12px; margin:0 0 6px; color:var(--muted); font-weight:600; text-transform:uppercase; letter-spacing:.04em; }
a { color:inherit; }
.muted { color:var(--muted); }
.small { font-size:12px; }
.header { display:flex; flex-wrap:wrap; gap:8px 16px; align-items:baseline; justify-content:space-between; margin-bottom:20px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px; margin-bottom:12px; break-inside:avoid; }
.tiles { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px; margin-bottom:12px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.tile .figure { font-size:24px; font-weight:650; line-height:1.2; }
.tile ol, .tile ul { margin:4px 0 0; padding:0; list-style:none; font-size:13px; }
.tile li { display:flex; justify-content:space-between; gap:8px; }
.tile li > span:first-child { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; min-width:0; }
.tile li > span:last-child { white-space:nowrap; }
.bar-labels { display:grid; gap:0 4px; font-size:11px; color:var(--muted); text-align:center; margin-top:4px; line-height:1.3; }
.bar-labels strong { display:block; color:var(--fg); font-weight:600; }
.good { color:#15803d; } .fair { color:#b45309; } .poor { color:#dc2626; } .none { color:var(--muted); }
.pill { display:inline-flex; align-items:center; gap:6px; border-radius:999px; padding:1px 10px 1px 8px; font-size:12px;
  font-weight:600; border:1px solid currentColor; white-space:nowrap; }
.dot { width:9px; height:9px; border-radius:50%; display:inline-block; flex:none; }
.pill.up { color:#15803d; } .pill.degraded { color:#b45309; } .pill.down { color:#dc2626; }
.pill.pending { color:#c2410c; } .pill.maintenance { color:#4338ca; } .pill.unknown { color:#64748b; }
.check-head { display:flex; flex-wrap:wrap; gap:6px 12px; align-items:center; justify-content:space-between; margin-bottom:10px; }
.check-head .title { display:flex; gap:10px; align-items:center; flex-wrap:wrap; }
.bars svg { display:block; width:100%; height:34px; }
.bars-axis { display:flex; justify-content:space-between; font-size:11px; color:var(--muted); margin-top:4px; }
.charts { display:grid; grid-template-columns:repeat(2, minmax(0, 1fr)); gap:16px 24px; margin-top:14px; }
.chart svg { display:block; width:100%; height:auto; overflow:visible; }
.chart .axis text { font-size:11px; fill:var(--muted); }
.legend { display:flex; flex-wrap:wrap; gap:4px 12px; font-size:12px; margin:0 0 6px; }
.legend span { display:inline-flex; align-items:center; gap:5px; }
.swatch { width:10px; height:10px; border-radius:2px; display:inline-block; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th { text-align:left; font-weight:600; color:var(--muted); font-size:12px; }
th, td { padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
.table-wrap { overflow-x:auto; }
.msg { font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12px; word-break:break-word; }
.group-title { display:flex; align-items:center; gap:10px; }
.note { background:#f1f5f9; border-radius:8px; padding:8px 12px; font-size:13px; color:#334155; margin:8px 0; }
time { white-space:nowrap; }
@media (max-width:700px) { .charts { grid-template-columns:minmax(0, 1fr); } }
@media (max-width:600px) { main { padding:16px 10px 32px; } .card { padding:12px; } .tile .figure { font-size:20px; } }
@media print {
  body { background:#fff; font-size:11px; } main { max-width:none; padding:0; }
  .card, .tile { border-color:#cbd5e1; box-shadow:none; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  time[data-utc]::after { content:" (" attr(data-utc) ")"; color:#64748b; }
  td time[data-utc]::after { content:attr(data-utc); display:block; font-size:10px; }
  time { white-space:normal; }
  .table-wrap { overflow:visible; }
}
`;

/**
 * Rewrites each <time> to the reader's zone; its UTC text stays as the tooltip and, in print, beside it.
 * Without script the UTC text shows, so the page still reads right.
 */
const LOCAL_TIMES = `
(function () {
  var formats = {
    datetime: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
    date: { weekday: 'short', month: 'short', day: 'numeric' },
    time: { hour: '2-digit', minute: '2-digit' }
  };
  document.querySelectorAll('time[datetime]').forEach(function (el) {
    var when = new Date(el.getAttribute('datetime'));
    if (isNaN(when.getTime())) return;
    var format = formats[el.getAttribute('data-format')] || formats.datetime;
    el.textContent = new Intl.DateTimeFormat(undefined, format).format(when);
    el.title = el.getAttribute('data-utc') || '';
  });
})();
`;

/**
 * Should a name or an error text ever get past escaping, the browser still runs no script but the page's
 * own (by its hash) and loads nothing from anywhere.
 */
const CONTENT_POLICY = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash('sha256')
  .update(LOCAL_TIMES)
  .digest('base64')}'; base-uri 'none'; form-action 'none'`;

/** "2026-11-22 10:00 UTC" (or the date alone): what shows without script, and in the tooltip. */
export function utcText(iso: string, format: 'datetime' | 'date' | 'time' = 'datetime'): string {
  const day = iso.slice(0, 10);
  const clock = iso.slice(11, 16);
  return format === 'date' ? `${day} UTC` : format === 'time' ? `${clock} UTC` : `${day} ${clock} UTC`;
}

/** A time the reader sees in their own zone. */
export function time(iso: string, format: 'datetime' | 'date' | 'time' = 'datetime'): Html {
  const utc = utcText(iso, format);
  return html`<time datetime="${iso}" data-format="${format}" data-utc="${utc}" title="${utc}">${utc}</time>`;
}

/** The whole page: self-contained, nothing fetched. */
export function page(title: string, body: Html, css = ''): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Vigil">
<title>${title}</title>
<style>${trustedMarkup(CSS + css)}</style>
</head>
<body>
<main>
${body}
</main>
<script>${trustedMarkup(LOCAL_TIMES)}</script>
</body>
</html>
`;
}

/** A coloured dot and the state's name. */
export function statePill(state: ColouredState, label: string = STATE_LABELS[state]): Html {
  return html`<span class="pill ${state}" data-state="${state}"><span class="dot" style="background:${STATE_COLOURS[state]}"></span>${label}</span>`;
}
