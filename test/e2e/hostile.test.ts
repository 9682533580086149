/** `vigil check --json` over a config full of misbehaving targets: every kind right, every result in time. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCa } from '../support/certs.js';
import { vigil } from '../support/cli.js';
import { startDnsServer } from '../support/dns-server.js';
import { type Running, refusedPort, startHttp, startHttps, startTcp } from '../support/servers.js';

const running: { close: () => Promise<void> }[] = [];
let configPath: string;

beforeAll(async () => {
  const ca = new TestCa();
  const web = await startHttp((req, res) => {
    if (req.url === '/ok') res.writeHead(200).end('{"status":"healthy"}');
    else if (req.url === '/503') res.writeHead(503).end();
    else if (req.url === '/hang') return;
    else if (req.url === '/bomb')
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(32 * 1024 * 1024)));
    else if (req.url === '/loop') res.writeHead(302, { location: '/loop2' }).end();
    else if (req.url === '/loop2') res.writeHead(302, { location: '/loop' }).end();
    else if (req.url === '/unhealthy') res.writeHead(200).end('{"status":"unhealthy","checks":{"db":"unhealthy"}}');
    else if (req.url === '/reset') req.socket.destroy();
  });
  const garbage = await startTcp((socket) => socket.end('\x00\x01\x02 not http at all\r\n\r\n'));
  const expired = await startHttps(ca.issue({ notBefore: new Date('2020-01-01Z'), notAfter: new Date('2020-02-01Z') }), (_q, r) =>
    r.end(),
  );
  const dns = await startDnsServer({ records: { 'api.test A': [{ type: 'A', name: 'api.test', ttl: 60, data: '10.0.0.5' }] } });
  running.push(web, garbage, expired, dns);
  const refused = await refusedPort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hostile-'));
  writeFileSync(join(dir, 'ca.pem'), ca.pem);
  const url = (server: Running, path: string) => `${server.url}${path}`;
  configPath = join(dir, 'vigil.yaml');
  writeFileSync(
    configPath,
    `
defaults: { timeout: 1s }
checks:
  - { id: ok, type: http, url: "${url(web, '/ok')}", healthJson: true }
  - { id: status-503, type: http, url: "${url(web, '/503')}" }
  - { id: hang, type: http, url: "${url(web, '/hang')}" }
  - { id: bomb, type: http, url: "${url(web, '/bomb')}" }
  - { id: loop, type: http, url: "${url(web, '/loop')}" }
  - { id: unhealthy, type: http, url: "${url(web, '/unhealthy')}", healthJson: true }
  - { id: reset, type: http, url: "${url(web, '/reset')}" }
  - { id: garbage, type: http, url: "http://127.0.0.1:${(garbage as Running).port}/" }
  - { id: refused, type: http, url: "http://127.0.0.1:${refused}/" }
  - { id: no-such-host, type: http, url: "http://no-such-host.invalid/" }
  - { id: expired-cert, type: http, url: "https://localhost:${(expired as Running).port}/", tls: { caFile: ca.pem } }
  - { id: expired-tls, type: tls, host: localhost, port: ${(expired as Running).port}, caFile: ca.pem }
  - { id: dns-ok, type: dns, name: api.test, resolver: "${dns.address}", expect: { answers: [10.0.0.5] } }
  - { id: dns-nx, type: dns, name: gone.test, resolver: "${dns.address}" }
  - { id: tcp-refused, type: tcp, host: 127.0.0.1, port: ${refused} }
`,
  );
});
afterAll(() => Promise.all(running.map((s) => s.close())));

describe('vigil check --json on hostile targets', () => {
  it('gives each its error kind and keeps the rest of the batch healthy', async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await vigil(['check', '--config', configPath, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      results: { checkId: string; status: string; error: { kind: string } | null; timings: { totalMs: number } }[];
    };
    const kinds = Object.fromEntries(report.results.map((r) => [r.checkId, r.error?.kind ?? r.status]));
    expect(kinds).toEqual({
      ok: 'up',
      'status-503': 'http_status',
      hang: 'timeout',
      bomb: 'body_too_large',
      loop: 'redirect_limit',
      unhealthy: 'unhealthy',
      reset: 'reset',
      garbage: 'protocol',
      refused: 'connect_refused',
      'no-such-host': 'dns',
      'expired-cert': 'cert_expired',
      'expired-tls': 'cert_expired',
      'dns-ok': 'up',
      'dns-nx': 'assertion',
      'tcp-refused': 'connect_refused',
    });
    // Every result within its 1 s timeout plus 0.5 s, and the batch ran them side by side.
    for (const result of report.results) expect(result.timings.totalMs).toBeLessThan(1_500);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
