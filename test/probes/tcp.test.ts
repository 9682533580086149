import { describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/probes/index.js';
import { plainContext, tcpCheck } from '../support/checks.js';
import { refusedPort, startTcp } from '../support/servers.js';

describe('tcp probe', () => {
  it('is up when the port accepts, with connect timing and no http fields', async () => {
    const server = await startTcp((socket) => socket.end());
    try {
      const result = await runCheck(tcpCheck({ host: '127.0.0.1', port: server.port }), plainContext);
      expect(result).toMatchObject({ status: 'up', error: null, httpStatus: null });
      expect(result.timings).toMatchObject({ dnsMs: null, tlsMs: null, ttfbMs: null });
      expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
    } finally {
      await server.close();
    }
  });

  it('times DNS for a host name', async () => {
    const server = await startTcp((socket) => socket.end());
    try {
      const result = await runCheck(tcpCheck({ host: 'localhost', port: server.port }), plainContext);
      expect(result.status).toBe('up');
      expect(result.timings.dnsMs).toBeTypeOf('number');
    } finally {
      await server.close();
    }
  });

  it('is down with connect_refused on a closed port', async () => {
    const port = await refusedPort();
    const result = await runCheck(tcpCheck({ host: '127.0.0.1', port }), plainContext);
    expect(result.error).toEqual({ kind: 'connect_refused', message: 'connection refused by 127.0.0.1' });
  });

  it('is down with dns on an unresolvable name', async () => {
    const result = await runCheck(tcpCheck({ host: 'db.invalid', port: 5432 }), plainContext);
    expect(result.error?.kind).toBe('dns');
  });
});
