/** Human wording shared by the console, Slack and PagerDuty. Pure. */
import type { AlertEvent, CheckResult, LocationSeen, Timings } from './types.js';

const KIND_LABEL: Record<AlertEvent['kind'], string> = {
  down: 'DOWN',
  degraded: 'DEGRADED',
  recovered: 'RECOVERED',
  reminder: 'STILL DOWN',
  flapping: 'FLAPPING',
  test: 'TEST',
  burn: 'BURNING',
};

export function kindLabel(event: AlertEvent): string {
  return KIND_LABEL[event.kind];
}

/** "DOWN: Public API health: expected status 2xx, got 503" */
export function headline(event: AlertEvent): string {
  if (event.group && event.group.members.length > 1) {
    const names = event.group.members.map((m) => m.checkName).join(', ');
    return `${kindLabel(event)}: ${event.group.members.length} checks in ${event.group.name}: ${names}`;
  }
  const prefix = `${kindLabel(event)}: ${event.checkName}`;
  const reason = explain(event);
  return reason ? `${prefix}: ${reason}` : prefix;
}

/** One line per check of a grouped notification: "Public API: expected status 2xx, got 503". */
export function groupLines(event: AlertEvent): string[] {
  return (event.group?.members ?? []).map((m) => `${m.checkName}: ${m.message ?? 'down'}`);
}

/** Why this event happened, in one line, or null when the kind says it all. */
export function explain(event: AlertEvent): string | null {
  if (event.kind === 'test') return 'test notification from Vigil; routing works';
  if (event.note) return event.note;
  if (event.kind === 'recovered') {
    const lasted = event.incidentStartedAt ? humanDuration(Date.parse(event.at) - Date.parse(event.incidentStartedAt)) : null;
    const back = lasted ? `back ${event.result?.status ?? 'up'} after ${lasted}` : `back ${event.result?.status ?? 'up'}`;
    // Back, but not well: say why, or the message reads as good news.
    return event.result?.status === 'degraded' && event.result.detail ? `${back}: ${event.result.detail}` : back;
  }
  const reason = event.result?.error?.message ?? event.result?.detail ?? null;
  const seen = event.result ? agreedLine(event.result) : null;
  return seen ? `${reason ?? event.result?.status}; ${seen}` : reason;
}

/** What one location saw, in a word or two: "HTTP 503", "connect_refused", "degraded", "up". */
const sawAt = (l: LocationSeen) =>
  l.status === 'down'
    ? l.error?.kind === 'http_status' && l.httpStatus
      ? `HTTP ${l.httpStatus}`
      : (l.error?.kind ?? 'down')
    : l.status;

/**
 * For a result several locations judged, the ones that agreed and what each saw:
 * "seen from eu (HTTP 503), us (timeout); 2 of 3 locations, quorum 2". Null for one location's result.
 */
export function agreedLine(result: CheckResult): string | null {
  if (!result.locations) return null;
  const agreed = result.locations.filter((l) => l.agreed);
  if (agreed.length === 0) return null;
  const others = result.locations.filter((l) => !l.agreed).map((l) => `${l.location} ${sawAt(l)}`);
  return `seen from ${agreed.map((l) => `${l.location} (${sawAt(l)})`).join(', ')}; ${agreed.length} of ${result.locations.length} locations, quorum ${result.quorum ?? agreed.length}${others.length > 0 ? ` (${others.join(', ')})` : ''}`;
}

/** 1.2 ms → "dns 1.2 ms · connect 0.4 ms · total 25 ms", skipping phases that did not apply. */
export function timingLine(timings: Timings): string {
  const phases: [string, number | null][] = [
    ['dns', timings.dnsMs],
    ['connect', timings.connectMs],
    ['tls', timings.tlsMs],
    ['ttfb', timings.ttfbMs],
    ['transfer', timings.transferMs],
    ['total', timings.totalMs],
  ];
  return phases
    .filter((phase): phase is [string, number] => phase[1] !== null)
    .map(([name, ms]) => `${name} ${ms} ms`)
    .join(' · ');
}

/** 252000 → "4m 12s" */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  const shown = parts.filter(([n]) => n > 0).slice(0, 2);
  return shown.length > 0 ? shown.map(([n, unit]) => `${n}${unit}`).join(' ') : '0s';
}

/** "1 check", "2 checks" */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
