import { describe, expect, it } from 'vitest';
import { changesNothing, decide } from '../../lambdas/core/alert-state.js';
import { type CheckState, initialState, type ReportedStatus, reportedStatus } from '../../lambdas/core/check-state.js';
import type { Hold } from '../../lambdas/core/maintenance.js';
import type { AlertEvent, CheckResult, CheckStatus } from '../../lambdas/core/types.js';
import { type Check, httpCheck } from '../support/checks.js';

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

/** Feeds statuses to any check; `suppress` gives the suppression per minute. */
function feed(target: Check, statuses: string, suppress: (minute: number) => Hold | null = () => null) {
  let state = initialState(target.id);
  const events: string[] = [];
  const suppressed: string[] = [];
  const reported: ReportedStatus[] = [];
  [...statuses].forEach((letter, minute) => {
    const status = ({ u: 'up', d: 'degraded', x: 'down' } as const)[letter as 'u' | 'd' | 'x'];
    const decision = decide(
      state,
      { ...result(status, minute), checkId: target.id },
      target,
      context,
      new Date(T0 + minute * 60_000),
      suppress(minute),
    );
    events.push(...decision.events.map((e) => `${minute}:${e.kind}${e.from ? `<${e.from}` : ''}`));
    suppressed.push(...decision.suppressed.map((s) => `${minute}:${s.event.kind}(${s.reason})`));
    reported.push(reportedStatus(decision.next));
    state = { ...decision.next, outbox: [] };
  });
  return { events, suppressed, state, reported };
}

describe('decide: flapping', () => {
  const flappy = httpCheck({
    url: 'http://127.0.0.1/',
    failureThreshold: 1,
    successThreshold: 1,
    flapping: { window: 10, high: 0.5, low: 0.2 },
  });

  it('pages transitions until the window shows flapping, then holds them and sends one notice', () => {
    const { events, suppressed, state } = feed(flappy, 'uxuxuxuxuxuxuxux');
    // Until the window is full (10 results), each change is a real transition.
    expect(events.slice(0, 9)).toEqual([
      '1:down',
      '2:recovered<down',
      '3:down',
      '4:recovered<down',
      '5:down',
      '6:recovered<down',
      '7:down',
      '8:recovered<down',
      '9:flapping',
    ]);
    expect(events).toHaveLength(9);
    // Held relative to what channels were last told ("recovered" at 8): each return to down is recorded.
    expect(suppressed).toEqual(['9:down(flapping)', '11:down(flapping)', '13:down(flapping)', '15:down(flapping)']);
    expect(state.flapping).toBe(true);
  });

  it('sends one summary when it settles, and tells channels the net change', () => {
    const { events } = feed(flappy, `uxuxuxuxux${'x'.repeat(12)}`);
    expect(events.filter((e) => e.includes('flapping'))).toEqual(['9:flapping', '17:flapping']);
    // It was flapping while down was last told as "recovered"; settled down, the channels hear "down" once.
    expect(events.slice(-2)).toEqual(['17:flapping', '17:down']);
  });

  it('tells nothing on settling when the net state is what channels already know', () => {
    const { events } = feed(flappy, `uxuxuxuxuxu${'u'.repeat(12)}`);
    expect(events.slice(-1)).toEqual(['18:flapping']);
  });

  it('stays silent while flapping holds nothing back: blips under the threshold never announce it', () => {
    const blippy = httpCheck({ url: 'http://127.0.0.1/', failureThreshold: 3, flapping: { window: 10, high: 0.5, low: 0.2 } });
    const { events, state } = feed(blippy, `${'ux'.repeat(15)}${'u'.repeat(12)}`);
    expect(events).toEqual([]);
    expect(state.flapping).toBe(false);
  });

  it('is off with flapping: false', () => {
    const steady = httpCheck({ url: 'http://127.0.0.1/', failureThreshold: 1, successThreshold: 1, flapping: false });
    expect(feed(steady, 'uxuxuxuxuxuxuxux').events.filter((e) => e.endsWith(':down'))).toHaveLength(8);
  });
});

const deployWindow = { kind: 'maintenance', reason: 'maintenance window "deploy"' } as const;

describe('decide: reminders, suppression and degraded settings', () => {
  it('reminds every repeatInterval while down, and not after recovery', () => {
    const reminding = httpCheck({ url: 'http://127.0.0.1/', repeatInterval: '5m' });
    expect(feed(reminding, `uu${'x'.repeat(14)}uu${'x'.repeat(3)}`).events).toEqual([
      '4:down',
      '9:reminder',
      '14:reminder',
      '17:recovered<down',
      '20:down',
    ]);
  });

  it('holds an outage inside a maintenance window and alerts when the window ends on a still-down check', () => {
    const window = (minute: number) => (minute >= 2 && minute < 8 ? deployWindow : null);
    const { events, suppressed, reported } = feed(check, 'uuxxxxxxxxx', window);
    expect(suppressed).toEqual(['4:down(maintenance window "deploy")']);
    expect(events).toEqual(['8:down']);
    // People see the window while it lasts, then the check's own status.
    expect(reported).toEqual(['up', 'up', ...Array(6).fill('maintenance'), 'down', 'down', 'down']);
  });

  it('shows a check held by its parent as what it is: part of the parent’s outage, not maintenance', () => {
    const parentDown = { kind: 'dependency', reason: 'depends on db, which is down' } as const;
    const { events, suppressed, reported } = feed(check, 'uuxxxx', () => parentDown);
    expect(events).toEqual([]);
    expect(suppressed).toEqual(['4:down(depends on db, which is down)']);
    expect(reported).toEqual(['up', 'up', 'pending', 'pending', 'down', 'down']);
  });

  it('says nothing at all when the check recovered inside the window', () => {
    const window = (minute: number) => (minute >= 2 && minute < 12 ? deployWindow : null);
    const { events, suppressed } = feed(check, 'uuxxxxuuuuuuuu', window);
    expect(suppressed).toEqual(['4:down(maintenance window "deploy")']);
    expect(events).toEqual([]);
  });

  it('uses degradedThreshold and degradedSeverity', () => {
    const sensitive = httpCheck({ url: 'http://127.0.0.1/', degradedThreshold: 1, degradedSeverity: 'info' });
    let state = initialState(sensitive.id);
    const first = decide(state, result('up', 0), sensitive, context, new Date(T0));
    state = first.next;
    const second = decide(state, result('degraded', 1), sensitive, context, new Date(T0));
    expect(second.events.map((e) => [e.kind, e.severity])).toEqual([['degraded', 'info']]);
  });
});

describe('changesNothing: when a steady check’s state need not be written', () => {
  /** Whether each result of the sequence (after `settle` of them) left a state worth writing. */
  function writes(statuses: string) {
    let state = initialState(check.id);
    return [...statuses].map((letter, minute) => {
      const status = ({ u: 'up', d: 'degraded', x: 'down' } as const)[letter as 'u' | 'd' | 'x'];
      const decision = decide(state, result(status, minute), check, context, new Date(T0 + minute * 60_000 + 500));
      const write = !changesNothing(state, decision);
      state = { ...decision.next, outbox: [] };
      return write ? 'w' : '-';
    });
  }

  it('writes while streaks and the flapping window fill, then stops for as long as nothing changes', () => {
    // Streaks stop at 3 (the largest threshold), the flapping window at 20 results.
    const steady = writes('u'.repeat(30)).join('');
    expect(steady).toBe(`${'w'.repeat(20)}${'-'.repeat(10)}`);
  });

  it('writes again the moment anything a decision reads changes', () => {
    const marks = writes(`${'u'.repeat(25)}x${'u'.repeat(3)}`);
    expect(marks.slice(20, 25)).toEqual(['-', '-', '-', '-', '-']);
    expect(marks[25]).toBe('w');
    expect(marks.slice(26)).toEqual(['w', 'w', 'w']);
  });

  it('stops writing during a long outage once it has been told, and writes the reminder', () => {
    const reminding = httpCheck({ id: check.id, url: 'http://127.0.0.1/', failureThreshold: 3, repeatInterval: '10m' });
    let state = initialState(check.id);
    const marks: string[] = [];
    for (let minute = 0; minute < 40; minute++) {
      const decision = decide(state, result('down', minute), reminding, context, new Date(T0 + minute * 60_000 + 500));
      marks.push(changesNothing(state, decision) ? '-' : decision.events.map((e) => e.kind).join('') || 'w');
      state = { ...decision.next, outbox: [] };
    }
    expect(marks[2]).toBe('down');
    expect(marks.filter((m) => m === 'reminder')).toHaveLength(3);
    expect(marks.slice(20).filter((m) => m === 'w')).toEqual([]);
  });
});
