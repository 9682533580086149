/** What a target can do to a probe, each against a real loopback server: the kind, the message, the deadline. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/checks/run.js';
import { VERSION } from '../../lambdas/core/version.js';
import { selfSigned } from '../support/certs.js';
import { httpCheck, plainContext } from '../support/checks.js';
import { type Running, startHttp, startHttps, startTcp } from '../support/servers.js';

const zeros = Buffer.alloc(64 * 1024 * 1024);
const bombs = { gzip: gzipSync(zeros), br: brotliCompressSync(zeros), deflate: deflateSync(zeros) };

let main: Running;
let other: Running;
let slowHeaders: Running;
const requests: {
  url: string;
  method: string;
  authorization?: string;
  body: string;
  headers: IncomingMessage['headers'];
}[] = [];

const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  '/ok': (_req, res) => res.writeHead(200).end('{"status":"healthy"}'),
  '/redirect': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
  '/chain/1': (_req, res) => res.writeHead(301, { location: '/chain/2' }).end(),
  '/chain/2': (_req, res) => res.writeHead(307, { location: '/chain/3' }).end(),
  '/chain/3': (_req, res) => res.writeHead(308, { location: '/ok' }).end(),
  '/loop/a': (_req, res) => res.writeHead(302, { location: '/loop/b' }).end(),
  '/loop/b': (_req, res) => res.writeHead(302, { location: '/loop/a' }).end(),
  '/to-other': (_req, res) => res.writeHead(302, { location: `${other.url}/whoami` }).end(),
  '/see-other': (_req, res) => res.writeHead(303, { location: '/whoami' }).end(),
  '/whoami': (_req, res) => res.writeHead(200).end('ok'),
  '/to-ftp': (_req, res) => res.writeHead(302, { location: 'ftp://files.example.com/' }).end(),
  '/gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"status":"healthy"}')),
  '/br': (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync('{"status":"healthy"}')),
  // 64 MiB of zeros compress to about 64 KiB: a bomb for anything that counts only wire bytes.
  '/gzip-bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bombs.gzip),
  '/br-bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(bombs.br),
  '/deflate-bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'deflate' }).end(bombs.deflate),
  '/gzip-corrupt': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from('definitely not gzip')),
  '/endless': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(16 * 1024, 'y');
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) {}
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  },
  '/latin1': (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff])),
  '/empty': (_req, res) => res.writeHead(200).end(),
  '/rate-limited': (_req, res) => res.writeHead(429, { 'retry-after': '30' }).end(),
  '/boom': (_req, res) => res.writeHead(500).end('Internal Server Error'),
};

function record(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    requests.push({
      url: req.url ?? '',
      method: req.method ?? '',
      authorization: req.headers.authorization,
      body,
      headers: req.headers,
    });
    (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res, body);
  });
}

beforeAll(async () => {
  main = await startHttp(record);
  other = await startHttp(record);
  // Sends a valid status line, then one header byte every 100 ms: headers that never finish in time.
  slowHeaders = await startTcp((socket) => {
    socket.on('error', () => {});
    socket.write('HTTP/1.1 200 OK\r\n');
    const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write('X')), 100);
  });
});
afterAll(() => Promise.all([main.close(), other.close(), slowHeaders.close()]));

const probe = (path: string, fields: Record<string, unknown> = {}) =>
  runCheck(httpCheck({ url: `${main.url}${path}`, timeout: '2s', ...fields }), plainContext);

describe('redirects', () => {
  it('follows a redirect and reports the final status, with the total across hops', async () => {
    const result = await probe('/redirect', { expect: { bodyContains: 'healthy' } });
    expect(result).toMatchObject({ status: 'up', httpStatus: 200 });
    expect(result.timings.totalMs).toBeGreaterThanOrEqual((result.timings.connectMs ?? 0) + (result.timings.ttfbMs ?? 0));
  });

  it('follows a chain of 301, 307 and 308 up to maxRedirects', async () => {
    expect((await probe('/chain/1')).status).toBe('up');
    expect((await probe('/chain/1', { maxRedirects: 2 })).error).toEqual({
      kind: 'redirect_limit',
      message: `more than 2 redirects (next: ${main.url}/ok)`,
    });
  });

  it('names a redirect loop', async () => {
    expect((await probe('/loop/a')).error).toEqual({
      kind: 'redirect_limit',
      message: `redirect loop: ${main.url}/loop/a → ${main.url}/loop/b → ${main.url}/loop/a`,
    });
  });

  it('judges the redirect itself when following is off', async () => {
    expect((await probe('/redirect', { followRedirects: false })).error).toEqual({
      kind: 'http_status',
      message: 'expected status 2xx, got 302',
    });
    expect((await probe('/redirect', { followRedirects: false, expect: { status: ['3xx'] } })).status).toBe('up');
  });

  it('refuses another host when crossHostRedirects is off, and drops credentials when it is on', async () => {
    expect((await probe('/to-other', { crossHostRedirects: false })).error).toEqual({
      kind: 'redirect_limit',
      message: `redirect to another host (${other.url.replace('http://', '')}) is not allowed`,
    });
    requests.length = 0;
    const result = await probe('/to-other', { auth: { bearer: 'sekret' } });
    expect(result.status).toBe('up');
    expect(requests.map((r) => [r.url, r.authorization])).toEqual([
      ['/to-other', 'Bearer sekret'],
      ['/whoami', undefined],
    ]);
  });

  it('sends no configured header or credential to another origin', async () => {
    requests.length = 0;
    const headers = { 'X-Api-Key': 'key-1', cookie: 'session=2', 'proxy-authorization': 'Basic 3' };
    const result = await probe('/to-other', { headers, auth: { basic: { username: 'u', password: 'pw' } } });
    expect(result.status).toBe('up');
    const [first, second] = requests;
    expect(first?.headers).toMatchObject({ 'x-api-key': 'key-1', cookie: 'session=2', 'proxy-authorization': 'Basic 3' });
    expect(first?.authorization).toMatch(/^Basic /);
    expect(second?.url).toBe('/whoami');
    for (const name of ['x-api-key', 'cookie', 'proxy-authorization', 'authorization'])
      expect(second?.headers[name]).toBeUndefined();
    expect(second?.headers['user-agent']).toMatch(/^Vigil/);
  });

  it('sends the same default headers with and without configured ones', async () => {
    requests.length = 0;
    await probe('/ok');
    await probe('/ok', { headers: { 'x-api-key': 'key-1' } });
    const defaults = {
      'user-agent': `Vigil/${VERSION} (+synthetic monitoring)`,
      'accept-encoding': 'gzip, deflate, br',
      connection: 'keep-alive',
    };
    expect(requests.map((r) => r.headers)).toEqual([
      expect.objectContaining(defaults),
      expect.objectContaining({ ...defaults, 'x-api-key': 'key-1' }),
    ]);
    expect(requests[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('keeps configured headers on a redirect within the same origin', async () => {
    requests.length = 0;
    await probe('/redirect', { headers: { 'x-api-key': 'key-1' } });
    expect(requests.map((r) => r.headers['x-api-key'])).toEqual(['key-1', 'key-1']);
  });

  it('refuses to leave TLS: an https target redirecting to http is not followed', async () => {
    const secure = await startHttps(selfSigned({ hosts: ['127.0.0.1'] }), (_req, res) =>
      res.writeHead(302, { location: `${main.url}/whoami` }).end(),
    );
    try {
      requests.length = 0;
      const check = httpCheck({ url: `${secure.url}/`, tls: { insecureSkipVerify: true }, auth: { bearer: 'sekret' } });
      const result = await runCheck(check, plainContext);
      expect(result.error).toEqual({
        kind: 'redirect_limit',
        message: `redirect from https to http (${main.url.replace('http://', '')}) refused: it would leave TLS`,
      });
      expect(requests).toEqual([]);
    } finally {
      await secure.close();
    }
  });

  it('continues a POST as GET after 303', async () => {
    requests.length = 0;
    await probe('/see-other', { method: 'POST', body: 'payload' });
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/see-other', 'payload'],
      ['GET', '/whoami', ''],
    ]);
  });

  it('refuses a redirect to another scheme', async () => {
    expect((await probe('/to-ftp')).error).toEqual({ kind: 'protocol', message: 'redirect to unsupported scheme ftp:' });
  });
});

describe('regular expressions against hostile bodies', () => {
  it('cannot stall the probe: a pattern that backtracks catastrophically runs in linear time', async () => {
    const body = `${'a'.repeat(5_000)}!`;
    const target = await startHttp((_req, res) => res.writeHead(200).end(JSON.stringify({ name: body })));
    try {
      const result = await runCheck(
        httpCheck({
          url: `${target.url}/`,
          timeout: '2s',
          expect: { bodyMatches: '^(\\w+\\s?)*$', json: [{ path: '$.name', matches: '^(a+)+$' }] },
        }),
        plainContext,
      );
      expect(result.error?.kind).toBe('assertion');
      expect(result.error?.message).toMatch(/does not match|expected to match/);
      // With a backtracking engine this call would not return in the lifetime of the machine.
    } finally {
      await target.close();
    }
  });
});

describe('bodies', () => {
  it.each(['/gzip', '/br'])('decodes %s bodies', async (path) => {
    const result = await probe(path, { healthJson: true });
    expect(result).toMatchObject({ status: 'up', error: null });
  });

  it.each(['gzip', 'br', 'deflate'])('stops a %s bomb at the cap on decoded bytes', async (encoding) => {
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    const result = await probe(`/${encoding}-bomb`);
    expect(result.error).toEqual({ kind: 'body_too_large', message: `body exceeded the 1 MiB cap after ${encoding} decoding` });
    expect(performance.now() - started).toBeLessThan(2_000);
    // 64 MiB expanded would show; what is kept stays near the 1 MiB cap.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
  });

  it('reports a body that is not what its encoding says as protocol', async () => {
    expect((await probe('/gzip-corrupt')).error).toEqual({ kind: 'protocol', message: 'body is not valid gzip data' });
  });

  it('stops an endless chunked body at the cap', async () => {
    expect((await probe('/endless', { maxBodyBytes: 256 * 1024 })).error).toEqual({
      kind: 'body_too_large',
      message: 'body exceeded the 256 KiB cap',
    });
  });

  it('judges a non-UTF-8 body without crashing', async () => {
    expect((await probe('/latin1', { expect: { bodyContains: 'caf' } })).status).toBe('up');
    expect((await probe('/latin1', { expect: { json: [{ path: '$.a', exists: true }] } })).error).toEqual({
      kind: 'assertion',
      message: 'body is not valid JSON',
    });
  });

  it('says a 200 is empty when content was expected', async () => {
    expect((await probe('/empty', { expect: { bodyContains: 'healthy' } })).error).toEqual({
      kind: 'assertion',
      message: 'body is empty, expected it to contain "healthy"',
    });
  });
});

describe('statuses and slow servers', () => {
  it('reports 429 with its Retry-After, and 5xx, as http_status', async () => {
    expect((await probe('/rate-limited')).error).toEqual({
      kind: 'http_status',
      message: 'expected status 2xx, got 429 (Retry-After: 30)',
    });
    expect((await probe('/boom')).error).toEqual({ kind: 'http_status', message: 'expected status 2xx, got 500' });
  });

  it('reports a malformed status line as protocol', async () => {
    const malformed = await startTcp((socket) => socket.end('HTTP/1.1 abc OK\r\ncontent-length: 0\r\n\r\n'));
    try {
      const result = await runCheck(httpCheck({ url: `http://127.0.0.1:${malformed.port}/` }), plainContext);
      expect(result.error?.kind).toBe('protocol');
      expect(result.error?.message).toMatch(/^invalid HTTP response: /);
    } finally {
      await malformed.close();
    }
  });

  it('times out on headers dribbled a byte at a time, within the deadline', async () => {
    const started = performance.now();
    const result = await runCheck(httpCheck({ url: `http://127.0.0.1:${slowHeaders.port}/`, timeout: '600ms' }), plainContext);
    expect(result.error).toEqual({ kind: 'timeout', message: 'no response headers within 600 ms' });
    expect(performance.now() - started).toBeLessThan(600 + 500);
  });
});

describe('auth', () => {
  it('sends basic credentials from a secret', async () => {
    requests.length = 0;
    const context = { ...plainContext, resolveSecret: async (ref: unknown) => (typeof ref === 'string' ? ref : 'pa55') };
    await runCheck(
      httpCheck({ url: `${main.url}/whoami`, auth: { basic: { username: 'vigil', password: { secret: 'vigil/pw' } } } }),
      context,
    );
    expect(requests[0]?.authorization).toBe(`Basic ${Buffer.from('vigil:pa55').toString('base64')}`);
  });
});
