/**
 * Judging is pure: an Observation plus the check's expectations give a CheckResult.
 * The first failing rule decides the error kind, in the order a human would look:
 * transport, status, health, body, JSON, certificate, latency.
 */
import { JSONPath } from 'jsonpath-plus';
import type { Check, HttpCheck, JsonAssertion } from './config.js';
import type { CheckResult, CheckStatus, Observation, ProbeError } from './types.js';

const DAY_MS = 86_400_000;

export function evaluateCheck(check: Check, observation: Observation, now: Date): CheckResult {
  const result = (status: CheckStatus, error: ProbeError | null, detail: string | null): CheckResult => ({
    checkId: check.id,
    status,
    error,
    httpStatus: observation.httpStatus,
    timings: observation.timings,
    startedAt: observation.startedAt,
    detail,
  });
  if (observation.error) return result('down', observation.error, null);
  if (check.type !== 'http') return result('up', null, null);

  const failure = firstFailure(check, observation, now);
  if (failure) return result('down', failure, null);
  const degraded = degradedReason(check, observation);
  return result(degraded ? 'degraded' : 'up', null, degraded);
}

function firstFailure(check: HttpCheck, observation: Observation, now: Date): ProbeError | null {
  const { expect } = check;
  const status = observation.httpStatus ?? 0;
  const accepted = expect.status ? expect.status.includes(status) : status >= 200 && status <= 299;
  if (!accepted) {
    const wanted = expect.status ? expect.status.join(', ') : '2xx';
    return { kind: 'http_status', message: `expected status ${wanted}, got ${status}` };
  }
  const body = observation.body?.toString('utf8') ?? '';
  if (check.healthJson) {
    const health = readHealth(body);
    if (health.status === 'unhealthy') {
      return { kind: 'unhealthy', message: `health says unhealthy${componentsSuffix(health.failing)}` };
    }
    if (health.status === 'invalid') return { kind: 'assertion', message: 'health body is not {"status": …} JSON' };
  }
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    return { kind: 'assertion', message: `body does not contain "${expect.bodyContains}"` };
  }
  if (expect.json?.length) {
    const failed = jsonFailure(body, expect.json);
    if (failed) return { kind: 'assertion', message: failed };
  }
  if (expect.certMinDaysRemaining !== undefined && observation.certificate) {
    const days = Math.floor((Date.parse(observation.certificate.validTo) - now.getTime()) / DAY_MS);
    if (days < expect.certMinDaysRemaining) {
      return {
        kind: 'assertion',
        message: `certificate expires in ${days} days (${observation.certificate.validTo.slice(0, 10)}), below ${expect.certMinDaysRemaining}`,
      };
    }
  }
  const total = observation.timings.totalMs;
  if (expect.maxResponseTimeMs !== undefined && total > expect.maxResponseTimeMs) {
    return { kind: 'assertion', message: `response time ${Math.round(total)} ms exceeded ${expect.maxResponseTimeMs} ms` };
  }
  return null;
}

function degradedReason(check: HttpCheck, observation: Observation): string | null {
  if (check.healthJson) {
    const health = readHealth(observation.body?.toString('utf8') ?? '');
    if (health.status === 'degraded') return `health says degraded${componentsSuffix(health.failing)}`;
  }
  const limit = check.expect.degradedResponseTimeMs;
  const total = observation.timings.totalMs;
  if (limit !== undefined && total > limit) return `response time ${Math.round(total)} ms above ${limit} ms`;
  return null;
}

interface Health {
  readonly status: 'healthy' | 'degraded' | 'unhealthy' | 'invalid';
  /** Components under `checks` whose own status is not healthy. */
  readonly failing: readonly string[];
}

/** Reads `{"status":"healthy|degraded|unhealthy","checks":{name:{status}…}}`; anything else is invalid. */
export function readHealth(body: string): Health {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { status: 'invalid', failing: [] };
  }
  const status = (parsed as { status?: unknown })?.status;
  if (status !== 'healthy' && status !== 'degraded' && status !== 'unhealthy') return { status: 'invalid', failing: [] };
  const checks = (parsed as { checks?: unknown }).checks;
  const failing =
    checks && typeof checks === 'object'
      ? Object.entries(checks as Record<string, unknown>)
          .filter(([, component]) => {
            const own = (component as { status?: unknown })?.status ?? component;
            return typeof own === 'string' && own !== 'healthy';
          })
          .map(([name]) => name)
      : [];
  return { status, failing };
}

function componentsSuffix(failing: readonly string[]): string {
  return failing.length > 0 ? ` (${failing.join(', ')})` : '';
}

function jsonFailure(body: string, assertions: readonly JsonAssertion[]): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'body is not valid JSON';
  }
  for (const { path, equals } of assertions) {
    const found: unknown[] = JSONPath({ path, json: json as object, wrap: true }) ?? [];
    if (found.length === 0) return `${path} not found`;
    if (found[0] !== equals) return `${path} expected ${JSON.stringify(equals)}, got ${JSON.stringify(found[0])}`;
  }
  return null;
}
