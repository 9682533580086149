import { describe, expect, it } from 'vitest';
import { initialState } from '../../lambdas/core/check-state.js';
import type { IncidentRecord } from '../../lambdas/core/ports.js';
import { buildStatusPage } from '../../lambdas/core/status-page-model.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { config } from '../support/checks.js';
import { failingResult } from '../support/events.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-22T12:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();
const run = (checkId: string, startedAt: number, status: CheckResult['status']): CheckResult => ({
  ...failingResult,
  checkId,
  status,
  startedAt: at(startedAt),
});

const cfg = config({
  defaults: { interval: '1m', public: true },
  checks: [
    { id: 'api', name: 'API', type: 'http', url: 'https://internal.example.com', group: 'Web' },
    { id: 'cdn', name: 'CDN', type: 'http', url: 'https://cdn.example.com', group: 'Web' },
    { id: 'admin', name: 'Admin', type: 'http', url: 'https://admin.example.com', public: false },
  ],
});
const [api, cdn, admin] = cfg.checks as [(typeof cfg.checks)[number], (typeof cfg.checks)[number], (typeof cfg.checks)[number]];
const state = (id: string, fields: object = {}) => ({
  ...initialState(id),
  confirmed: 'up' as const,
  lastResultAt: at(NOW.getTime() - 30_000),
  ...fields,
});

describe('the status page model', () => {
  const incident: IncidentRecord = {
    id: 'api@x',
    checkId: 'api',
    startedAt: at(NOW.getTime() - 2 * DAY),
    endedAt: at(NOW.getTime() - 2 * DAY + 600_000),
    durationMs: 600_000,
    cause: { kind: 'protocol', message: '<b>secret</b>' },
    firstFailure: null,
    notifications: [],
  };
  const histories = [
    {
      check: api,
      results: [run('api', NOW.getTime() - 2 * DAY, 'down'), run('api', NOW.getTime() - 60_000, 'up')],
      incidents: [incident],
      state: state('api'),
    },
    // A failure streak under the threshold is not an outage to the public.
    { check: cdn, results: [run('cdn', NOW.getTime() - 60_000, 'down')], incidents: [], state: state('cdn', { failures: 1 }) },
    {
      check: admin,
      results: [run('admin', NOW.getTime() - 60_000, 'down')],
      incidents: [],
      state: state('admin', { confirmed: 'down' }),
    },
  ];

  it('shows the public checks by group: state, 90 days, incidents with updates, nothing more', () => {
    const page = buildStatusPage(histories, NOW);
    expect(page.state).toBe('up');
    expect(page.headline).toBe('All systems operational');
    expect(page.groups).toHaveLength(1);
    const [group] = page.groups;
    expect(group?.checks.map((c) => [c.id, c.state, c.days.length])).toEqual([
      ['api', 'up', 90],
      ['cdn', 'up', 90],
    ]);
    expect(group?.days.at(-3)).toEqual({ date: '2026-11-20', state: 'down', uptimePercent: 0 });
    expect(group?.days.at(-1)).toEqual({ date: '2026-11-22', state: 'down', uptimePercent: 0 });
    expect(page.incidents.recent).toEqual([
      expect.objectContaining({ checkId: 'api', status: 'resolved', title: 'API outage', durationMs: 600_000 }),
    ]);
    expect(page.incidents.recent[0]?.updates.map((u) => u.status)).toEqual(['resolved', 'investigating']);
    expect(JSON.stringify(page)).not.toMatch(/example\.com|secret|totalMs|latencyMs|cause|Admin/);
  });

  it('adds causes and latency when asked, and goes unknown when nothing watches', () => {
    const stale = histories.map((h) => ({
      ...h,
      state: { ...h.state, lastResultAt: at(NOW.getTime() - 10 * 60_000) },
      results: [],
    }));
    const page = buildStatusPage(stale, NOW, { errors: true, latency: true });
    expect(page.state).toBe('unknown');
    expect(page.headline).toBe('No recent data');
    expect(page.incidents.recent[0]?.cause).toEqual({ kind: 'protocol', message: '<b>secret</b>' });
    expect(page.groups[0]?.checks[0]?.latencyMs).toEqual({ p50: null, p95: null });
  });
});
