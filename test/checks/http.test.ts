import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/checks/run.js';
import { httpCheck, plainContext } from '../support/checks.js';
import { type Running, refusedPort, startHttp, startTcp } from '../support/servers.js';

let server: Running;
const seen: { method?: string; headers?: Record<string, unknown>; body?: string } = {};

beforeAll(async () => {
  server = await startHttp((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      switch (req.url) {
        case '/health':
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"status":"healthy","checks":{"db":{"status":"healthy"}}}');
          return;
        case '/echo':
          Object.assign(seen, { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() });
          res.writeHead(201).end('created');
          return;
        case '/503':
          res.writeHead(503).end('unavailable');
          return;
        case '/slow':
          setTimeout(() => res.writeHead(200).end('ok'), 300);
          return;
        case '/hang':
          return;
        case '/two-parts':
          res.writeHead(200);
          res.write('first,');
          setTimeout(() => res.end('second'), 150);
          return;
        case '/trickle':
          res.writeHead(200);
          res.write('a');
          return;
        case '/big-declared':
          res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).write('x');
          return;
        case '/big-streamed': {
          res.writeHead(200);
          const chunk = Buffer.alloc(64 * 1024, 'x');
          for (let i = 0; i < 40; i++) res.write(chunk);
          res.end();
          return;
        }
        case '/reset-mid-body':
          res.writeHead(200, { 'content-length': '1000' });
          res.write('partial');
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        case '/reset-before-headers':
          req.socket.destroy();
          return;
        case '/huge-headers':
          res.writeHead(200, { 'x-filler': 'y'.repeat(70 * 1024) }).end();
          return;
        default:
          res.writeHead(404).end();
      }
    });
  });
});

afterAll(() => server.close());

const probe = (path: string, fields: Record<string, unknown> = {}) =>
  runCheck(httpCheck({ url: `${server.url}${path}`, ...fields }), plainContext);

describe('http probe against a real loopback server', () => {
  it('reports a healthy endpoint up with timings from socket events', async () => {
    const result = await probe('/health', { healthJson: true, expect: { status: [200], bodyContains: 'healthy' } });
    expect(result).toMatchObject({ checkId: 'test-check', status: 'up', error: null, httpStatus: 200, detail: null });
    const { dnsMs, connectMs, tlsMs, ttfbMs, totalMs } = result.timings;
    expect(dnsMs).toBeNull(); // an IP literal needs no lookup
    expect(tlsMs).toBeNull(); // plain http
    expect(connectMs).toBeGreaterThanOrEqual(0);
    expect(ttfbMs).toBeGreaterThanOrEqual(0);
    expect(totalMs).toBeGreaterThanOrEqual((connectMs ?? 0) + (ttfbMs ?? 0) - 0.2);
    expect(Date.parse(result.startedAt)).toBeGreaterThan(Date.now() - 10_000);
  });

  it('times the transfer from the first response byte to the last', async () => {
    const result = await probe('/two-parts', { expect: { bodyContains: 'first,second' } });
    expect(result.status).toBe('up');
    expect(result.timings.transferMs).toBeGreaterThanOrEqual(140);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual((result.timings.ttfbMs ?? 0) + (result.timings.transferMs ?? 0));
  });

  it('times the DNS phase for a host name', async () => {
    const result = await runCheck(httpCheck({ url: `http://localhost:${server.port}/health` }), plainContext);
    expect(result.status).toBe('up');
    expect(result.timings.dnsMs).toBeTypeOf('number');
  });

  it('times the target, not the secret lookups made before the request', async () => {
    const slowSecrets = { ...plainContext, resolveSecret: (ref: unknown) => sleep(300).then(() => String(ref)) };
    const result = await runCheck(httpCheck({ url: `${server.url}/health`, headers: { 'x-token': 'abc' } }), slowSecrets);
    expect(result.status).toBe('up');
    expect(result.timings.totalMs).toBeLessThan(150);
    // The deadline still covers the whole check, lookups included.
    const late = await runCheck(
      httpCheck({ url: `${server.url}/slow`, headers: { 'x-token': 'abc' }, timeout: '400ms' }),
      slowSecrets,
    );
    expect(late.error).toEqual({ kind: 'timeout', message: 'no response headers within 400 ms' });
  });

  it('ends at the last body byte when the server frames the body, not when it closes the connection', async () => {
    // Like many servers: a body of unknown length is chunked for a keep-alive request, and delimited
    // by closing the connection (here after a linger) for a request that asks for close.
    const lingering = await startTcp((socket) => {
      socket.once('data', (request: Buffer) => {
        if (/^connection: keep-alive\r$/im.test(request.toString())) {
          socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n');
          return;
        }
        socket.write('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nok');
        setTimeout(() => socket.end(), 300);
      });
    });
    try {
      const result = await runCheck(
        httpCheck({ url: `http://127.0.0.1:${lingering.port}/`, expect: { bodyContains: 'ok' } }),
        plainContext,
      );
      expect(result.status).toBe('up');
      expect(result.timings.totalMs).toBeLessThan(150);
    } finally {
      await lingering.close();
    }
  });

  it('sends the method, headers and body it is given', async () => {
    const result = await probe('/echo', {
      method: 'POST',
      headers: { 'x-probe': 'vigil' },
      body: '{"ping":1}',
      expect: { status: [201] },
    });
    expect(result.status).toBe('up');
    expect(seen).toMatchObject({ method: 'POST', body: '{"ping":1}', headers: { 'x-probe': 'vigil', 'content-length': '10' } });
  });

  it.each([
    ['/503', {}, 'http_status', 'expected status 2xx, got 503'],
    ['/health', { expect: { bodyContains: 'sunshine' } }, 'assertion', 'body does not contain "sunshine"'],
    ['/big-declared', {}, 'body_too_large', 'declared body of 10485760 bytes exceeds the 1 MiB cap'],
    ['/big-streamed', {}, 'body_too_large', 'body exceeded the 1 MiB cap'],
    ['/reset-mid-body', {}, 'reset', 'connection dropped while reading the body after 7 bytes'],
    ['/reset-before-headers', {}, 'reset', 'connection dropped before the response headers'],
  ])('%s %j → %s', async (path, fields, kind, message) => {
    const result = await probe(path, fields);
    expect(result.status).toBe('down');
    expect(result.error).toEqual({ kind, message });
  });

  it('rejects oversized response headers as a protocol error', async () => {
    const result = await probe('/huge-headers');
    expect(result.error?.kind).toBe('protocol');
    expect(result.error?.message).toMatch(/invalid HTTP response/);
  });

  it.each([
    ['/hang', 'no response headers within 400 ms'],
    ['/trickle', 'response body not complete within 400 ms'],
  ])('ends %s at the deadline with a timeout', async (path, message) => {
    const started = performance.now();
    const result = await probe(path, { timeout: '400ms' });
    const elapsed = performance.now() - started;
    expect(result.error).toEqual({ kind: 'timeout', message });
    expect(elapsed).toBeGreaterThanOrEqual(395);
    expect(elapsed).toBeLessThan(400 + 500);
  });

  it('counts a slow answer down when over maxResponseTimeMs, degraded when over degradedResponseTimeMs', async () => {
    const down = await probe('/slow', { expect: { maxResponseTimeMs: 200 } });
    expect(down.error?.kind).toBe('assertion');
    expect(down.error?.message).toMatch(/^response time 3\d\d ms exceeded 200 ms$/);
    const degraded = await probe('/slow', { expect: { maxResponseTimeMs: 2000, degradedResponseTimeMs: 100 } });
    expect(degraded.status).toBe('degraded');
    expect(degraded.detail).toMatch(/^response time 3\d\d ms above 100 ms$/);
  });

  it('reports a refused port as connect_refused', async () => {
    const port = await refusedPort();
    const result = await runCheck(httpCheck({ url: `http://127.0.0.1:${port}/` }), plainContext);
    expect(result.error).toEqual({ kind: 'connect_refused', message: 'connection refused by 127.0.0.1' });
  });

  it('reports an unresolvable name as dns', async () => {
    const result = await runCheck(httpCheck({ url: 'http://no-such-host.invalid/' }), plainContext);
    expect(result.error?.kind).toBe('dns');
    expect(result.error?.message).toMatch(/^cannot resolve no-such-host\.invalid/);
  });

  it('reports a server answering garbage as protocol', async () => {
    const garbage = await startTcp((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    try {
      const result = await runCheck(httpCheck({ url: `http://127.0.0.1:${garbage.port}/` }), plainContext);
      expect(result.error?.kind).toBe('protocol');
    } finally {
      await garbage.close();
    }
  });

  it('resolves header secrets through the context and reports a missing one as internal', async () => {
    const context = {
      now: () => new Date(),
      resolveSecret: async (ref: unknown) => {
        if (typeof ref === 'object' && ref && 'env' in ref) throw new Error('environment variable TOKEN is not set');
        return String(ref);
      },
    };
    const result = await runCheck(
      httpCheck({ url: `${server.url}/echo`, headers: { authorization: { env: 'TOKEN' } } }),
      context,
    );
    expect(result.error).toEqual({ kind: 'internal', message: 'environment variable TOKEN is not set' });
  });
});
