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
        metrics: { put: async () => {} },
        dispatch: { request: async (ids) => void requested.push([...ids]) },
        log,
        alertContext: { stackName: 'prod', dashboardUrl: null },
        secretResolver: () => async (ref) => String(ref),
        now: () => new Date(now),
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
      });
      const reports = await app({ checkIds: ['api', 'missing'], runs: 3, intervalMs: 20_000 }, 'req-1');
      expect(reports.map((r) => r.batchId)).toEqual(['req-1#0', 'req-1#1', 'req-1#2']);
      expect(reports.map((r) => r.results.map((x) => [x.checkId, x.status]))).toEqual([
        [['api', 'up']],
        [['api', 'up']],
        [['api', 'up']],
      ]);
      expect(sleeps).toEqual([20_000, 20_000]);
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
      });
      expect(resultLines[0]?.attributes.timings).toMatchObject({ dnsMs: null, tlsMs: null, connectMs: expect.any(Number) });
    } finally {
      await db.close();
      await target.close();
    }
  });

  it('refuses to start without a bundled config, and validates the one it has', () => {
    expect(() => bundledConfig(undefined)).toThrow('VIGIL_CONFIG is not bundled: deploy through the Vigil stack');
    expect(() => bundledConfig('{"checks":[{"id":"x","type":"tcp","host":"h","port":0}]}')).toThrow('checks[0].port');
  });
});
