import { describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/checks/run.js';
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

describe('tcp banner', () => {
  it('sends what it is told and finds the expected banner', async () => {
    let got = '';
    const server = await startTcp((socket) => {
      socket.on('data', (data) => {
        got += data.toString();
        socket.write('+PONG\r\n');
      });
    });
    try {
      const result = await runCheck(
        tcpCheck({ host: '127.0.0.1', port: server.port, send: 'PING\r\n', expectBanner: '+PONG' }),
        plainContext,
      );
      expect(result).toMatchObject({ status: 'up', error: null });
      expect(result.timings.ttfbMs).toBeGreaterThanOrEqual(0);
      expect(got).toBe('PING\r\n');
    } finally {
      await server.close();
    }
  });

  it('finds a banner dribbled a byte at a time, split across reads, without waiting for the deadline', async () => {
    const text = `${'noise '.repeat(300)}SSH-2.0-OpenSSH_9.6\r\n`;
    const server = await startTcp((socket) => {
      socket.setNoDelay(true);
      let i = 0;
      const next = () => {
        if (socket.destroyed || i >= text.length) return;
        socket.write(text[i++] ?? '');
        setImmediate(next);
      };
      next();
    });
    try {
      const result = await runCheck(
        tcpCheck({ host: '127.0.0.1', port: server.port, expectBanner: 'SSH-2.0', timeout: '5s' }),
        plainContext,
      );
      expect(result).toMatchObject({ status: 'up', error: null });
    } finally {
      await server.close();
    }
  });

  it('fails with what arrived when the banner is wrong, and with nothing when silent until the deadline', async () => {
    const wrong = await startTcp((socket) => socket.end('220 smtp ready\r\n'));
    const silent = await startTcp(() => {});
    try {
      const mismatch = await runCheck(tcpCheck({ host: '127.0.0.1', port: wrong.port, expectBanner: 'SSH-2.0' }), plainContext);
      expect(mismatch.error).toEqual({
        kind: 'assertion',
        message: 'banner does not contain "SSH-2.0" (got "220 smtp ready\\r\\n")',
      });
      const started = performance.now();
      const quiet = await runCheck(
        tcpCheck({ host: '127.0.0.1', port: silent.port, expectBanner: 'SSH-2.0', timeout: '300ms' }),
        plainContext,
      );
      expect(quiet.error).toEqual({ kind: 'assertion', message: 'banner does not contain "SSH-2.0" (got nothing)' });
      expect(performance.now() - started).toBeLessThan(300 + 500);
    } finally {
      await Promise.all([wrong.close(), silent.close()]);
    }
  });
});
