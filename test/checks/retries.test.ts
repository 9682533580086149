import { describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/checks/run.js';
import { httpCheck, plainContext } from '../support/checks.js';
import { recordingLog } from '../support/log.js';
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

describe('internal errors', () => {
  it('become an internal result, logged with a stack, instead of escaping the engine', async () => {
    const log = recordingLog();
    let calls = 0;
    const context = {
      ...plainContext,
      now: () => {
        if (++calls === 2) throw new TypeError('clock exploded');
        return new Date();
      },
    };
    const result = await runCheck(httpCheck({ url: 'http://127.0.0.1:1/' }), context, { log });
    expect(result).toMatchObject({
      checkId: 'test-check',
      status: 'down',
      error: { kind: 'internal', message: 'internal error: clock exploded' },
    });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: 'error',
      message: 'probe failed with an internal error',
      attributes: { checkId: 'test-check' },
    });
    expect(String(log.lines[0]?.attributes.stack)).toMatch(/TypeError: clock exploded\n\s+at /);
  });
});
