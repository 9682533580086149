import { describe, expect, it } from 'vitest';
import { type CheckState, decide, initialState, reportedStatus } from '../../lambdas/core/alert-state.js';
import type { AlertEvent, CheckResult, CheckStatus } from '../../lambdas/core/types.js';
import { httpCheck } from '../support/checks.js';

const check = httpCheck({ name: 'Public API', url: 'http://127.0.0.1/', failureThreshold: 3, successThreshold: 2 });
const context = { stackName: 'prod', dashboardUrl: 'https://dash.example' };
const T0 = Date.parse('2026-11-22T10:00:00.000Z');

function result(status: CheckStatus, minute: number): CheckResult {
  return {
    checkId: check.id,
    status,
    error: status === 'down' ? { kind: 'http_status', message: 'expected status 2xx, got 503' } : null,
    httpStatus: status === 'down' ? 503 : 200,
    timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 5, transferMs: 0.5, totalMs: 7 },
    startedAt: new Date(T0 + minute * 60_000).toISOString(),
    detail: status === 'degraded' ? 'slow' : null,
  };
}

/** Feeds a sequence of statuses (one per minute) and returns every event and the final state. */
function run(statuses: string, start: CheckState = initialState(check.id)) {
  const events: AlertEvent[] = [];
  const reported: string[] = [];
  let state = start;
  [...statuses].forEach((letter, minute) => {
    const status = ({ u: 'up', d: 'degraded', x: 'down' } as const)[letter as 'u' | 'd' | 'x'];
    const decision = decide(state, result(status, minute), check, context, new Date(T0 + minute * 60_000 + 500));
    events.push(...decision.events);
    state = { ...decision.next, outbox: [] };
    reported.push(reportedStatus(state));
  });
  return { events, state, reported, kinds: events.map((e) => e.kind) };
}

describe('decide', () => {
  it.each([
    ['steady up', 'uuuuuu', []],
    ['single blips never page', 'uxuuxuxuuxxuu', []],
    ['two failures stay under a threshold of three', 'uuxxuu', []],
    ['three failures page once', 'uuxxx', ['down']],
    ['a long outage pages once', 'uxxxxxxxxxx', ['down']],
    ['one success does not end an outage', 'uxxxxuxx', ['down']],
    ['two successes resolve it', 'uxxxuu', ['down', 'recovered']],
    ['two outages, two incidents', 'uxxxuuuxxxuu', ['down', 'recovered', 'down', 'recovered']],
    ['degradation warns after the same streak', 'uddd', ['degraded']],
    ['degradation ends after successThreshold ups', 'udddduu', ['degraded', 'recovered']],
    ['an outage may recover into degraded', 'uxxxdd', ['down', 'recovered']],
    ['a first result that is down pages after the threshold', 'xxx', ['down']],
  ])('%s: %s', (_name, statuses, kinds) => {
    expect(run(statuses).kinds).toEqual(kinds);
  });

  it('reports pending for a failure streak under the threshold', () => {
    expect(run('uuxxxuu').reported).toEqual(['up', 'up', 'pending', 'pending', 'down', 'down', 'up']);
  });

  it('gives down and recovered the same incident and dedup key, and says when it began', () => {
    const { events } = run('uuxxxuu');
    const [down, recovered] = events;
    expect(down).toMatchObject({
      version: 1,
      kind: 'down',
      checkId: check.id,
      checkName: 'Public API',
      severity: 'critical',
      dedupKey: 'vigil/prod/test-check',
      incidentId: 'test-check/2026-11-22T10:02:00.000Z',
      incidentStartedAt: '2026-11-22T10:02:00.000Z',
      at: '2026-11-22T10:04:00.500Z',
      dashboardUrl: 'https://dash.example',
      from: null,
    });
    expect(down?.result?.status).toBe('down');
    expect(recovered).toMatchObject({ kind: 'recovered', from: 'down', incidentId: down?.incidentId, dedupKey: down?.dedupKey });
  });

  it('marks degradation as a warning even on a critical check', () => {
    const { events } = run('uddduu');
    expect(events.map((e) => [e.kind, e.severity, e.from])).toEqual([
      ['degraded', 'warning', null],
      ['recovered', 'warning', 'degraded'],
    ]);
  });

  it('bumps the version on every result and keeps undelivered events in the outbox', () => {
    const prev = { ...initialState(check.id), version: 7, outbox: [] };
    const first = decide(prev, result('down', 0), check, context, new Date(T0));
    const second = decide(first.next, result('down', 1), check, context, new Date(T0));
    const third = decide(second.next, result('down', 2), check, context, new Date(T0));
    expect([first.next.version, second.next.version, third.next.version]).toEqual([8, 9, 10]);
    expect(third.next.outbox.map((e) => e.kind)).toEqual(['down']);
    const fourth = decide(third.next, result('up', 3), check, context, new Date(T0));
    expect(fourth.events).toEqual([]);
    expect(fourth.next.outbox.map((e) => e.kind)).toEqual(['down']);
  });

  it('opens an incident on down, from the first failing result, and closes it on recovery', () => {
    let state = initialState(check.id);
    const opened: unknown[] = [];
    const closed: unknown[] = [];
    for (const [minute, status] of (['up', 'down', 'down', 'down', 'up', 'up'] as const).entries()) {
      const d = decide(state, result(status, minute), check, context, new Date(T0));
      if (d.opened) opened.push(d.opened);
      if (d.closed) closed.push(d.closed);
      state = d.next;
    }
    const incident = { id: 'test-check/2026-11-22T10:01:00.000Z', startedAt: '2026-11-22T10:01:00.000Z' };
    expect(opened).toEqual([incident]);
    expect(closed).toEqual([incident]);
    expect(state.incident).toBeNull();
  });
});
