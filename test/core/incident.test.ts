/**
 * The incident is the unit of paging (docs/architecture.md, "One outage, one page"): whatever objectives,
 * holds and reminders combine, one outage is one trigger and one resolve under one key. On the pure
 * state machine, one result per interval.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { buildPagerDutyEvents } from '../../lambdas/channels/pagerduty/index.js';
import { decide, MAX_OUTBOX } from '../../lambdas/core/alert-state.js';
import { type CheckState, initialState } from '../../lambdas/core/check-state.js';
import type { Hold } from '../../lambdas/core/maintenance.js';
import type { AlertEvent, CheckResult } from '../../lambdas/core/types.js';
import { type Check, httpCheck } from '../support/checks.js';

const context = { stackName: 'prod', dashboardUrl: null };
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const MINUTE = 60_000;

const AVAILABILITY_AND_LATENCY = [
  { availability: 99, window: '1h' },
  { latency: { percent: 99, under: '100ms' }, window: '1h' },
  { availability: 99.9 },
  { latency: { percent: 99, under: '100ms' } },
];

function checkWith(fields: Record<string, unknown> = {}): Check {
  return httpCheck({ id: 'api', url: 'http://127.0.0.1/', interval: '30s', timeout: '5s', ...fields });
}

/** u up (fast), s up but slow (150 ms), x down. */
function result(check: Check, letter: string, at: number): CheckResult {
  const down = letter === 'x';
  return {
    checkId: check.id,
    status: down ? 'down' : 'up',
    error: down ? { kind: 'http_status', message: 'expected status 2xx, got 503' } : null,
    httpStatus: down ? 503 : 200,
    timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 5, transferMs: 0.5, totalMs: letter === 's' ? 150 : 7 },
    startedAt: new Date(at).toISOString(),
    detail: null,
  };
}

interface Step {
  /** Letters, one result per interval each. */
  readonly runs: string;
  readonly hold?: Hold;
}

/** Feeds the steps in order; what was published and held, and the state at the end (outbox drained unless asked). */
function feed(check: Check, steps: readonly Step[], options: { start?: CheckState; keepOutbox?: boolean; at?: number } = {}) {
  let state = options.start ?? initialState(check.id);
  let at = options.at ?? T0;
  const published: AlertEvent[] = [];
  const held: { event: AlertEvent; reason: string }[] = [];
  const dropped: AlertEvent[] = [];
  for (const step of steps) {
    for (const letter of step.runs) {
      const decision = decide(state, result(check, letter, at), check, context, new Date(at + 200), step.hold ?? null);
      published.push(...decision.events);
      held.push(...decision.suppressed);
      dropped.push(...decision.dropped);
      state = options.keepOutbox ? decision.next : { ...decision.next, outbox: [] };
      at += check.intervalMs;
    }
  }
  return { published, held, dropped, state, at, pages: published.map((e) => `${e.kind} ${e.dedupKey}`) };
}

/** What PagerDuty (by default critical alerts only) would be sent. */
const pagerduty = (published: readonly AlertEvent[]) =>
  published
    .filter((e) => e.severity === 'critical')
    .flatMap((e) => buildPagerDutyEvents(e) as { event_action: string; dedup_key: string }[])
    .map((e) => `${e.event_action} ${e.dedup_key}`);

const minutes = (letter: string, n: number, intervalMs = 30_000) => letter.repeat((n * MINUTE) / intervalMs);
const silence: Hold = { kind: 'silence', reason: 'silenced until later: deploy' };
const maintenance: Hold = { kind: 'maintenance', reason: 'maintenance window "db upgrade"' };
const dependency: Hold = { kind: 'dependency', reason: 'depends on db, which is down' };

describe('one outage, one incident', () => {
  it('pages once and resolves once for a 20-minute outage of a check with four objectives', () => {
    const check = checkWith({ objectives: AVAILABILITY_AND_LATENCY });
    const { published, held, state } = feed(check, [
      { runs: minutes('u', 10) },
      { runs: minutes('x', 20) },
      { runs: minutes('u', 60) },
    ]);
    expect(published.map((e) => `${e.kind} ${e.dedupKey}`)).toEqual(['down vigil/prod/api', 'recovered vigil/prod/api']);
    const [down, recovered] = published;
    expect(recovered?.incidentId).toBe(down?.incidentId);
    // The availability objectives burned during it: each joined the incident, none paged.
    const joined = held.filter((h) => h.reason === `joined incident ${down?.incidentId}`);
    expect(joined.map((h) => `${h.event.kind} ${h.event.burn?.objective}/${h.event.burn?.window}`)).toEqual([
      'burn 0/1h',
      'burn 0/6h',
      'burn 0/3d',
      'burn 2/1h',
      'burn 2/6h',
      'burn 2/3d',
    ]);
    // A down run is availability's to count: the latency objectives never burned.
    expect(held.some((h) => h.event.burn && h.event.burn.objective % 2 === 1)).toBe(false);
    expect(state.incident).toBeNull();
  });

  it('folds the latency objectives in too when they count down runs, still one page', () => {
    const objectives = AVAILABILITY_AND_LATENCY.map((o) =>
      'latency' in o ? { ...o, latency: { ...o.latency, includeDown: true } } : o,
    );
    const { pages, held } = feed(checkWith({ objectives }), [
      { runs: minutes('u', 10) },
      { runs: minutes('x', 20) },
      { runs: minutes('u', 60) },
    ]);
    expect(pages).toEqual(['down vigil/prod/api', 'recovered vigil/prod/api']);
    expect(held.filter((h) => h.event.burn?.objective === 1).length).toBeGreaterThan(0);
  });

  it.each([
    ['a silence', silence],
    ['a maintenance window', maintenance],
    ['a parent that is down', dependency],
  ])('lets the resolve through %s set after the page', (_name, hold) => {
    const check = checkWith({ objectives: AVAILABILITY_AND_LATENCY });
    const { pages, state } = feed(check, [
      { runs: minutes('u', 5) },
      { runs: minutes('x', 5) },
      { runs: minutes('x', 15), hold },
      { runs: minutes('u', 10), hold },
      { runs: minutes('u', 10) },
    ]);
    expect(pages).toEqual(['down vigil/prod/api', 'recovered vigil/prod/api']);
    expect(state.notified).toBe('up');
  });

  it('says nothing of an outage that began and ended under a silence, and closes its incident', () => {
    const check = checkWith({ objectives: AVAILABILITY_AND_LATENCY });
    const { pages, state } = feed(check, [
      { runs: minutes('u', 5) },
      { runs: `${minutes('x', 20)}${minutes('u', 10)}`, hold: silence },
      { runs: minutes('u', 10) },
    ]);
    expect(pages).toEqual([]);
    expect(state.incident).toBeNull();
  });

  it('opens an incident of its own for a burn while the check is up; a later outage joins it', () => {
    // Slow but up: the latency objective burns; then it goes down, comes back slow, then fast.
    const check = checkWith({ objectives: [{ latency: { percent: 99, under: '100ms' } }] });
    const { published, held, state } = feed(check, [
      { runs: minutes('u', 10) },
      { runs: minutes('s', 15) },
      { runs: minutes('x', 10) },
      { runs: minutes('s', 10) },
      { runs: minutes('u', 30) },
    ]);
    expect(published.map((e) => `${e.kind}${e.from ? `/${e.from}` : ''} ${e.dedupKey}`)).toEqual([
      'burn vigil/prod/api',
      'recovered/burn vigil/prod/api',
    ]);
    const [burn, recovered] = published;
    expect(burn?.incidentId).toMatch(/^api\//);
    expect(recovered?.incidentId).toBe(burn?.incidentId);
    // The outage and its end were part of the incident the burn opened.
    expect(held.filter((h) => h.event.kind === 'down' || h.event.from === 'down').map((h) => h.reason)).toEqual([
      `joined incident ${burn?.incidentId}`,
      `joined incident ${burn?.incidentId}`,
    ]);
    expect(state.incident).toBeNull();
  });

  it('pages a warning incident again when a critical burn joins it: the page it had not had', () => {
    const check = checkWith({ severity: 'warning', objectives: [{ availability: 99.9 }] });
    const { published } = feed(check, [{ runs: minutes('u', 10) }, { runs: minutes('x', 20) }, { runs: minutes('u', 30) }]);
    // The resolve goes at the severity the incident was paged at: it reaches PagerDuty, as the page did.
    expect(published.map((e) => `${e.kind} ${e.severity} ${e.dedupKey}`)).toEqual([
      'down warning vigil/prod/api',
      'burn critical vigil/prod/api',
      'recovered critical vigil/prod/api',
    ]);
    expect(new Set(published.map((e) => e.incidentId)).size).toBe(1);
    expect(pagerduty(published)).toEqual(['trigger vigil/prod/api', 'resolve vigil/prod/api']);
  });

  it('holds an escalation like any new alert, and pages it when the hold ends on a burn still burning', () => {
    const maintenance: Hold = { kind: 'maintenance', reason: 'maintenance window' };
    const check = checkWith({ severity: 'warning', failureThreshold: 2, objectives: [{ availability: 99.9 }] });
    // Down inside the window (nothing sent), still down after it: the warning, then the critical burn.
    const held = feed(check, [
      { runs: minutes('u', 10) },
      { runs: minutes('x', 10), hold: maintenance },
      { runs: minutes('x', 60) },
      { runs: minutes('u', 10) },
    ]);
    expect(held.pages).toEqual(['down vigil/prod/api', 'burn vigil/prod/api', 'recovered vigil/prod/api']);
    expect(pagerduty(held.published)).toEqual(['trigger vigil/prod/api', 'resolve vigil/prod/api']);
    // Paged at warning, then a window opens: the critical burn waits, and with the outage over nothing goes.
    const during = feed(check, [
      { runs: minutes('u', 10) },
      { runs: 'xx' },
      { runs: minutes('x', 20), hold: maintenance },
      { runs: minutes('u', 30), hold: maintenance },
    ]);
    expect(during.published.map((e) => `${e.kind} ${e.severity}`)).toEqual(['down warning', 'recovered warning']);
    expect(pagerduty(during.published)).toEqual([]);
  });

  it('ends a burn’s incident when its objective leaves the config, so a later outage pages', () => {
    const slow = checkWith({ objectives: [{ latency: { percent: 99.9, under: '100ms' } }] });
    const paged = feed(slow, [{ runs: minutes('u', 10) }, { runs: minutes('s', 5) }]);
    expect(paged.pages).toEqual(['burn vigil/prod/api']);
    const { published } = feed(checkWith({}), [{ runs: minutes('u', 100) }, { runs: minutes('x', 30) }], {
      start: paged.state,
      at: paged.at,
    });
    expect(published.map((e) => `${e.kind}${e.from ? `/${e.from}` : ''}`)).toEqual(['recovered/burn', 'down']);
    expect(pagerduty(published)).toEqual(['resolve vigil/prod/api', 'trigger vigil/prod/api']);
  });

  it('does not leave what channels were told at down when a flapping check’s burn ends its incident', () => {
    const check = checkWith({
      failureThreshold: 1,
      successThreshold: 1,
      objectives: [{ latency: { percent: 99.9, under: '100ms' } }],
    });
    const { published, state } = feed(check, [
      { runs: 'u'.repeat(20) },
      { runs: 's'.repeat(10) },
      { runs: 'xsxsxsxs' },
      { runs: 'x'.repeat(12) },
      { runs: 'u' },
      { runs: 'x'.repeat(120) },
    ]);
    const pd = pagerduty(published);
    // Every trigger is followed by its resolve before the next, and the hour-long outage at the end pages.
    expect(pd.filter((p) => p.startsWith('trigger')).length).toBe(pd.filter((p) => p.startsWith('resolve')).length + 1);
    expect(pd.at(-1)).toBe('trigger vigil/prod/api');
    expect(state.notified).toBe('down');
  });

  it('ends an outage an older version paged under the check’s key, though an older burn still burns', () => {
    const check = checkWith({ objectives: [{ latency: { percent: 99.9, under: '100ms' } }] });
    const before = feed(check, [{ runs: 'u'.repeat(20) }, { runs: 's'.repeat(10) }, { runs: 'x'.repeat(10) }]);
    // As the older version left it: an outage's incident (id and start only), its latency burn paged apart.
    const { id, startedAt } = before.state.incident ?? { id: '', startedAt: '' };
    const legacy: CheckState = {
      ...before.state,
      incident: { id, startedAt },
      separateBurns: before.state.burning,
      notified: 'down',
    };
    const { published, state } = feed(check, [{ runs: 's'.repeat(6) }, { runs: 'u'.repeat(60) }, { runs: 'x'.repeat(20) }], {
      start: legacy,
      at: before.at,
    });
    expect(pagerduty(published)).toEqual([
      'resolve vigil/prod/api',
      'resolve vigil/prod/api/burn/0/1h',
      'trigger vigil/prod/api',
    ]);
    expect(state.incident?.id).not.toBe(id);
  });

  it('sends an opening burn held by a silence once the silence ends, and its end after', () => {
    const check = checkWith({ objectives: [{ latency: { percent: 99, under: '100ms' } }] });
    const { pages } = feed(check, [
      { runs: minutes('u', 5) },
      { runs: minutes('s', 10), hold: silence },
      { runs: minutes('s', 2) },
      { runs: minutes('u', 30) },
    ]);
    expect(pages).toEqual(['burn vigil/prod/api', 'recovered vigil/prod/api']);
  });

  it('ends a burn an older version paged under a key of its own under that key', () => {
    const check = checkWith({ objectives: [{ availability: 99.9 }] });
    const paging = feed(check, [{ runs: minutes('u', 5) }, { runs: 'xuxuxuxuxuxuxuxuxuxuxuxuxuxu' }]);
    expect(paging.state.burning).toEqual(['0/1h', '0/6h', '0/3d']);
    // As an older version left it: the burns paged apart, no incident for them.
    const legacy: CheckState = { ...paging.state, incident: null, separateBurns: paging.state.burning };
    const { pages } = feed(check, [{ runs: minutes('u', 7 * 60) }], { start: legacy });
    expect(pages).toEqual([
      'recovered vigil/prod/api/burn/0/1h',
      'recovered vigil/prod/api/burn/0/6h',
      'recovered vigil/prod/api/burn/0/3d',
    ]);
  });

  it('gives every event an id of its own, the same however often the state is read', () => {
    const check = checkWith({ severity: 'warning', repeatInterval: '5m', objectives: [{ availability: 99.9 }] });
    const { published } = feed(check, [{ runs: minutes('u', 10) }, { runs: minutes('x', 30) }, { runs: minutes('u', 30) }]);
    const ids = published.map((e) => e.eventId);
    expect(published.length).toBeGreaterThan(5);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^api@\S+#\d+\.\d+$/.test(id))).toBe(true);
  });
});

describe('bounded state', () => {
  it('keeps at most MAX_OUTBOX events while publishing fails, dropping reminders before any start or end', () => {
    const check = checkWith({ interval: '1m', repeatInterval: '5m' });
    const { state, dropped } = feed(check, [{ runs: `uuu${'x'.repeat(600)}uuu` }], { keepOutbox: true });
    expect(state.outbox.length).toBe(MAX_OUTBOX);
    expect(dropped.length).toBeGreaterThan(50);
    expect(new Set(dropped.map((e) => e.kind))).toEqual(new Set(['reminder']));
    expect(state.outbox[0]?.kind).toBe('down');
    expect(state.outbox.at(-1)?.kind).toBe('recovered');
  });

  it('holds a state item under 64 KB through a year of churn every second on four objectives', () => {
    const check = checkWith({
      interval: '1s',
      timeout: '500ms',
      failureThreshold: 2,
      successThreshold: 2,
      repeatInterval: '5m',
      objectives: [
        { availability: 99.9 },
        { availability: 99, window: '1h' },
        { latency: { percent: 50, under: '100ms' }, window: '7d' },
        { latency: { percent: 95, under: '100ms', includeDown: true }, window: '90d' },
      ],
    });
    // Each day of the year: ten minutes of churn at one result a second (down, slow and fast runs mixed),
    // at a different time of day; publishing fails all year, so the outbox is never drained.
    const pattern = 'xxxsssuuxsxuuuxxxxxxsss';
    let state = initialState(check.id);
    let largest = 0;
    for (let day = 0; day < 365; day++) {
      const start = T0 + day * 86_400_000 + ((day * 7_919_000) % 86_000_000);
      for (let second = 0; second < 600; second++) {
        const at = start + second * 1_000;
        const letter = pattern[(second + day) % pattern.length] as string;
        state = decide(state, result(check, letter, at), check, context, new Date(at + 200)).next;
      }
      largest = Math.max(largest, JSON.stringify(marshall(state, { removeUndefinedValues: true })).length);
    }
    expect(state.outbox.length).toBeLessThanOrEqual(MAX_OUTBOX);
    expect(largest).toBeLessThan(64 * 1024);
  }, 120_000);
});
