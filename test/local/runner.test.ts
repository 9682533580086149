import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import type { Check, Config } from '../../lambdas/config/parse.js';
import type { AlertEvent, CheckResult, CheckStatus } from '../../lambdas/core/types.js';
import { LocalRunner, type RunnerDeps } from '../../lambdas/local/runner.js';
import { config } from '../support/checks.js';
import { failingResult } from '../support/events.js';
import { recordingLog } from '../support/log.js';
import { runFor, type SimClock, simClock } from '../support/sim-clock.js';

let db: EmbeddedDynamoDB;
let clock: SimClock;
let statuses: Record<string, CheckStatus>;
let sent: { event: AlertEvent; at: number }[];
let probed: { checkId: string; at: number }[];

beforeEach(async () => {
  db = await startEmbeddedDynamoDB();
  clock = simClock();
  statuses = {};
  sent = [];
  probed = [];
});
afterEach(() => db.close());

/** The store, with the name of every method called on it kept in `calls`. */
function recorded(calls: string[]): DynamoResultStore {
  return new Proxy(new DynamoResultStore(db.client, { tableName: db.tableName }), {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return value.apply(target, args);
      };
    },
  });
}

function runnerFor(
  cfg: Config,
  stores: Pick<RunnerDeps, 'store' | 'batchStore'> = {
    store: new DynamoResultStore(db.client, { tableName: db.tableName }),
  },
  more: Partial<RunnerDeps> = {},
): LocalRunner {
  return new LocalRunner({
    config: cfg,
    ...stores,
    metrics: { put: async () => {}, putRun: async () => {} },
    publisher: { publish: async (event) => void sent.push({ event, at: clock.now().getTime() }) },
    runCheck: async (check: Check): Promise<CheckResult> => {
      probed.push({ checkId: check.id, at: clock.monotonicMs() });
      const status = statuses[check.id] ?? 'up';
      return {
        ...failingResult,
        checkId: check.id,
        status,
        error: status === 'down' ? failingResult.error : null,
        startedAt: clock.now().toISOString(),
      };
    },
    log: recordingLog(),
    clock,
    alertContext: { stackName: 'local', dashboardUrl: null },
    ...more,
  });
}

describe('local runner on simulated time', () => {
  it('sends a grouped outage when groupWait ends, not at the next run of checks every 5 minutes', async () => {
    const cfg = config({
      defaults: { interval: '5m', failureThreshold: 1, groupWait: '30s' },
      checks: [
        { id: 'web-a', type: 'http', url: 'http://127.0.0.1/a', group: 'web' },
        { id: 'web-b', type: 'http', url: 'http://127.0.0.1/b', group: 'web' },
        { id: 'solo', type: 'tcp', host: '127.0.0.1', port: 1 },
      ],
    });
    statuses = { 'web-a': 'down', 'web-b': 'down', solo: 'down' };
    const start = clock.now().getTime();
    await runFor(runnerFor(cfg), clock, 60_000);
    // Each check starts at its phase, within 5 ms a check of the start: the grouped page 30 s after the first down.
    const phase = (id: string) => probed.find((p) => p.checkId === id)?.at ?? Number.NaN;
    const firstDown = Math.min(phase('web-a'), phase('web-b'));
    expect(sent.map(({ event, at }) => [event.checkId, event.group?.members.map((m) => m.checkId) ?? null, at - start])).toEqual([
      ['solo', null, phase('solo')],
      ['web-a', ['web-a', 'web-b'], firstDown + 30_000],
    ]);
    expect(Math.max(phase('solo'), phase('web-a'), phase('web-b'))).toBeLessThan(15);
    // Each check ran once: the grouped page did not wait for (or cause) another run.
    expect(probed.map((p) => p.checkId).sort()).toEqual(['solo', 'web-a', 'web-b']);
  });

  it('keeps every check on its interval, and deciding, when the wall clock steps back an hour', async () => {
    const cfg = config({
      defaults: { interval: '1s', failureThreshold: 2 },
      checks: [{ id: 'api', type: 'tcp', host: '127.0.0.1', port: 1 }],
    });
    const runner = runnerFor(cfg);
    await runFor(runner, clock, 3_500);
    clock.stepWall(-3_600_000);
    statuses.api = 'down';
    await runFor(runner, clock, 3_000);
    const [first = Number.NaN] = probed.map((p) => p.at);
    expect(first).toBeLessThan(5);
    expect(probed.map((p) => p.at - first)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000]);
    expect(sent.map(({ event }) => event.kind)).toEqual(['down']);
  });

  it('records, decides and dispatches probed results through its batch store', async () => {
    const cfg = config({
      defaults: { interval: '1s', failureThreshold: 1 },
      checks: [{ id: 'api', type: 'tcp', host: '127.0.0.1', port: 1 }],
    });
    const calls = { batch: [] as string[], plain: [] as string[] };
    statuses.api = 'down';
    await runFor(runnerFor(cfg, { store: recorded(calls.plain), batchStore: recorded(calls.batch) }), clock, 2_500);
    expect(sent.map(({ event }) => event.kind)).toEqual(['down']);
    expect(calls.batch).toEqual(expect.arrayContaining(['putResult', 'getState', 'openIncident', 'recordNotification']));
    // The decision's state write, then the dispatcher's claim of the outbox and its release.
    expect(calls.batch.filter((call) => call === 'putState').length).toBeGreaterThanOrEqual(3);
    // Only kept results, drained after a store outage, go through the plain store.
    expect(calls.plain).toEqual([]);
  });

  it('wakes its driver when a chore ends, so work the chore left due (a second alert for a channel) is not left waiting', async () => {
    const cfg = config({
      defaults: { interval: '1h' },
      checks: [{ id: 'api', type: 'tcp', host: '127.0.0.1', port: 1 }],
    });
    let queued = 2;
    let finishDelivery = () => {};
    let wakes = 0;
    const runner = runnerFor(cfg, undefined, {
      chores: [
        {
          // One alert per run, as a channel's delivery worker: the second is due as soon as the first is out.
          dueAt: () => (queued > 0 ? clock.monotonicMs() : null),
          run: async () => {
            await new Promise<void>((resolve) => {
              finishDelivery = resolve;
            });
            queued--;
          },
        },
      ],
      onDue: () => void wakes++,
    });
    runner.startDue();
    // The probe's batch ends (and wakes the driver) while the delivery is still out.
    await runner.idle({ chores: false });
    wakes = 0;
    finishDelivery();
    await runner.idle();
    // The hour's next probe is far off: without a wake the driver would sleep until it.
    expect(wakes).toBe(1);
    expect(queued).toBe(1);
    expect(runner.msUntilDue()).toBe(0);
  });
});
