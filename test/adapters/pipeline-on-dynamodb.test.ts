import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { observeHeartbeat } from '../../lambdas/checks/heartbeat/probe.js';
import { evaluateCheck } from '../../lambdas/checks/run.js';
import type { Check } from '../../lambdas/config/parse.js';
import { type CheckState, initialState } from '../../lambdas/core/check-state.js';
import { applyPing, type HeartbeatState } from '../../lambdas/core/heartbeat.js';
import { dispatch } from '../../lambdas/core/pipeline/dispatch.js';
import { ingest } from '../../lambdas/core/pipeline/ingest.js';
import { type BatchDeps, probeBatch } from '../../lambdas/core/pipeline/probe-batch.js';
import type { AlertPublisher, DispatchQueue } from '../../lambdas/core/ports.js';
import type { AlertEvent, CheckResult, CheckStatus } from '../../lambdas/core/types.js';
import { config } from '../support/checks.js';
import { alertEvent, failingResult } from '../support/events.js';
import { recordingLog } from '../support/log.js';

let db: EmbeddedDynamoDB;
let store: DynamoResultStore;
let published: AlertEvent[];
let metricBatches: CheckResult[][];
let statuses: Record<string, CheckStatus>;
let clock: number;
/** Check id → when the dispatcher was asked to look at it. */
let dispatchAt: Map<string, number>;

const queue: DispatchQueue = {
  request: async (ids, at) => {
    for (const id of ids) dispatchAt.set(id, Math.min(at.getTime(), dispatchAt.get(id) ?? Number.POSITIVE_INFINITY));
  },
};

/** What a probe batch needs, plus the publisher the dispatcher sends through. */
type CycleDeps = BatchDeps<Check> & { readonly publisher: AlertPublisher };

const checks = config({
  defaults: { failureThreshold: 2, successThreshold: 1 },
  checks: [
    { id: 'api', type: 'http', url: 'http://127.0.0.1/' },
    { id: 'db', type: 'tcp', host: '127.0.0.1', port: 5432 },
  ],
}).checks;

function deps(overrides: Partial<CycleDeps> = {}): CycleDeps {
  return {
    store,
    metrics: { put: async (results) => void metricBatches.push([...results]), putRun: async () => {} },
    publisher: { publish: async (event) => void published.push(event) },
    dispatch: queue,
    now: () => new Date(clock),
    runCheck: async (check: Check) => ({
      ...failingResult,
      checkId: check.id,
      status: statuses[check.id] ?? 'up',
      error: statuses[check.id] === 'down' ? failingResult.error : null,
      startedAt: new Date(clock++).toISOString(),
    }),
    log: recordingLog(),
    alertContext: { stackName: 'test', dashboardUrl: null },
    ...overrides,
  };
}

/** One scheduled run: the probe batch through ingest, then the dispatcher for whatever is due now. */
async function runCycle(of: readonly Check[], d: CycleDeps) {
  const report = await probeBatch(of, d, `cycle-${clock}`);
  const now = clock;
  const due = [...dispatchAt].filter(([, at]) => at <= now).map(([id]) => id);
  for (const id of due) dispatchAt.delete(id);
  const sent = await dispatch(due, { store: d.store, publisher: d.publisher, log: d.log, checks: allChecks }, new Date(now));
  for (const { checkId, at } of sent.revisit) await queue.request([checkId], at);
  return {
    ...report,
    published: sent.published,
    held: report.outcomes.flatMap((o) => o.held),
  };
}
let allChecks: readonly Check[];
const cycle = (d: CycleDeps = deps()) => runCycle(checks, d);

beforeEach(async () => {
  db = await startEmbeddedDynamoDB();
  store = new DynamoResultStore(db.client, { tableName: db.tableName });
  published = [];
  metricBatches = [];
  statuses = { api: 'up', db: 'up' };
  clock = Date.parse('2026-11-22T10:00:00.000Z');
  dispatchAt = new Map();
  allChecks = checks;
});
afterEach(() => db.close());

describe('probe batch, ingest and dispatch on dynalite', () => {
  it('records results, metrics, state and the incident, and publishes a transition once', async () => {
    await cycle();
    statuses.api = 'down';
    await cycle();
    expect(published).toEqual([]);
    await cycle();
    await cycle();
    expect(published.map((e) => [e.kind, e.checkId])).toEqual([['down', 'api']]);
    statuses.api = 'up';
    await cycle();
    expect(published.map((e) => e.kind)).toEqual(['down', 'recovered']);
    expect(published[1]?.incidentId).toBe(published[0]?.incidentId);

    expect(metricBatches).toHaveLength(5);
    expect(metricBatches[0]?.map((r) => r.checkId)).toEqual(['api', 'db']);
    const history = await store.listResults('api', new Date(0), new Date(clock));
    expect(history.map((r) => r.status)).toEqual(['up', 'down', 'down', 'down', 'up']);
    const [incident] = await store.listIncidents('api');
    expect(incident).toMatchObject({ checkId: 'api', cause: failingResult.error, id: published[0]?.incidentId });
    expect(incident?.endedAt).toBe(history[4]?.startedAt);
    expect(incident?.durationMs).toBe(Date.parse(history[4]?.startedAt ?? '') - Date.parse(history[1]?.startedAt ?? ''));
    expect(incident?.notifications.map((n) => n.kind)).toEqual(['down', 'recovered']);
    expect((await store.getState('api'))?.outbox).toEqual([]);
  });

  it('logs each change of the state people see, pending included', async () => {
    const log = recordingLog();
    const logged = deps({ log });
    await cycle(logged);
    statuses.api = 'down';
    await cycle(logged);
    await cycle(logged);
    statuses.api = 'up';
    await cycle(logged);
    const changes = log.lines.filter((l) => l.message === 'check state changed' && l.attributes.checkId === 'api');
    expect(changes.map((l) => `${l.attributes.from}→${l.attributes.to}`)).toEqual([
      'unknown→up',
      'up→pending',
      'pending→down',
      'down→up',
    ]);
  });

  it('publishes a transition once when the same cycle runs twice at the same time, deciding on both results', async () => {
    await cycle();
    statuses.api = 'down';
    await cycle(); // one failure: the next one crosses the threshold
    // Both invocations read the state before either writes: the worst interleaving, every time.
    let reads = 0;
    let release: () => void = () => {};
    const bothRead = new Promise<void>((resolve) => {
      release = resolve;
    });
    const racing = deps({
      store: Object.assign(Object.create(store), {
        getState: async (id: string) => {
          const state = await store.getState(id);
          if (id === 'api' && ++reads === 2) release();
          if (id === 'api') await bothRead;
          return state;
        },
      }),
    });
    const reports = await Promise.all([cycle(racing), cycle(racing)]);
    expect(published.filter((e) => e.kind === 'down')).toHaveLength(1);
    // The write that lost was decided again on what won: neither result was dropped or counted twice.
    expect(
      reports
        .flatMap((r) => r.outcomes)
        .filter((o) => o.checkId === 'api')
        .map((o) => o.outcome),
    ).toEqual(['decided', 'decided']);
    const both = reports
      .flatMap((r) => r.results)
      .filter((r) => r.checkId === 'api')
      .map((r) => r.startedAt);
    expect((await store.getState('api'))?.seenResults).toEqual(expect.arrayContaining(both));
  });

  it('publishes a transition once when another cycle reads the state while it is being published', async () => {
    statuses.api = 'down';
    await cycle();
    // Cycle A wins the write of the down and starts publishing it; while SNS is slow, cycle B (a
    // duplicate or the next schedule) reads that state, outbox and all, and writes its own after it.
    let releaseA: () => void = () => {};
    const aPublishing = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    let bDone: Promise<unknown> = Promise.resolve();
    const slowPublisher = deps({
      publisher: {
        publish: async (event) => {
          bDone = cycle().finally(releaseA);
          await aPublishing;
          published.push(event);
        },
      },
    });
    await cycle(slowPublisher);
    await bDone;
    expect(published.filter((e) => e.kind === 'down')).toHaveLength(1);
    await cycle();
    expect(published.filter((e) => e.kind === 'down')).toHaveLength(1);
    expect((await store.getState('api'))?.outbox).toEqual([]);
  });

  it('sends again what a cycle claimed but never confirmed publishing, once its claim has lapsed', async () => {
    statuses.api = 'down';
    await cycle();
    // The Lambda dies mid-publish: the event was claimed, and nobody clears it.
    const dies = deps({
      publisher: {
        publish: () => new Promise<void>(() => {}),
      },
    });
    void cycle(dies);
    // Until the dying cycle has claimed the outbox (however busy this machine is).
    while (!(await store.getState('api'))?.publishing) await new Promise((resolve) => setTimeout(resolve, 10));
    await cycle();
    expect(published).toEqual([]); // the claim still holds: the dying cycle may yet publish
    clock += 5 * 60_000;
    await cycle();
    expect(published.map((e) => e.kind)).toEqual(['down']);
    await cycle();
    expect(published.map((e) => e.kind)).toEqual(['down']);
  });

  it('sends, once, what the outbox of a state stored before publishing claims existed still holds', async () => {
    statuses.api = 'down';
    await cycle();
    const failing = deps({
      publisher: {
        publish: () => Promise.reject(new Error('SNS throttled')),
      },
    });
    await cycle(failing);
    const { publishing: _absentBefore, ...stored } = (await store.getState('api')) as CheckState;
    expect(stored.outbox.map((e) => e.kind)).toEqual(['down']);
    expect(await store.putState({ ...stored, version: stored.version + 1 } as CheckState)).toBe(true);
    await cycle();
    await cycle();
    expect(published.map((e) => e.kind)).toEqual(['down']);
  });

  it('keeps an event whose publish failed and sends it with the next cycle, once', async () => {
    statuses.api = 'down';
    await cycle();
    let failNext = true;
    const flaky = deps({
      publisher: {
        publish: async (event) => {
          if (failNext) {
            failNext = false;
            throw new Error('SNS throttled');
          }
          published.push(event);
        },
      },
    });
    const lost = await cycle(flaky);
    expect(lost.published).toEqual([]);
    expect((await store.getState('api'))?.outbox.map((e) => e.kind)).toEqual(['down']);
    const retried = await cycle(flaky);
    expect(retried.published.map((e) => e.kind)).toEqual(['down']);
    await cycle(flaky);
    expect(published.map((e) => e.kind)).toEqual(['down']);
  });

  it('delivers both of two events one result decided (same kind, same time) when the second fails once', async () => {
    // Two ends decided by one result: the same kind and `at`, told apart only by their ids.
    const at = new Date(clock).toISOString();
    const end = (window: '1h' | '6h', index: number) =>
      alertEvent({
        eventId: `api@${at}#7.${index}`,
        kind: 'recovered',
        from: 'burn',
        at,
        dedupKey: `vigil/test/api/burn/0/${window}`,
        burn: { objective: 0, window, label: 'availability 99.9% over 30d', rate: 0, threshold: 14.4 },
      });
    const state: CheckState = {
      ...initialState('api'),
      confirmed: 'up',
      notified: 'up',
      version: 1,
      outbox: [end('1h', 0), end('6h', 1)],
    };
    expect(await store.putState(state)).toBe(true);
    let failures = 0;
    const publisher: AlertPublisher = {
      publish: async (event) => {
        if (event.eventId.endsWith('.1') && failures++ === 0) throw new Error('SNS throttled');
        published.push(event);
      },
    };
    const dispatchDeps = { store, publisher, log: recordingLog(), checks };
    const first = await dispatch(['api'], dispatchDeps, new Date(clock));
    expect(first.published.map((e) => e.dedupKey)).toEqual(['vigil/test/api/burn/0/1h']);
    expect((await store.getState('api'))?.outbox.map((e) => e.eventId)).toEqual([`api@${at}#7.1`]);
    await dispatch(['api'], dispatchDeps, new Date(clock + 30_000));
    expect(published.map((e) => e.dedupKey)).toEqual(['vigil/test/api/burn/0/1h', 'vigil/test/api/burn/0/6h']);
    expect((await store.getState('api'))?.outbox).toEqual([]);
  });

  it('looks at an outbox again when the store fails while it is being sent', async () => {
    statuses.api = 'down';
    for (let i = 0; i < 3; i++) await cycle();
    expect(published.map((e) => e.kind)).toEqual(['down']);
    statuses.api = 'up';
    // The recovery is decided; no dispatcher has looked at it yet.
    await probeBatch(checks, deps(), 'recovering');
    const waiting = (await store.getState('api'))?.outbox ?? [];
    expect(waiting.map((e) => e.kind)).toEqual(['recovered']);
    const log = recordingLog();
    const failing = Object.assign(Object.create(store), { getState: () => Promise.reject(new Error('store unavailable')) });
    const now = new Date(clock);
    const report = await dispatch(['api'], { store: failing, publisher: deps().publisher, log, checks }, now);
    expect(report.published).toEqual([]);
    expect(report.revisit).toEqual([{ checkId: 'api', at: new Date(now.getTime() + 30_000) }]);
    expect(log.lines.map((l) => [l.level, l.message, l.attributes.checkId])).toEqual([['error', 'outbox not sent', 'api']]);
    // The next look, with the store back, sends what waited.
    const again = await dispatch(['api'], { store, publisher: deps().publisher, log, checks }, new Date(clock + 30_000));
    expect(again.published.map((e) => e.kind)).toEqual(['recovered']);
  });

  it('tells metrics what a check probed from several locations was: its window’s judgement, not each location’s result', async () => {
    const located = config({
      locations: [
        { name: 'eu', region: 'eu-west-1' },
        { name: 'us', region: 'us-east-1' },
        { name: 'ap', region: 'ap-southeast-2' },
      ],
      checks: [{ id: 'api', type: 'http', url: 'http://127.0.0.1/' }],
    }).checks;
    const d = deps({
      originsOf: (check) => check.locations,
      runCheck: async (check, location) => ({
        ...failingResult,
        checkId: check.id,
        status: location === 'eu' ? 'down' : 'up',
        error: location === 'eu' ? failingResult.error : null,
        startedAt: new Date(clock).toISOString(),
        ...(location ? { location } : {}),
      }),
    });
    const report = await probeBatch(located, d, 'located');
    expect(report.results.map((r) => [r.location, r.status])).toEqual([
      ['eu', 'down'],
      ['us', 'up'],
      ['ap', 'up'],
    ]);
    // One location down of three, quorum 2: the check was up, and that is all metrics hear of it.
    expect(metricBatches.at(-1)?.map((r) => [r.checkId, r.status, r.location ?? null])).toEqual([['api', 'up', null]]);
  });

  it('carries on with the other checks when one check’s storage fails', async () => {
    statuses = { api: 'down', db: 'down' };
    const log = recordingLog();
    const broken = deps({
      log,
      store: Object.assign(Object.create(store), {
        getState: (id: string) => (id === 'api' ? Promise.reject(new Error('throttled')) : store.getState(id)),
      }),
    });
    await cycle(broken);
    const report = await cycle(broken);
    expect(report.results.map((r) => r.checkId)).toEqual(['api', 'db']);
    expect(published.map((e) => e.checkId)).toEqual(['db']);
    expect(log.lines.filter((l) => l.level === 'error').map((l) => [l.message, l.attributes.checkId])).toEqual([
      ['state not updated', 'api'],
      ['state not updated', 'api'],
    ]);
  });

  it('keeps at most `concurrency` probes in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const many = config({
      checks: Array.from({ length: 7 }, (_, i) => ({ id: `c${i}`, type: 'tcp', host: 'h', port: 1 })),
    }).checks;
    const slow = deps({
      concurrency: 3,
      runCheck: async (check) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight--;
        return { ...failingResult, checkId: check.id, status: 'up', error: null };
      },
    });
    const report = await probeBatch(many, slow, 'bounded');
    expect(report.results.map((r) => r.checkId)).toEqual(many.map((c) => c.id));
    expect(peak).toBe(3);
  });
});

describe('ingest: results as they arrive', () => {
  it('stores the results of finished probes while a slow probe of the same batch still runs', async () => {
    let release: () => void = () => {};
    const hanging = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = deps({
      runCheck: async (check) => {
        if (check.id === 'api') await hanging;
        return { ...failingResult, checkId: check.id, status: 'up', error: null, startedAt: new Date(clock).toISOString() };
      },
    });
    const batch = probeBatch(checks, slow, 'slow');
    // db's probe finished: its result is stored and decided on while api's still hangs.
    const decided = async () => (await store.getState('db'))?.confirmed;
    for (let i = 0; i < 200 && (await decided()) !== 'up'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await decided()).toBe('up');
    expect(await store.listResults('db', new Date(0), new Date(clock + 1))).toHaveLength(1);
    expect(await store.listResults('api', new Date(0), new Date(clock + 1))).toEqual([]);
    release();
    const report = await batch;
    expect(report.results.map((r) => r.checkId)).toEqual(['api', 'db']);
    expect(await store.listResults('api', new Date(0), new Date(clock + 1))).toHaveLength(1);
  });

  it('decides on a result once, however often it arrives', async () => {
    const check = checks[0] as Check;
    const down = { ...failingResult, checkId: 'api', startedAt: new Date(clock).toISOString() };
    const ingestDeps = { store, log: recordingLog(), alertContext: { stackName: 'test', dashboardUrl: null }, dispatch: queue };
    const first = await ingest(check, down, ingestDeps, new Date(clock));
    const again = await ingest(check, down, ingestDeps, new Date(clock + 5));
    expect([first.outcome, again.outcome]).toEqual(['decided', 'stale']);
    expect((await store.getState('api'))?.failures).toBe(1);
    expect(await store.listResults('api', new Date(0), new Date(clock + 1))).toHaveLength(1);
  });
});

describe('pipeline: held alerts', () => {
  const family = config({
    defaults: { failureThreshold: 2, successThreshold: 1 },
    checks: [
      { id: 'child', type: 'http', url: 'http://127.0.0.1/child', dependsOn: ['parent'] },
      { id: 'parent', type: 'tcp', host: '127.0.0.1', port: 5432 },
    ],
  }).checks;

  it('folds a child’s outage into its parent’s: only the parent pages, the child’s alert is held and recorded', async () => {
    statuses = { parent: 'down', child: 'down' };
    allChecks = family;
    const run = () => runCycle(family, deps());
    await run();
    const second = await run();
    expect(published.map((e) => [e.kind, e.checkId])).toEqual([['down', 'parent']]);
    expect(second.held.map((h) => [h.event.checkId, h.event.kind, h.reason])).toEqual([
      ['child', 'down', 'depends on parent, which is down'],
    ]);
    const [childIncident] = await store.listIncidents('child');
    expect(childIncident?.notifications).toEqual([
      { kind: 'down', at: expect.any(String), heldBy: 'depends on parent, which is down' },
    ]);
    // The outage that paged says what else it took down (held at ingest, before the dispatcher sent the page).
    const [parentIncident] = await store.listIncidents('parent');
    expect(parentIncident?.notifications).toEqual([
      { kind: 'down', at: expect.any(String), checkId: 'child', heldBy: 'depends on parent, which is down' },
      { kind: 'down', at: expect.any(String) },
    ]);
    // The parent recovers; the child is still down and now pages on its own.
    statuses.parent = 'up';
    await run();
    expect(published.map((e) => [e.kind, e.checkId])).toEqual([
      ['down', 'parent'],
      ['recovered', 'parent'],
      ['down', 'child'],
    ]);
  });

  it('holds alerts while a silence lasts, and sends what is still true when it ends', async () => {
    statuses = { api: 'down', db: 'up' };
    await store.putSilence({
      checkId: 'api',
      until: new Date(clock + 10).toISOString(),
      reason: 'planned failover',
      createdAt: new Date(clock).toISOString(),
    });
    await cycle();
    await cycle();
    expect(published).toEqual([]);
    clock += 20; // the silence is over; api is still down
    await cycle();
    expect(published.map((e) => [e.kind, e.checkId])).toEqual([['down', 'api']]);
  });

  it('holds alerts inside a configured maintenance window', async () => {
    statuses = { api: 'down', db: 'down' };
    const windowed = deps({
      maintenance: [
        {
          name: 'db upgrade',
          checks: ['db'],
          start: new Date(clock - 1000).toISOString(),
          end: new Date(clock + 60_000).toISOString(),
        },
      ],
    });
    await cycle(windowed);
    const report = await cycle(windowed);
    expect(published.map((e) => e.checkId)).toEqual(['api']);
    expect(report.held.map((h) => [h.event.checkId, h.reason])).toEqual([['db', 'maintenance window "db upgrade"']]);
    // The log says what people would see: db in maintenance, then down once the window is over.
    clock += 120_000;
    await cycle(windowed);
    const changes = (windowed.log as ReturnType<typeof recordingLog>).lines
      .filter((l) => l.message === 'check state changed' && l.attributes.checkId === 'db')
      .map((l) => `${l.attributes.from}→${l.attributes.to}`);
    expect(changes).toEqual(['unknown→maintenance', 'maintenance→down']);
    expect(published.map((e) => e.checkId)).toEqual(['api', 'db']);
  });
});

describe('pipeline: grouped notifications', () => {
  const grouped = config({
    defaults: { failureThreshold: 2, successThreshold: 1, groupWait: '30s' },
    checks: [
      { id: 'web-a', name: 'Web A', type: 'http', url: 'http://127.0.0.1/a', group: 'web' },
      { id: 'web-b', name: 'Web B', type: 'http', url: 'http://127.0.0.1/b', group: 'web' },
      { id: 'solo', type: 'tcp', host: '127.0.0.1', port: 1 },
    ],
  }).checks;
  const tick = async (seconds: number) => {
    clock += seconds * 1000;
    allChecks = grouped;
    return runCycle(grouped, deps());
  };

  it('sends outages in one group that start within groupWait as one notification, after the wait', async () => {
    statuses = { 'web-a': 'down', 'web-b': 'up', solo: 'down' };
    await tick(0);
    statuses['web-b'] = 'down';
    await tick(10); // web-a and solo confirm down; solo is not grouped and pages now
    expect(published.map((e) => e.checkId)).toEqual(['solo']);
    await tick(10); // web-b confirms down, inside web-a's window
    await tick(10); // 20 s after web-a: still waiting
    expect(published.map((e) => e.checkId)).toEqual(['solo']);
    await tick(15); // 35 s: the window has closed
    expect(published).toHaveLength(2);
    const notice = published[1];
    expect(notice).toMatchObject({ kind: 'down', checkId: 'web-a', group: { name: 'web' } });
    expect(notice?.group?.members.map((m) => [m.checkId, m.dedupKey])).toEqual([
      ['web-a', 'vigil/test/web-a'],
      ['web-b', 'vigil/test/web-b'],
    ]);
    // Every member's incident records the one notification that told of it.
    for (const id of ['web-a', 'web-b']) {
      const [incident] = await store.listIncidents(id);
      expect(incident?.notifications).toEqual([{ kind: 'down', at: notice?.at, group: 'web' }]);
    }
    await tick(10);
    expect(published).toHaveLength(2); // nothing sent twice
    // Recoveries are not grouped: each check resolves its own outage.
    statuses = { 'web-a': 'up', 'web-b': 'up', solo: 'up' };
    await tick(10);
    expect(
      published
        .slice(2)
        .map((e) => `${e.kind}:${e.checkId}`)
        .sort(),
    ).toEqual(['recovered:solo', 'recovered:web-a', 'recovered:web-b']);
  });

  it('keeps the recovery after the grouped down when a check recovers inside the window', async () => {
    statuses = { 'web-a': 'down', 'web-b': 'up', solo: 'up' };
    await tick(0);
    await tick(10); // web-a down, waiting
    statuses['web-a'] = 'up';
    await tick(10); // recovered, queued behind the waiting down
    expect(published).toEqual([]);
    await tick(25);
    expect(published.map((e) => `${e.kind}:${e.checkId}`)).toEqual(['down:web-a', 'recovered:web-a']);
  });
});

describe('a heartbeat report racing its scheduled look', () => {
  const [nightly] = config({
    checks: [{ id: 'nightly', type: 'heartbeat', every: '1h', grace: '0s', token: 'a-token-long-enough' }],
  }).checks as [Check];
  const T0 = Date.parse('2026-11-23T01:00:00.000Z');
  const judge = (state: HeartbeatState, at: number) =>
    evaluateCheck(nightly, observeHeartbeat(state, new Date(at)), new Date(at));

  it('drops a look that judged the runs before a report already decided on, so a success just in time pages nobody', async () => {
    const first = await store.readHeartbeat('nightly', new Date(T0));
    // The look reads the runs a second past the deadline: late.
    const look = judge(first, T0 + 3_600_001);
    expect(look.error?.kind).toBe('late');
    // The job's success lands before the look is decided on.
    const recorded = applyPing(
      first,
      { action: { kind: 'end', ok: true, exitCode: 0 }, rid: null, body: '' },
      new Date(T0 + 3_600_002),
    );
    if (recorded.kind !== 'recorded') throw new Error('not recorded');
    expect(await store.putHeartbeat(recorded.next)).toBe(true);
    const report = judge(recorded.next, T0 + 3_600_002);
    expect((await ingest(nightly, report, deps(), new Date(T0 + 3_600_002))).outcome).toBe('decided');
    expect((await ingest(nightly, look, deps(), new Date(T0 + 3_600_003))).outcome).toBe('stale');
    const state = await store.getState('nightly');
    expect(state?.confirmed).toBe('up');
    expect(state?.outbox).toEqual([]);
    // The next look judges the success: up, and decided on.
    const next = judge(recorded.next, T0 + 3_660_000);
    expect((await ingest(nightly, next, deps(), new Date(T0 + 3_660_000))).outcome).toBe('decided');
  });

  it('still decides on a look that judged runs nobody has reported since, however late it arrives', async () => {
    const first = await store.readHeartbeat('nightly', new Date(T0));
    const look = judge(first, T0 + 3_600_001);
    expect((await ingest(nightly, look, deps(), new Date(T0 + 3_600_500))).outcome).toBe('decided');
    expect((await store.getState('nightly'))?.outbox.map((e) => e.kind)).toEqual(['down']);
  });
});
