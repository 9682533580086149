/**
 * Judging an http observation, pure. The first failing rule decides the error kind, in the order a
 * human would look: an unhealthy health document (whatever the status code), status, the rest of
 * health, body, headers, JSON, certificate, latency.
 */

import { certificateFailure } from '../shared/certificate-days.js';
import { degrade, fail, type Judge, pass } from '../shared/verdict.js';
import { bodyFailure, headerFailure, jsonFailure, statusFailure } from './assertions.js';
import type { HttpObservation } from './exchange.js';
import { componentsSuffix, readHealth } from './health.js';
import type { HttpCheck } from './schema.js';

export const judgeHttp: Judge<HttpCheck, HttpObservation> = (check, observation, now) => {
  const { expect } = check;
  const body = observation.body?.toString('utf8') ?? '';
  const health = check.healthJson ? readHealth(body) : null;
  const wrongStatus = statusFailure(observation.httpStatus ?? 0, expect.status, observation.headers['retry-after']);
  // An app that answers 503 with its health document says which components failed: name them.
  if (health?.status === 'unhealthy') {
    const code = wrongStatus ? ` (HTTP ${observation.httpStatus})` : '';
    return fail('unhealthy', `health says unhealthy${componentsSuffix(health.failing)}${code}`);
  }
  if (wrongStatus) return fail('http_status', wrongStatus);
  if (health?.status === 'invalid') return fail('assertion', health.problem ?? 'health body not understood');
  const assertion =
    bodyFailure(body, expect) ??
    (expect.headers?.length ? headerFailure(observation.headers, expect.headers) : null) ??
    (expect.json?.length ? jsonFailure(body, expect.json) : null) ??
    certificateFailure(observation.certificate, expect.certMinDaysRemaining, now);
  if (assertion) return fail('assertion', assertion);
  const total = observation.timings.totalMs;
  if (expect.maxResponseTimeMs !== undefined && total > expect.maxResponseTimeMs) {
    return fail('assertion', `response time ${Math.round(total)} ms exceeded ${expect.maxResponseTimeMs} ms`);
  }
  if (health?.status === 'degraded') return degrade(`health says degraded${componentsSuffix(health.failing)}`);
  const slow = expect.degradedResponseTimeMs;
  if (slow !== undefined && total > slow) return degrade(`response time ${Math.round(total)} ms above ${slow} ms`);
  return pass();
};
