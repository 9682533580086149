/** What an http check could see when up, degraded or down, from its own expectations (shared/example.ts). */
import { type Examples, exampleCertificate, exampleTimings } from '../shared/example.js';
import { statusFailure } from './assertions.js';
import type { HttpObservation } from './exchange.js';
import type { HttpCheck } from './schema.js';

const CANDIDATE_STATUSES = [200, 204, 301, 302, 401, 404, 429, 500, 502, 503] as const;
const health = (status: string, component: string) => JSON.stringify({ status, checks: { [component]: { status } } });

export const httpExamples: Examples<HttpCheck, HttpObservation> = (check, status, now) => {
  const { expect } = check;
  const url = new URL(check.url);
  const tls = url.protocol === 'https:';
  const ok = CANDIDATE_STATUSES.find((code) => statusFailure(code, expect.status) === null) ?? 200;
  const failing = [503, ...CANDIDATE_STATUSES].find((code) => statusFailure(code, expect.status) !== null) ?? 503;
  // A body that passes what the check asks of one, as far as a made-up body can.
  const good = check.healthJson ? health('healthy', 'db') : (expect.bodyContains ?? '');
  const seen = (fields: { httpStatus?: number; body?: string; totalMs?: number; days?: number }): HttpObservation => ({
    startedAt: now.toISOString(),
    error: null,
    timings: exampleTimings({ dns: !isIpLiteral(url.hostname), connect: true, tls, answer: true }, fields.totalMs),
    httpStatus: fields.httpStatus ?? ok,
    headers: { 'content-type': check.healthJson ? 'application/json' : 'text/html' },
    body: Buffer.from(fields.body ?? good),
    certificate: tls ? exampleCertificate(url.hostname, fields.days ?? 60, now) : null,
  });
  const { maxResponseTimeMs: max, degradedResponseTimeMs: slow, certMinDaysRemaining: minDays } = expect;
  if (status === 'up') return [seen({})];
  if (status === 'degraded') {
    return [
      ...(slow === undefined ? [] : [seen({ totalMs: Math.round(max === undefined ? slow * 1.3 : (slow + max) / 2) })]),
      ...(check.healthJson ? [seen({ body: health('degraded', 'cache') })] : []),
    ];
  }
  return [
    ...(check.healthJson ? [seen({ httpStatus: failing, body: health('unhealthy', 'db') })] : []),
    ...(expect.bodyContains || expect.bodyMatches ? [seen({ body: '<html>Service Unavailable</html>' })] : []),
    ...(expect.bodyNotContains ? [seen({ body: expect.bodyNotContains })] : []),
    ...(expect.json?.length || expect.headers?.length ? [seen({ body: '{}' })] : []),
    ...(tls && minDays ? [seen({ days: minDays - 1 })] : []),
    ...(max === undefined ? [] : [seen({ totalMs: Math.round(max * 1.5) })]),
    seen({ httpStatus: failing, body: '' }),
  ];
};

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.startsWith('[');
}
