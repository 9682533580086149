/** The local runner when Vigil itself is hurt: its own faults are told as such, never as the target's. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { classifyError, faultBehind } from '../../lambdas/checks/shared/classify.js';
import type { Check } from '../../lambdas/config/parse.js';
import { headline } from '../../lambdas/core/format.js';
import type { AlertEvent, CheckResult } from '../../lambdas/core/types.js';
import { HeldResults } from '../../lambdas/local/held-results.js';
import { openFileLimit, ProbeSlots, probeSlotsFor } from '../../lambdas/local/probe-slots.js';
import { LocalRunner } from '../../lambdas/local/runner.js';
import { SelfWatch } from '../../lambdas/local/self-watch.js';
import { config } from '../support/checks.js';
import { failingResult } from '../support/events.js';
import { recordingLog } from '../support/log.js';
import { runFor, type SimClock, simClock } from '../support/sim-clock.js';

let db: EmbeddedDynamoDB;
let clock: SimClock;
let published: AlertEvent[];

beforeEach(async () => {
  db = await startEmbeddedDynamoDB();
  clock = simClock();
  published = [];
});
afterEach(() => db.close());

const upResult = (check: Check): CheckResult => ({
  ...failingResult,
  checkId: check.id,
  status: 'up',
  error: null,
  startedAt: clock.now().toISOString(),
});

describe('a probe that fails with EMFILE', () => {
  it('gives no result of the target and pages "Vigil itself", then recovers it once probes work again', async () => {
    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    let outOfFiles = true;
    const cfg = config({
      defaults: { interval: '1s', failureThreshold: 1 },
      checks: [{ id: 'api', type: 'http', url: 'http://127.0.0.1/health' }],
    });
    const held: HeldResults = new HeldResults({
      storeAnswers: () => watch.storeAnswers(),
      onStoreFailure: () => {},
      perCheck: 20,
    });
    const watch: SelfWatch = new SelfWatch({
      clock,
      log: recordingLog(),
      publish: (event) => published.push(event),
      pingStore: () => db.ping(),
      backlog: () => ({ kept: held.kept, dropped: held.dropped, waiting: held.size }),
      stackName: 'local',
    });
    const runner = new LocalRunner({
      config: cfg,
      store,
      metrics: { put: async () => {}, putRun: async () => {} },
      publisher: { publish: async (event) => void published.push(event) },
      // What the probe's socket error becomes once classified (lambdas/checks/run.ts throws it).
      runCheck: async (check) => {
        const seen = classifyError(Object.assign(new Error('connect EMFILE'), { code: 'EMFILE' }), 'connect', '127.0.0.1');
        const fault = faultBehind(seen);
        if (outOfFiles && fault) throw fault;
        return upResult(check);
      },
      log: recordingLog(),
      clock,
      alertContext: { stackName: 'local', dashboardUrl: null },
      watch,
      held,
      chores: [watch.chore],
    });
    await runFor(runner, clock, 9_000);
    expect(published).toEqual([]);
    await runFor(runner, clock, 2_000);
    expect(published.map(headline)).toEqual([
      'DOWN: Vigil itself: probes could not be made for 10s: probe not made: too many open files in Vigil’s process (EMFILE); those checks are skipped, not judged down',
    ]);
    expect(published[0]).toMatchObject({
      checkId: 'vigil-health',
      severity: 'critical',
      dedupKey: 'vigil/local/vigil-health/monitor',
    });
    // Nothing of the target was recorded or decided: no result, no state, no outage.
    expect(await store.listResults('api', new Date(0), clock.now())).toEqual([]);
    expect(await store.getState('api')).toBeNull();

    outOfFiles = false;
    await runFor(runner, clock, 29_000);
    expect(published).toHaveLength(1);
    await runFor(runner, clock, 2_000);
    expect(published.map((e) => [e.kind, e.dedupKey])).toEqual([
      ['down', 'vigil/local/vigil-health/monitor'],
      ['recovered', 'vigil/local/vigil-health/monitor'],
    ]);
    expect((await store.getState('api'))?.confirmed).toBe('up');
  });
});

describe('one bound on probes in flight', () => {
  it('reads the open-file limit and leaves room for the store, deliveries and logs', () => {
    const limits =
      'Max processes  63353  63353  processes\nMax open files            256                  4096                 files\n';
    expect(openFileLimit(() => limits)).toBe(256);
    expect(openFileLimit(() => 'Max open files  unlimited  unlimited  files')).toBe(Number.POSITIVE_INFINITY);
    expect(openFileLimit(() => 'nothing here')).toBeNull();
    expect(probeSlotsFor(256)).toBe(78);
    expect(probeSlotsFor(1_048_576)).toBe(200);
    expect(probeSlotsFor(64)).toBe(1);
    // This process's own, read for real (Linux).
    expect(openFileLimit()).toBeGreaterThan(0);
  });

  it('gives a free slot to the probe due again soonest, whatever order they asked in', async () => {
    const slots = new ProbeSlots(1);
    const order: string[] = [];
    let release: () => void = () => {};
    const first = slots.run(0, () => new Promise<void>((resolve) => (release = resolve)));
    const asked = [
      slots.run(60_000, async () => void order.push('1-minute')),
      slots.run(2_000, async () => void order.push('2-second')),
      slots.run(30_000, async () => void order.push('30-second')),
    ];
    // The first is granted after the turn in which all four asked; the rest wait for its slot.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(order).toEqual([]);
    release();
    await Promise.all([first, ...asked]);
    expect(order).toEqual(['2-second', '30-second', '1-minute']);
  });

  it('starts a 2 s check at once beside 400 hanging 1-minute checks', async () => {
    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    const hanging = Array.from({ length: 400 }, (_, i) => ({
      id: `slow-${i}`,
      type: 'tcp',
      host: '127.0.0.1',
      port: 1,
      interval: '1m',
    }));
    const cfg = config({
      defaults: { timeout: '30s' },
      checks: [...hanging, { id: 'fast', type: 'tcp', host: '127.0.0.1', port: 2, interval: '2s', timeout: '1s' }],
    });
    const started: string[] = [];
    const runner = new LocalRunner({
      config: cfg,
      store,
      metrics: { put: async () => {}, putRun: async () => {} },
      publisher: { publish: async () => {} },
      // A hanging target holds its slot until the test lets go.
      runCheck: async (check) => {
        started.push(check.id);
        if (check.id !== 'fast') await new Promise(() => {});
        return upResult(check);
      },
      log: recordingLog(),
      clock,
      alertContext: { stackName: 'local', dashboardUrl: null },
      probeSlots: 78,
    });
    // Every check due at once: the 400 start spread over 2 s (5 ms each), so look after their phases.
    clock.advance(2_000);
    runner.startDue();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started[0]).toBe('fast');
    // 78 slots: the fast check and 77 hanging ones, and one more hanging one in the slot the fast check freed.
    expect(started).toHaveLength(79);
  });
});
