import { describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../../lambdas/adapters/local/embedded-dynamodb.js';
import { bundledConfig } from '../../lambdas/bundled-config.js';
import type { ResultStore } from '../../lambdas/core/ports.js';
import { createProbeApp } from '../../lambdas/probe/app.js';
import { recordingLog } from '../support/log.js';
import { startHttp } from '../support/servers.js';

describe('probe Lambda app', () => {
  it('runs the named checks the number of times the schedule says, interval apart, against real targets', async () => {
    const target = await startHttp((_req, res) => res.writeHead(200).end('ok'));
    const db = await startEmbeddedDynamoDB();
    try {
      const config = bundledConfig(
        JSON.stringify({
          checks: [
            { id: 'api', type: 'http', url: `${target.url}/`, interval: '20s' },
            { id: 'other', type: 'http', url: `${target.url}/`, interval: '5m' },
          ],
        }),
      );
      let now = Date.parse('2026-11-22T10:00:00.000Z');
      const sleeps: number[] = [];
      const requested: string[][] = [];
      const log = recordingLog();
      const store: ResultStore = new DynamoResultStore(db.client, { tableName: db.tableName });
      const app = createProbeApp({
        config,
        store,
        metrics: { put: async () => {}, putRun: async () => {} },
        dispatch: { request: async (ids) => void requested.push([...ids]) },
        log,
        alertContext: { stackName: 'prod', dashboardUrl: null },
        secretResolver: () => async (ref) => String(ref),
        now: () => new Date(now),
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
        monotonicMs: () => now,
      });
      const reports = await app({ checkIds: ['api', 'missing'], runs: 3, intervalMs: 20_000 }, 'req-1');
      expect(reports.map((r) => r.batchId)).toEqual(['req-1#0', 'req-1#1', 'req-1#2']);
      expect(reports.map((r) => r.results.map((x) => [x.checkId, x.status]))).toEqual([
        [['api', 'up']],
        [['api', 'up']],
        [['api', 'up']],
      ]);
      // Each run pauses after its reads (a second on a sandbox's first, 250 ms later), and the next
      // starts 20 s after the one before.
      expect(sleeps).toEqual([1_000, 19_000, 250, 19_750, 250]);
      expect(requested).toEqual([]); // up from the start: nothing for the dispatcher
      expect((await store.getState('api'))?.confirmed).toBe('up');
      expect(await store.getState('other')).toBeNull();
      expect(log.lines.filter((l) => l.level === 'warn')).toEqual([
        {
          level: 'warn',
          message: 'schedule names checks the bundled config does not have',
          attributes: { missing: ['missing'] },
        },
      ]);
      const resultLines = log.lines.filter((l) => l.message === 'check result');
      // The timing phases go with each result: the dashboard's phases widget reads them from the logs.
      expect(resultLines[0]?.attributes).toEqual({
        cycleId: 'req-1#0',
        checkId: 'api',
        status: 'up',
        error: null,
        timings: reports[0]?.results[0]?.timings,
        loopLagMs: reports[0]?.results[0]?.loopLagMs,
      });
      expect(resultLines[0]?.attributes.loopLagMs).toEqual(expect.any(Number));
      expect(resultLines[0]?.attributes.timings).toMatchObject({ dnsMs: null, tlsMs: null, connectMs: expect.any(Number) });
    } finally {
      await db.close();
      await target.close();
    }
  });

  it('spreads a run’s starts over the schedule’s window, and warms up once per sandbox', async () => {
    const target = await startHttp((_req, res) => res.writeHead(200).end('ok'));
    const db = await startEmbeddedDynamoDB();
    try {
      const ids = ['a', 'b', 'c', 'd'];
      const config = bundledConfig(
        JSON.stringify({ checks: ids.map((id) => ({ id, type: 'http', url: `${target.url}/${id}`, interval: '1m' })) }),
      );
      let clock = 0;
      const timers: { wake: number; resolve: () => void }[] = [];
      const starts = new Map<string, number>();
      const warmUps: string[][] = [];
      const app = createProbeApp({
        config,
        store: new DynamoResultStore(db.client, { tableName: db.tableName }),
        metrics: { put: async () => {}, putRun: async () => {} },
        dispatch: { request: async () => {} },
        log: recordingLog(),
        alertContext: { stackName: 'prod', dashboardUrl: null },
        secretResolver: () => async (ref) => String(ref),
        now: () => new Date(Date.parse('2026-11-22T10:00:00.000Z') + clock),
        // Sleeps end in the order they are due, one per turn of the event loop, each moving the clock.
        sleep: (ms) =>
          new Promise<void>((resolve) => {
            timers.push({ wake: clock + ms, resolve });
            setImmediate(() => {
              timers.sort((x, y) => x.wake - y.wake);
              const next = timers.shift();
              if (!next) return;
              clock = Math.max(clock, next.wake);
              next.resolve();
            });
          }),
        monotonicMs: () => clock,
        warmUp: async (checks) => void warmUps.push(checks.map((c) => c.id)),
      });
      const event = { checkIds: ids, runs: 1, intervalMs: 60_000, spreadMs: 4_000 };
      const [report] = await app(event, 'req-1');
      for (const result of report?.results ?? []) starts.set(result.checkId, Date.parse(result.startedAt));
      const offsets = [...starts.values()].map((at) => at - Date.parse('2026-11-22T10:00:00.000Z')).sort((x, y) => x - y);
      // After the first cycle's pause of a second, one start every 4000 / 4 ms.
      expect(offsets).toEqual([1_000, 2_000, 3_000, 4_000]);
      await app(event, 'req-2');
      expect(warmUps).toEqual([ids]);
    } finally {
      await db.close();
      await target.close();
    }
  });

  it('refuses to start without a bundled config, and validates the one it has', () => {
    expect(() => bundledConfig(undefined)).toThrow('vigil-config.json is not beside the bundle: deploy through the Vigil stack');
    expect(() => bundledConfig('{"checks":[{"id":"x","type":"tcp","host":"h","port":0}]}')).toThrow('checks[0].port');
  });
});

describe('a location’s probe', () => {
  it('says its location is up only while every check it probed was decided at home', async () => {
    const target = await startHttp((_req, res) => res.writeHead(200).end('ok'));
    const db = await startEmbeddedDynamoDB();
    try {
      const config = bundledConfig(
        JSON.stringify({
          locations: [
            { name: 'eu', region: 'eu-west-1' },
            { name: 'us', region: 'us-east-1' },
          ],
          checks: [{ id: 'api', type: 'http', url: `${target.url}/`, interval: '1m' }],
        }),
      );
      const store = new DynamoResultStore(db.client, { tableName: db.tableName });
      let homeAnswers = true;
      const told: [string, boolean][] = [];
      const app = createProbeApp({
        config,
        // The home table refuses state writes while home is unreachable; results, too.
        store: Object.assign(Object.create(store), {
          putState: (s: never) => (homeAnswers ? store.putState(s) : Promise.reject(new Error('ETIMEDOUT'))),
          putResults: (r: never) => (homeAnswers ? store.putResults(r) : Promise.reject(new Error('ETIMEDOUT'))),
        }),
        metrics: { put: async () => {}, putRun: async () => {}, putLocation: async (l, up) => void told.push([l, up]) },
        dispatch: { request: async () => {} },
        log: recordingLog(),
        alertContext: { stackName: 'prod', dashboardUrl: null },
        secretResolver: () => async (ref) => String(ref),
        now: () => new Date(),
        sleep: async () => {},
        monotonicMs: () => performance.now(),
        location: 'eu',
      });
      await app({ checkIds: ['api'] }, 'req-1');
      homeAnswers = false;
      await app({ checkIds: ['api'] }, 'req-2');
      expect(told).toEqual([
        ['eu', true],
        ['eu', false],
      ]);
    } finally {
      await db.close();
      await target.close();
    }
  });
});
