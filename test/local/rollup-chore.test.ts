/**
 * Results kept through a store outage longer than the sealing grace reach the store after their hour was
 * sealed: the monitor's rollup chore seals that hour again, so reports read from rollups count them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import type { Check } from '../../lambdas/config/parse.js';
import { DAY_MS, HOUR_MS } from '../../lambdas/core/duration.js';
import { resealHours, SEAL_GRACE_MS, sealedHourOf } from '../../lambdas/core/pipeline/rollups.js';
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

/**
 * A monitor from 10:40 whose store takes no results from 10:56 to 11:25 (the results' writes fail; sealing
 * reads and writes rollups all along, as it could between two failures of a store that answers again):
 * 10:00 is sealed at about 11:16 from what was stored up to 10:55.
 */
async function outageOverASeal() {
  const store = new DynamoResultStore(db.client, { tableName: db.tableName });
  let down = false;
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
  const hourRuns = async () =>
    (await store.listRollups('api', 'hour', new Date(HOUR), new Date(HOUR + HOUR_MS), clock.now()))[0]?.runs;
  await runFor(runner, clock, 15 * MINUTE);
  down = true;
  await runFor(runner, clock, 30 * MINUTE);
  expect(await hourRuns()).toBe(16);
  expect(held.size).toBe(30);
  down = false;
  // Drained on the next start of due work: 30 results, four of them 10:00's.
  await runFor(runner, clock, 1_000);
  expect(held.size).toBe(0);
  expect(await store.listResultsBetween('api', new Date(HOUR), new Date(HOUR + HOUR_MS), clock.now())).toHaveLength(20);
  return { runner, clock, log, sealing, hourRuns };
}

describe('results stored after their hour was sealed', () => {
  it('seal that hour again once they stop coming, so the rollup counts every result the hour has', async () => {
    const { runner, clock, log, hourRuns } = await outageOverASeal();
    await runFor(runner, clock, 20_000);
    expect(await hourRuns()).toBe(16);
    await runFor(runner, clock, 20_000);
    expect(await hourRuns()).toBe(20);
    expect(log.lines.filter((l) => l.message === 'rolled up hours again for results stored late')).toEqual([
      expect.objectContaining({ attributes: { checkId: 'api', hours: ['2026-11-22T10:00:00.000Z'] } }),
    ]);
    await runner.idle();
  });

  it('seal that hour again when the monitor stops first: a restart would not know of them', async () => {
    const { runner, sealing, hourRuns } = await outageOverASeal();
    await runner.idle();
    await sealing.flush();
    expect(await hourRuns()).toBe(20);
  });

  it('are late once their hour was due to be sealed; an hour whose results were pruned since keeps its rollup; a day due is sealed again', async () => {
    const sealedAt = HOUR + HOUR_MS + SEAL_GRACE_MS;
    expect(sealedHourOf('2026-11-22T10:59:59.000Z', new Date(sealedAt - 1))).toBeNull();
    expect(sealedHourOf('2026-11-22T10:59:59.000Z', new Date(sealedAt))).toBe(HOUR);
    expect(sealedHourOf('not a time', new Date(sealedAt))).toBeNull();

    const store = new DynamoResultStore(db.client, { tableName: db.tableName });
    const check = config({ checks: [{ id: 'api', type: 'tcp', host: '127.0.0.1', port: 1 }] }).checks[0] as Check;
    const at = (minute: number) => ({
      ...failingResult,
      checkId: 'api',
      startedAt: new Date(HOUR + minute * MINUTE).toISOString(),
    });
    const hourRuns = async (now: Date) =>
      (await store.listRollups('api', 'hour', new Date(HOUR), new Date(HOUR + HOUR_MS), now)).map((r) => r.runs);
    const now = new Date(sealedAt);
    await store.putResults([at(1), at(2), at(3)]);
    expect(await resealHours(store, check, [HOUR], now)).toEqual({ resealed: [HOUR], kept: [] });
    expect(await hourRuns(now)).toEqual([3]);
    // Pruned, then one stored late: a rollup of one would replace one of three.
    await store.pruneResults('api', new Date(HOUR + 30 * MINUTE));
    await store.putResults([at(40)]);
    expect(await resealHours(store, check, [HOUR], now)).toEqual({ resealed: [], kept: [HOUR] });
    expect(await hourRuns(now)).toEqual([3]);
    // A day over by its grace: sealed again once, from its hours, with the hour resealed in it.
    await store.putResults([at(1), at(2), at(3), at(41)]);
    const day = Date.parse('2026-11-22T00:00:00.000Z');
    const dayOver = new Date(day + DAY_MS + SEAL_GRACE_MS);
    expect(await resealHours(store, check, [HOUR, HOUR], dayOver)).toEqual({ resealed: [HOUR], kept: [] });
    const [sealedDay] = await store.listRollups('api', 'day', new Date(day), new Date(day + DAY_MS), dayOver);
    expect(sealedDay?.runs).toBe(5);
  });
});
