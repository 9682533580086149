import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/checks/run.js';
import { type Check, config, plainContext } from '../support/checks.js';
import { startDnsServer } from '../support/dns-server.js';

let server: Awaited<ReturnType<typeof startDnsServer>>;

beforeAll(async () => {
  server = await startDnsServer({
    records: {
      'api.test A': [{ type: 'A', name: 'api.test', ttl: 60, data: '10.0.0.5' }],
      'api.test AAAA': [{ type: 'AAAA', name: 'api.test', ttl: 60, data: 'fd00::5' }],
      'www.test CNAME': [{ type: 'CNAME', name: 'www.test', ttl: 60, data: 'api.test' }],
      'test TXT': [{ type: 'TXT', name: 'test', ttl: 60, data: ['v=spf1 ', '-all'] }],
      'test MX': [{ type: 'MX', name: 'test', ttl: 60, data: { preference: 10, exchange: 'mail.test' } }],
      'empty.test A': [],
    },
    servfail: ['broken.test'],
    silent: ['silent.test'],
  });
});
afterAll(() => server.close());

const check = (fields: Record<string, unknown>) =>
  config({ checks: [{ id: 'dns', type: 'dns', resolver: server.address, timeout: '500ms', ...fields }] }).checks[0] as Check;

describe('dns probe against a local DNS server', () => {
  it.each([
    [{ name: 'api.test', expect: { answers: ['10.0.0.5'] } }, 'A api.test: 10.0.0.5'],
    [{ name: 'api.test', recordType: 'AAAA' }, 'AAAA api.test: fd00::5'],
    [{ name: 'www.test', recordType: 'CNAME', expect: { answers: ['api.test'] } }, 'CNAME www.test: api.test'],
    [{ name: 'test', recordType: 'TXT', expect: { answers: ['v=spf1 -all'] } }, 'TXT test: v=spf1 -all'],
    [{ name: 'test', recordType: 'MX', expect: { answers: ['10 mail.test'] } }, 'MX test: 10 mail.test'],
    [{ name: 'gone.test', expect: { rcode: 'NXDOMAIN' } }, 'A gone.test: no answers'],
  ])('%j is up', async (fields, detail) => {
    const result = await runCheck(check(fields), plainContext);
    expect(result).toMatchObject({ status: 'up', error: null, detail, httpStatus: null });
    expect(result.timings.dnsMs).toBeGreaterThan(0);
    expect(result.timings.connectMs).toBeNull();
  });

  it.each([
    [{ name: 'api.test', expect: { answers: ['10.0.0.9'] } }, 'assertion', 'A api.test: missing 10.0.0.9 (got 10.0.0.5)'],
    [{ name: 'gone.test' }, 'assertion', 'A gone.test: response NXDOMAIN, expected NOERROR'],
    [{ name: 'broken.test' }, 'assertion', 'A broken.test: response SERVFAIL, expected NOERROR'],
    [{ name: 'empty.test', expect: { answers: ['10.0.0.1'] } }, 'assertion', 'A empty.test: missing 10.0.0.1 (got no answers)'],
  ])('%j is down: %s', async (fields, kind, message) => {
    expect((await runCheck(check(fields), plainContext)).error).toEqual({ kind, message });
  });

  it('times out on a server that never answers, within the deadline', async () => {
    const started = performance.now();
    const result = await runCheck(check({ name: 'silent.test' }), plainContext);
    expect(result.error).toEqual({ kind: 'timeout', message: `${server.address} did not answer A silent.test within 500 ms` });
    expect(performance.now() - started).toBeLessThan(500 + 500);
  });
});
