import type { RequestListener } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/checks/run.js';
import { selfSigned, TestCa } from '../support/certs.js';
import { type Check, config, httpCheck, plainContext } from '../support/checks.js';
import { type Running, startHttps } from '../support/servers.js';

const DAY_MS = 86_400_000;
const ca = new TestCa();
const otherCa = new TestCa('Somebody Else CA');
const servers: Record<string, Running> = {};

const ok: RequestListener = (_req, res) => res.writeHead(200).end('ok');

beforeAll(async () => {
  const now = Date.now();
  servers.valid = await startHttps(ca.issue(), ok);
  servers.expired = await startHttps(
    ca.issue({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2020-02-01T00:00:00Z') }),
    ok,
  );
  servers.notYetValid = await startHttps(
    ca.issue({ notBefore: new Date(now + 10 * DAY_MS), notAfter: new Date(now + 100 * DAY_MS) }),
    ok,
  );
  servers.wrongHost = await startHttps(ca.issue({ hosts: ['api.example.com'] }), ok);
  servers.untrusted = await startHttps(otherCa.issue(), ok);
  servers.selfSigned = await startHttps(selfSigned(), ok);
  servers.expiringSoon = await startHttps(ca.issue({ notAfter: new Date(now + 5 * DAY_MS + 3_600_000) }), ok);
});

afterAll(() => Promise.all(Object.values(servers).map((s) => s.close())));

const probe = (name: string, fields: Record<string, unknown> = {}) =>
  runCheck(httpCheck({ url: `https://localhost:${servers[name]?.port}/`, tls: { ca: ca.pem }, ...fields }), plainContext);

describe('https probe against real loopback TLS servers', () => {
  it('trusts a certificate from the configured CA and times the handshake', async () => {
    const result = await probe('valid');
    expect(result).toMatchObject({ status: 'up', error: null, httpStatus: 200 });
    expect(result.timings.tlsMs).toBeGreaterThan(0);
    expect(result.timings.dnsMs).toBeTypeOf('number');
  });

  it.each([
    ['expired', 'cert_expired', 'certificate expired 2020-02-01'],
    ['notYetValid', 'tls', 'certificate is not yet valid'],
    ['wrongHost', 'tls', 'certificate does not match host localhost'],
    ['untrusted', 'tls', 'untrusted certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'],
    ['selfSigned', 'tls', 'untrusted certificate (DEPTH_ZERO_SELF_SIGNED_CERT)'],
  ])('%s → %s', async (name, kind, message) => {
    const result = await probe(name);
    expect(result.status).toBe('down');
    expect(result.error).toEqual({ kind, message });
    expect(result.timings.tlsMs).toBeTypeOf('number');
  });

  it('rejects a certificate that the system CAs do not know when no CA is configured', async () => {
    const result = await runCheck(httpCheck({ url: `https://localhost:${servers.valid?.port}/` }), plainContext);
    expect(result.error?.kind).toBe('tls');
  });

  it('accepts anything with insecureSkipVerify', async () => {
    const result = await probe('untrusted', { tls: { insecureSkipVerify: true } });
    expect(result.status).toBe('up');
  });

  it('fails certMinDaysRemaining on a certificate about to expire', async () => {
    const result = await probe('expiringSoon', { expect: { certMinDaysRemaining: 14 } });
    expect(result.error?.kind).toBe('assertion');
    expect(result.error?.message).toMatch(/^certificate expires in 5 days \(\d{4}-\d{2}-\d{2}\), below 14$/);
    expect((await probe('valid', { expect: { certMinDaysRemaining: 14 } })).status).toBe('up');
  });
});

describe('tls check', () => {
  const tlsCheck = (name: string, fields: Record<string, unknown> = {}) =>
    config({ checks: [{ id: 'cert', type: 'tls', host: 'localhost', port: servers[name]?.port, ca: ca.pem, ...fields }] })
      .checks[0] as Check;

  it('reports the certificate it verified: subject, names, issuer and days left', async () => {
    const result = await runCheck(tlsCheck('valid'), plainContext);
    expect(result.status).toBe('up');
    expect(result.detail).toMatch(
      /^localhost \(DNS:localhost, IP Address:127\.0\.0\.1\) issued by Vigil Test CA, expires \d{4}-\d{2}-\d{2} \((89|90) days\)$/,
    );
    expect(result.timings).toMatchObject({ ttfbMs: null });
    expect(result.timings.tlsMs).toBeGreaterThan(0);
  });

  it('is degraded under the warning threshold and down under the minimum', async () => {
    expect(
      (await runCheck(tlsCheck('expiringSoon', { expect: { certMinDaysRemaining: 3, certWarnDaysRemaining: 30 } }), plainContext))
        .status,
    ).toBe('degraded');
    expect((await runCheck(tlsCheck('expiringSoon'), plainContext)).error?.message).toMatch(
      /^certificate expires in 5 days \(.+\), below 7$/,
    );
  });

  it.each([
    ['expired', 'cert_expired', 'certificate expired 2020-02-01'],
    ['wrongHost', 'tls', 'certificate does not match host localhost'],
    ['untrusted', 'tls', 'untrusted certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'],
  ])('%s → %s', async (name, kind, message) => {
    expect((await runCheck(tlsCheck(name), plainContext)).error).toEqual({ kind, message });
  });

  it('checks the certificate against servername rather than the address it connects to', async () => {
    const result = await runCheck(tlsCheck('wrongHost', { host: '127.0.0.1', servername: 'api.example.com' }), plainContext);
    expect(result.status).toBe('up');
  });
});
