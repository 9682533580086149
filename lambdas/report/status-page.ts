/** `vigil status-page`: the public status model as one static page, for publishing beside its JSON feed. */
import { humanDuration } from '../core/format.js';
import type { PublicCheck, PublicIncident, PublicState, StatusDay, StatusPage } from '../core/status-page-model.js';
import { uptimeBars } from './charts.js';
import { type Html, html, toHtmlString } from './html.js';
import { BANNER_COLOURS, page, statePill, time, uptimeTone } from './theme.js';

const STATE_WORDS: Record<PublicState, string> = {
  up: 'Operational',
  degraded: 'Degraded',
  down: 'Outage',
  maintenance: 'Maintenance',
  unknown: 'Unknown',
};

const INCIDENT_WORDS = { ongoing: 'Ongoing', resolved: 'Resolved', unknown: 'Unknown' } as const;
const UPDATE_WORDS = { investigating: 'Investigating', update: 'Update', resolved: 'Resolved', unknown: 'Unknown' } as const;

const percent = (value: number | null) => (value === null ? '–' : `${Math.floor(value * 100) / 100}%`);

function dayLabel(day: StatusDay): string {
  if (day.state === 'unknown') return `${day.date}: no data`;
  return `${day.date}: ${STATE_WORDS[day.state]}, ${day.uptimePercent}% up`;
}

function dayBars(days: readonly StatusDay[]): Html {
  return uptimeBars(
    days.map((d) => ({
      from: `${d.date}T00:00:00.000Z`,
      to: `${d.date}T23:59:59.999Z`,
      state: d.state,
      uptimePercent: d.uptimePercent,
      runs: d.state === 'unknown' ? 0 : 1,
    })),
    (bar) => dayLabel(days.find((d) => bar.from.startsWith(d.date)) as StatusDay),
  );
}

function checkRow(c: PublicCheck): Html {
  return html`<div class="status-check" data-check="${c.id}" data-state="${c.state}">
<div class="check-head"><div class="title"><h3>${c.name}</h3></div><div class="small"><span class="${uptimeTone(c.uptimePercent)}">${percent(c.uptimePercent)}</span> <span class="muted">uptime</span> ${statePill(c.state, STATE_WORDS[c.state])}</div></div>
<div class="bars">${dayBars(c.days)}<div class="bars-axis"><span>${c.days.length} days ago</span><span>${
    c.latencyMs ? `p50 ${c.latencyMs.p50 ?? '–'} ms · p95 ${c.latencyMs.p95 ?? '–'} ms` : ''
  }</span><span>today</span></div></div>
</div>`;
}

function incident(i: PublicIncident): Html {
  const state = i.status === 'resolved' ? 'up' : i.status === 'ongoing' ? 'down' : 'unknown';
  return html`<article class="card incident" data-incident="${i.id}" data-status="${i.status}">
<div class="check-head"><div class="title"><h3>${i.title}</h3>${statePill(state, INCIDENT_WORDS[i.status])}</div><div class="small muted">${time(i.startedAt)} · ${humanDuration(i.durationMs)}${i.status === 'ongoing' ? ' so far' : ''}</div></div>
${i.cause ? html`<div class="msg small"><strong>${i.cause.kind}</strong> ${i.cause.message}</div>` : ''}
<ol class="updates">${i.updates.map(
    (u) =>
      html`<li><strong>${UPDATE_WORDS[u.status]}</strong> <span class="muted small">${time(u.at)}</span><div>${u.message}</div></li>`,
  )}</ol>
</article>`;
}

const STATUS_CSS = `
.banner { display:flex; align-items:center; gap:12px; color:#fff; border-radius:10px; padding:16px 20px; font-size:18px; font-weight:650; margin-bottom:20px; }
.status-check { padding:12px 0; border-top:1px solid var(--line); }
.status-check:first-of-type { border-top:0; padding-top:4px; }
.status-check .check-head { margin-bottom:6px; }
.status-check h3 { font-weight:550; }
.updates { list-style:none; margin:8px 0 0; padding:0 0 0 12px; border-left:2px solid var(--line); }
.updates li { margin:0 0 8px; }
footer { margin-top:24px; font-size:12px; color:var(--muted); display:flex; justify-content:space-between; flex-wrap:wrap; gap:8px; }
`;

export function renderStatusPage(status: StatusPage, title: string): string {
  const banner = BANNER_COLOURS[status.state];
  return toHtmlString(
    page(
      title,
      html`<header class="header"><h1>${title}</h1><div class="muted small">updated ${time(status.generatedAt)}</div></header>
<div class="banner" data-state="${status.state}" style="background:${banner}">${status.headline}</div>
${status.incidents.open.length > 0 ? html`<h2>Open incidents</h2>${status.incidents.open.map(incident)}` : ''}
${status.groups.map(
  (g) => html`<section class="card group" data-group="${g.name ?? ''}" data-state="${g.state}">
<div class="check-head group-title"><h2 style="margin:0">${g.name ?? (status.groups.length > 1 ? 'Other services' : 'Services')}</h2><div class="small"><span class="${uptimeTone(g.uptimePercent)}">${percent(g.uptimePercent)}</span> <span class="muted">uptime · 90 days</span> ${statePill(g.state, STATE_WORDS[g.state])}</div></div>
${g.checks.map(checkRow)}
</section>`,
)}
<h2>Past incidents</h2>
${status.incidents.recent.length === 0 ? html`<p class="muted">No incidents in the last 14 days.</p>` : status.incidents.recent.map(incident)}
<footer><span>Powered by Vigil</span><a href="status.json">status.json</a></footer>`,
      STATUS_CSS,
    ),
  );
}
