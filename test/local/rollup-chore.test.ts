/**
 * Results kept through a store outage longer than the sealing grace reach the store after their hour was
 * sealed: the monitor's rollup chore seals that hour again, so reports read from rollups count them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import type { Check } from '../../lambdas/config/parse.js';
import { DAY_MS, HOUR_MS } from '../../lambdas/core/duration.js';
import { resealHour, SEAL_GRACE_MS, sealedHourOf } from '../../lambdas/core/pipeline/rollups.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { HeldResults } from '../../lambdas/local/held-results.js';
import { rollupChore } from '../../lambdas/local/rollup-chore.js';
import { LocalRunner } from '../../lambdas/local/runner.js';
import { config } from '../support/checks.js';
import { failingResult } from '../support/events.js';
import { recordingLog } from '../support/log.js';
import { runFor, simClock } from '../support/sim-clock.js';

const MINUTE = 60_000;
const HOUR = Date.parse('2026-11-22T10:00:00.000Z');

let db: EmbeddedDynamoDB;
beforeEach(async () => {
  db = await startEmbeddedDynamoDB();
});
afterEach(() => db.close());

describe('results stored after their hour was sealed', () => {
  it('seal that hour again, so the rollup counts every result the hour has', async () => {
    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    let down = false;
    // The results' writes fail while `down`; sealing reads and writes rollups all along, as it could
    // between two failures of a store that answers again.
    const failing = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key !== 'putResult' && key !== 'putResults') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          if (down) throw new Error('IO error: No space left on device');
          return value.apply(target, args);
        };
      },
    });
    const clock = simClock(new Date(HOUR + 40 * MINUTE).toISOString());
    const cfg = config({ defaults: { interval: '1m' }, checks: [{ id: 'api', type: 'tcp', host: '127.0.0.1', port: 1 }] });
    const log = recordingLog();
    const held = new HeldResults({ storeAnswers: () => !down, onStoreFailure: () => {}, perCheck: 100 });
    const sealing = rollupChore(cfg, store, clock, log);
    const runner = new LocalRunner({
      config: cfg,
      store: failing,
      metrics: { put: async () => {}, putRun: async () => {} },
      publisher: { publish: async () => {} },
      runCheck: async (check: Check): Promise<CheckResult> => ({
        ...failingResult,
        checkId: check.id,
        status: 'up',
        error: null,
        startedAt: clock.now().toISOString(),
      }),
      log,
      clock,
      alertContext: { stackName: 'local', dashboardUrl: null },
      watch: { storeAnswers: () => !down, fault: () => {} },
      held,
      chores: [sealing.chore],
      onDrained: (checkId, startedAts) => sealing.stored(checkId, startedAts),
    });
    const hourRollup = async () =>
      (await store.listRollups('api', 'hour', new Date(HOUR), new Date(HOUR + HOUR_MS), clock.now()))[0];

    await runFor(runner, clock, 15 * MINUTE);
    down = true;
    // Past 11:00, its grace and a pass of the chore: 10:00 is sealed from what was stored up to 10:55.
    await runFor(runner, clock, 30 * MINUTE);
    const early = await hourRollup();
    expect(early?.runs).toBe(16);
    expect(held.size).toBe(30);

    down = false;
    await runFor(runner, clock, 2 * MINUTE);
    expect(held.size).toBe(0);
    const stored = await store.listResultsBetween('api', new Date(HOUR), new Date(HOUR + HOUR_MS), clock.now());
    expect(stored).toHaveLength(20);
    expect((await hourRollup())?.runs).toBe(20);
    expect(log.lines.filter((l) => l.message === 'rolled up an hour again for results stored late')).toEqual([
      expect.objectContaining({ attributes: { checkId: 'api', hour: '2026-11-22T10:00:00.000Z' } }),
    ]);
    await runner.idle();
  });

  it('are late only once their hour was due to be sealed, and an hour pruning has reached is left as it was sealed; its day is sealed again once due', async () => {
    const sealedAt = HOUR + HOUR_MS + SEAL_GRACE_MS;
    expect(sealedHourOf('2026-11-22T10:59:59.000Z', new Date(sealedAt - 1))).toBeNull();
    expect(sealedHourOf('2026-11-22T10:59:59.000Z', new Date(sealedAt))).toBe(HOUR);
    expect(sealedHourOf('not a time', new Date(sealedAt))).toBeNull();

    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    const check = config({ checks: [{ id: 'api', type: 'tcp', host: '127.0.0.1', port: 1 }] }).checks[0] as Check;
    const now = new Date(sealedAt);
    expect(await resealHour(store, check, HOUR, now, HOUR + 1)).toBe(false);
    expect(await store.listRollups('api', 'hour', new Date(HOUR), new Date(HOUR + HOUR_MS), now)).toEqual([]);
    expect(await resealHour(store, check, HOUR, now, HOUR)).toBe(true);
    expect(await store.listRollups('api', 'hour', new Date(HOUR), new Date(HOUR + HOUR_MS), now)).toHaveLength(1);
    // Its day too, once that was due: a report over whole days reads the day's rollup, not the hour's.
    const day = Date.parse('2026-11-22T00:00:00.000Z');
    const dayOver = new Date(day + DAY_MS + SEAL_GRACE_MS);
    expect(await store.listRollups('api', 'day', new Date(day), new Date(day + DAY_MS), dayOver)).toEqual([]);
    await resealHour(store, check, HOUR, dayOver, HOUR);
    expect(await store.listRollups('api', 'day', new Date(day), new Date(day + DAY_MS), dayOver)).toHaveLength(1);
  });
});
