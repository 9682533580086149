import { describe, expect, it } from 'vitest';
import type { DnsObservation } from '../../lambdas/checks/dns/probe.js';
import type { HttpObservation } from '../../lambdas/checks/http/exchange.js';
import { readHealth } from '../../lambdas/checks/http/health.js';
import { evaluateCheck } from '../../lambdas/checks/run.js';
import type { TcpObservation } from '../../lambdas/checks/tcp/probe.js';
import type { TlsObservation } from '../../lambdas/checks/tls/probe.js';
import { type Check, config, httpCheck, tcpCheck } from '../support/checks.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');

/** What any of the types here could have seen: each judge reads its own fields of it. */
type Seen = HttpObservation & TcpObservation & TlsObservation & DnsObservation;

function observed(fields: Partial<Omit<Seen, 'body'>> & { body?: string; totalMs?: number } = {}): Seen {
  const { body = '', totalMs = 25, ...rest } = fields;
  return {
    startedAt: NOW.toISOString(),
    timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 20, transferMs: 1, totalMs },
    error: null,
    httpStatus: 200,
    headers: {},
    body: Buffer.from(body),
    banner: Buffer.from(body),
    certificate: null,
    dns: null,
    ...rest,
  };
}

const health = (status: string, checks: Record<string, unknown> = {}) => JSON.stringify({ status, checks });

describe('evaluateCheck', () => {
  it.each([
    ['2xx is up by default', {}, observed({ httpStatus: 204 }), 'up', null],
    ['3xx is down by default', {}, observed({ httpStatus: 301 }), 'down', ['http_status', 'expected status 2xx, got 301']],
    [
      '503 against a status list',
      { expect: { status: [200] } },
      observed({ httpStatus: 503 }),
      'down',
      ['http_status', 'expected status 200, got 503'],
    ],
    ['a listed non-2xx status', { expect: { status: [200, 401] } }, observed({ httpStatus: 401 }), 'up', null],
    [
      'missing body text',
      { expect: { bodyContains: 'healthy' } },
      observed({ body: 'oops' }),
      'down',
      ['assertion', 'body does not contain "healthy"'],
    ],
    ['present body text', { expect: { bodyContains: 'healthy' } }, observed({ body: 'all healthy' }), 'up', null],
    [
      'JSON path mismatch',
      { expect: { json: [{ path: '$.db.ok', equals: true }] } },
      observed({ body: '{"db":{"ok":false}}' }),
      'down',
      ['assertion', '$.db.ok expected true, got false'],
    ],
    [
      'JSON path absent',
      { expect: { json: [{ path: '$.version', equals: '1' }] } },
      observed({ body: '{}' }),
      'down',
      ['assertion', '$.version not found'],
    ],
    [
      'JSON body invalid',
      { expect: { json: [{ path: '$.a', equals: 1 }] } },
      observed({ body: '<html>' }),
      'down',
      ['assertion', 'body is not valid JSON'],
    ],
    [
      'JSON path match',
      { expect: { json: [{ path: '$.items[1].n', equals: 2 }] } },
      observed({ body: '{"items":[{"n":1},{"n":2}]}' }),
      'up',
      null,
    ],
    [
      'over the latency limit',
      { expect: { maxResponseTimeMs: 2000 } },
      observed({ totalMs: 2300.4 }),
      'down',
      ['assertion', 'response time 2300 ms exceeded 2000 ms'],
    ],
    [
      'health unhealthy',
      { healthJson: true },
      observed({ httpStatus: 200, body: health('unhealthy', { db: { status: 'unhealthy' }, cache: { status: 'healthy' } }) }),
      'down',
      ['unhealthy', 'health says unhealthy (db)'],
    ],
    [
      'health body not health JSON',
      { healthJson: true },
      observed({ body: 'OK' }),
      'down',
      ['assertion', 'health body is not JSON'],
    ],
    [
      'a 503 with an unhealthy health document names the failing components',
      { healthJson: true },
      observed({ httpStatus: 503, body: health('unhealthy', { db: { status: 'unhealthy' } }) }),
      'down',
      ['unhealthy', 'health says unhealthy (db) (HTTP 503)'],
    ],
    [
      'a 503 whose body is no health document is a status failure',
      { healthJson: true },
      observed({ httpStatus: 503, body: 'Service Unavailable' }),
      'down',
      ['http_status', 'expected status 2xx, got 503'],
    ],
  ] as const)('%s', (_name, fields, observation, status, error) => {
    const result = evaluateCheck(httpCheck({ url: 'http://127.0.0.1/', ...fields }), observation, NOW);
    expect(result.status).toBe(status);
    expect(result.error).toEqual(error ? { kind: error[0], message: error[1] } : null);
  });

  it('passes a transport failure through as the error, keeping its timings', () => {
    const failure = observed({
      error: { kind: 'connect_refused', message: 'connection refused by 127.0.0.1' },
      httpStatus: null,
      totalMs: 3,
    });
    const result = evaluateCheck(httpCheck({ url: 'http://127.0.0.1/', expect: { bodyContains: 'x' } }), failure, NOW);
    expect(result).toEqual({
      checkId: 'test-check',
      status: 'down',
      error: { kind: 'connect_refused', message: 'connection refused by 127.0.0.1' },
      httpStatus: null,
      timings: failure.timings,
      startedAt: NOW.toISOString(),
      detail: null,
    });
  });

  it.each([
    [
      'health degraded names the component',
      { healthJson: true },
      observed({ body: health('degraded', { queue: { status: 'degraded' } }) }),
      'health says degraded (queue)',
    ],
    [
      'slower than the degraded threshold',
      { expect: { degradedResponseTimeMs: 800 } },
      observed({ totalMs: 950 }),
      'response time 950 ms above 800 ms',
    ],
  ] as const)('degraded: %s', (_name, fields, observation, detail) => {
    const result = evaluateCheck(httpCheck({ url: 'http://127.0.0.1/', ...fields }), observation, NOW);
    expect(result).toMatchObject({ status: 'degraded', error: null, detail });
  });

  it('fails a certificate closer to expiry than certMinDaysRemaining', () => {
    const certificate = {
      subject: 'api',
      issuer: 'CA',
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: '2026-12-01T10:00:00.000Z',
      altNames: [],
    };
    const check = httpCheck({ url: 'https://127.0.0.1/', expect: { certMinDaysRemaining: 14 } });
    expect(evaluateCheck(check, observed({ certificate }), NOW).error).toEqual({
      kind: 'assertion',
      message: 'certificate expires in 9 days (2026-12-01), below 14',
    });
    const later = { ...certificate, validTo: '2027-03-01T00:00:00.000Z' };
    expect(evaluateCheck(check, observed({ certificate: later }), NOW).status).toBe('up');
  });

  it('judges a connected tcp check up', () => {
    const result = evaluateCheck(tcpCheck({ host: '127.0.0.1', port: 5432 }), observed({ httpStatus: null, body: '' }), NOW);
    expect(result).toMatchObject({ status: 'up', error: null, httpStatus: null });
  });
});

describe('readHealth: the dialects services serve', () => {
  it.each([
    ['{"status":"healthy"}', 'healthy', []],
    ['{"status":"degraded","checks":{"db":"degraded","cache":"healthy"}}', 'degraded', ['db']],
    ['{"status":"unhealthy","checks":{"a":{"status":"unhealthy"},"b":{"status":"degraded"}}}', 'unhealthy', ['a', 'b']],
    ['{"status":"ok"}', 'healthy', []],
    // Spring Boot Actuator
    ['{"status":"UP","components":{"db":{"status":"UP"},"diskSpace":{"status":"UP"}}}', 'healthy', []],
    ['{"status":"DOWN","components":{"db":{"status":"DOWN"},"ping":{"status":"UP"}}}', 'unhealthy', ['db']],
    ['{"status":"OUT_OF_SERVICE"}', 'unhealthy', []],
    // The IETF draft: checks map to lists
    ['{"status":"pass","checks":{"db:responseTime":[{"status":"pass"}]}}', 'healthy', []],
    [
      '{"status":"warn","checks":{"db:responseTime":[{"status":"warn"}],"cpu:utilization":[{"status":"pass"}]}}',
      'degraded',
      ['db:responseTime'],
    ],
    ['{"status":"fail","checks":{"uptime":[{"status":"pass"},{"status":"fail"}]}}', 'unhealthy', ['uptime']],
    // Case does not matter; components given as { "status": "up" } objects
    ['{"status":"Healthy","checks":{"cache":{"status":"up"}}}', 'healthy', []],
  ])('%s', (body, status, failing) => {
    expect(readHealth(body)).toEqual({ status, failing });
  });

  it.each([
    ['', 'health body is not JSON'],
    ['[1,2]', 'health body is not a JSON object'],
    ['{"state":"UP"}', 'health body has no "status" field'],
    [
      '{"status":"splendid"}',
      'health status "splendid" is not one Vigil reads (healthy/degraded/unhealthy, UP/DOWN/OUT_OF_SERVICE, pass/warn/fail or ok)',
    ],
  ])('says what it did not understand in %j', (body, problem) => {
    expect(readHealth(body)).toEqual({ status: 'invalid', failing: [], problem });
  });
});

describe('evaluateCheck: tcp, tls and dns judges', () => {
  const cert = (validTo: string) => ({
    subject: 'api.example.com',
    issuer: 'Example CA',
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo,
    altNames: ['DNS:api.example.com', 'DNS:www.example.com'],
  });
  const tls = (fields: Record<string, unknown> = {}) => {
    const [check] = config({ checks: [{ id: 'cert', type: 'tls', host: 'api.example.com', ...fields }] }).checks;
    return check as Check;
  };
  const dns = (fields: Record<string, unknown>) =>
    config({ checks: [{ id: 'name', type: 'dns', name: 'api.example.com', ...fields }] }).checks[0] as Check;

  it.each([
    [
      '2027-06-01T00:00:00.000Z',
      'up',
      null,
      'api.example.com (DNS:api.example.com, DNS:www.example.com) issued by Example CA, expires 2027-06-01 (190 days)',
    ],
    [
      '2026-12-05T10:00:00.000Z',
      'degraded',
      null,
      'api.example.com (DNS:api.example.com, DNS:www.example.com) issued by Example CA, expires 2026-12-05 (13 days); below the warning threshold of 21 days',
    ],
    ['2026-11-25T10:00:00.000Z', 'down', 'certificate expires in 3 days (2026-11-25), below 7', null],
  ])('tls certificate valid to %s is %s', (validTo, status, message, detail) => {
    const result = evaluateCheck(tls(), observed({ httpStatus: null, certificate: cert(validTo) }), NOW);
    expect(result.status).toBe(status);
    expect(result.error?.message ?? null).toBe(message);
    expect(result.detail).toBe(detail);
  });

  it.each([
    [{}, { rcode: 'NOERROR', answers: ['10.0.0.5'] }, 'up', null],
    [{ expect: { answers: ['10.0.0.5'] } }, { rcode: 'NOERROR', answers: ['10.0.0.6', '10.0.0.5'] }, 'up', null],
    [
      { expect: { answers: ['10.0.0.5'] } },
      { rcode: 'NOERROR', answers: ['10.0.0.6'] },
      'down',
      'A api.example.com: missing 10.0.0.5 (got 10.0.0.6)',
    ],
    [{}, { rcode: 'NXDOMAIN', answers: [] }, 'down', 'A api.example.com: response NXDOMAIN, expected NOERROR'],
    [{ expect: { rcode: 'NXDOMAIN' } }, { rcode: 'NXDOMAIN', answers: [] }, 'up', null],
    [
      { recordType: 'MX', expect: { answers: ['10 MAIL.example.com'] } },
      { rcode: 'NOERROR', answers: ['10 mail.example.com'] },
      'up',
      null,
    ],
  ] as const)('dns %j answered %j is %s', (fields, answer, status, message) => {
    const result = evaluateCheck(dns(fields), observed({ httpStatus: null, dns: answer }), NOW);
    expect(result.status).toBe(status);
    expect(result.error?.message ?? null).toBe(message);
  });

  it('judges a tcp banner', () => {
    const check = config({ checks: [{ id: 'ssh', type: 'tcp', host: 'h', port: 22, expectBanner: 'SSH-2.0' }] })
      .checks[0] as Check;
    expect(evaluateCheck(check, observed({ httpStatus: null, body: 'SSH-2.0-OpenSSH_9.6\r\n' }), NOW).status).toBe('up');
    expect(evaluateCheck(check, observed({ httpStatus: null, body: 'HTTP/1.1 400 Bad Request' }), NOW).error).toEqual({
      kind: 'assertion',
      message: 'banner does not contain "SSH-2.0" (got "HTTP/1.1 400 Bad Request")',
    });
    expect(evaluateCheck(check, observed({ httpStatus: null, body: '' }), NOW).error?.message).toBe(
      'banner does not contain "SSH-2.0" (got nothing)',
    );
  });
});
