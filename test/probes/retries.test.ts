import { describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/probes/index.js';
import { httpCheck, plainContext } from '../support/checks.js';
import { startHttp } from '../support/servers.js';

describe('retries', () => {
  it('re-probes a failure after retryDelay and counts the first success', async () => {
    let calls = 0;
    const server = await startHttp((_req, res) => res.writeHead(++calls < 3 ? 503 : 200).end());
    const sleeps: number[] = [];
    const sleep = async (ms: number) => void sleeps.push(ms);
    try {
      const result = await runCheck(httpCheck({ url: `${server.url}/`, retries: 3, retryDelay: '250ms' }), plainContext, {
        sleep,
      });
      expect(result.status).toBe('up');
      expect(calls).toBe(3);
      expect(sleeps).toEqual([250, 250]);
    } finally {
      await server.close();
    }
  });

  it('gives the last failure when every retry fails, and does not retry a success', async () => {
    let calls = 0;
    const server = await startHttp((_req, res) => res.writeHead(++calls === 1 ? 200 : 503).end());
    try {
      const sleep = async () => {};
      expect((await runCheck(httpCheck({ url: `${server.url}/`, retries: 2 }), plainContext, { sleep })).status).toBe('up');
      expect(calls).toBe(1);
      const failing = await runCheck(httpCheck({ url: `${server.url}/`, retries: 2 }), plainContext, { sleep });
      expect(failing.error).toEqual({ kind: 'http_status', message: 'expected status 2xx, got 503' });
      expect(calls).toBe(4);
    } finally {
      await server.close();
    }
  });
});
