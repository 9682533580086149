/**
 * The checks of one `vigil check` reach their targets one by one, about a millisecond apart. 30
 * starts paced 1 ms apart arrived over 24-29 ms here (the first requests of a process take longer to
 * arrive than the later ones); 30 started at once arrived within 2-6 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../lambdas/cli/check.js';
import { config } from '../support/checks.js';
import { type Running, startHttp } from '../support/servers.js';

const CHECKS = 30;
const MIN_SPAN_MS = 15;
let target: Running;
const arrivals: number[] = [];

beforeAll(async () => {
  target = await startHttp((_req, res) => {
    arrivals.push(performance.now());
    // Answers after every request has arrived, so no probe finishes while the others start.
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}'), 300);
  });
});
afterAll(() => target.close());

const fleet = () =>
  config({
    defaults: { interval: '5s', timeout: '2s' },
    checks: Array.from({ length: CHECKS }, (_, i) => ({ id: `c${i}`, type: 'http', url: `${target.url}/health?n=${i}` })),
  });

const spanOf = (times: readonly number[]) => Math.max(...times) - Math.min(...times);

describe('vigil check', () => {
  it('sends its checks to their targets about a millisecond apart', async () => {
    arrivals.length = 0;
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: () => {}, env: {}, signal: new AbortController().signal, fetch };
    const code = await checkCommand(fleet(), { json: true, only: [], dataDir: '/nonexistent', table: undefined }, io);
    expect(code).toBe(0);
    // The warm-up probes its own in-process target; these are the real checks' requests.
    expect(arrivals).toHaveLength(CHECKS);
    expect(spanOf(arrivals)).toBeGreaterThanOrEqual(MIN_SPAN_MS);
  });
});
