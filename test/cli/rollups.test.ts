/**
 * Rollups through the real path: `vigil monitor` (probes, ingest, dynalite) on simulated time seals each
 * hour after its grace from what ingest stored, and `vigil report` from those rollups says what it says
 * from every result.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DynamoResultStore } from '../../lambdas/adapters/dynamodb.js';
import { reportCommand } from '../../lambdas/cli/report.js';
import { HOUR_MS } from '../../lambdas/core/duration.js';
import { SEAL_GRACE_MS } from '../../lambdas/core/pipeline/rollups.js';
import { rollupOf } from '../../lambdas/core/rollup.js';
import { config } from '../support/checks.js';
import { startHttp } from '../support/servers.js';
import { type SimMonitor, simMonitor } from '../support/sim-monitor.js';

const MINUTE = 60_000;
let sim: SimMonitor | undefined;
let target: Awaited<ReturnType<typeof startHttp>> | undefined;
afterEach(async () => {
  await sim?.close();
  await target?.close();
});

const io = (out: string[]) => ({
  stdout: (t: string) => out.push(t),
  stderr: () => {},
  env: {},
  signal: new AbortController().signal,
  fetch: globalThis.fetch,
});

describe('rollups as results arrive', () => {
  it('seals each hour from what ingest stored, and the report reads them as it reads every result', async () => {
    let request = 0;
    const server = await startHttp((_req, res) => {
      request++;
      res.writeHead(request % 9 === 0 ? 503 : 200).end('ok');
    });
    target = server;
    const cfg = config({
      defaults: { interval: '30s', timeout: '2s', failureThreshold: 2 },
      checks: [
        {
          id: 'shop',
          type: 'http',
          url: `${server.url}/`,
          objectives: [{ availability: 99 }, { latency: { percent: 90, under: '5s' } }],
        },
      ],
    });
    sim = await simMonitor(cfg);
    const started = sim.clock.now().getTime();
    const firstHour = Math.ceil(started / HOUR_MS) * HOUR_MS;
    // Past the end of the first whole hour and its grace, and a pass of the sealing chore.
    await sim.run(firstHour + HOUR_MS + SEAL_GRACE_MS + 6 * MINUTE - started);
    const store = sim.monitor.store as DynamoResultStore;
    const now = sim.clock.now();
    const sealed = await store.listRollups('shop', 'hour', new Date(firstHour - HOUR_MS), new Date(firstHour + HOUR_MS), now);
    expect(sealed.map((r) => new Date(r.from).toISOString())).toEqual([
      new Date(firstHour - HOUR_MS).toISOString(),
      new Date(firstHour).toISOString(),
    ]);
    const stored = await store.listResultsBetween('shop', new Date(firstHour), new Date(firstHour + HOUR_MS), now);
    expect(stored.length).toBeGreaterThanOrEqual(118);
    const whole = sealed[1];
    expect(whole).toMatchObject({ runs: stored.length, down: stored.filter((r) => r.status === 'down').length });
    expect(whole?.latency.values).toBeUndefined();
    const fromResults = rollupOf(stored, { from: firstHour, to: firstHour + HOUR_MS }, 30_000, [5000]);
    expect({ ...whole, latency: null }).toEqual({ ...fromResults, latency: null });
    // The report from rollups, and from every result, on the folder the monitor is writing.
    const read = async (everyResult: boolean) => {
      const out: string[] = [];
      const options = {
        period: '24h',
        format: 'json' as const,
        htmlFile: undefined,
        dataDir: sim?.dataDir as string,
        table: undefined,
        everyResult,
      };
      await reportCommand(cfg, options, io(out), now);
      return JSON.parse(out.join('\n')).checks[0];
    };
    const [rolled, exact] = [await read(false), await read(true)];
    expect({ ...rolled, latencyMs: null }).toEqual({ ...exact, latencyMs: null });
    expect(rolled.runs).toBeGreaterThan(150);
    for (const p of ['p50', 'p95', 'p99'])
      expect(Math.abs(rolled.latencyMs[p] - exact.latencyMs[p])).toBeLessThanOrEqual(exact.latencyMs[p] * 0.01 + 0.05);
  }, 120_000);
});
