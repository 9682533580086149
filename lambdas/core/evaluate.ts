/**
 * Judging is pure: an Observation plus the check's expectations give a CheckResult. One judge per
 * check type; for http the first failing rule decides the error kind, in the order a human would
 * look: transport, status, health, body, headers, JSON, certificate, latency.
 */
import { bodyFailure, headerFailure, jsonFailure, statusFailure } from './assertions.js';
import type { Check, CheckType, DnsCheck, HttpCheck, TcpCheck, TlsCheck } from './config.js';
import type { CheckResult, CheckStatus, Observation, PeerCertificate, ProbeError } from './types.js';

const DAY_MS = 86_400_000;

/** What a judge decides beyond the transport: a failure (down), or a note and whether it means degraded. */
interface Verdict {
  readonly error: ProbeError | null;
  readonly degraded: boolean;
  readonly detail: string | null;
}

const pass = (detail: string | null = null): Verdict => ({ error: null, degraded: false, detail });
const degrade = (detail: string): Verdict => ({ error: null, degraded: true, detail });
const fail = (kind: ProbeError['kind'], message: string): Verdict => ({
  error: { kind, message },
  degraded: false,
  detail: null,
});

type Judge<C extends Check> = (check: C, observation: Observation, now: Date) => Verdict;

const judges = {
  http: judgeHttp,
  tcp: judgeTcp,
  tls: judgeTls,
  dns: judgeDns,
} satisfies { [T in CheckType]: Judge<Extract<Check, { type: T }>> };

export function evaluateCheck(check: Check, observation: Observation, now: Date): CheckResult {
  const verdict = observation.error
    ? { error: observation.error, degraded: false, detail: null }
    : (judges[check.type] as Judge<Check>)(check, observation, now);
  const status: CheckStatus = verdict.error ? 'down' : verdict.degraded ? 'degraded' : 'up';
  return {
    checkId: check.id,
    status,
    error: verdict.error,
    httpStatus: observation.httpStatus,
    timings: observation.timings,
    startedAt: observation.startedAt,
    detail: verdict.detail,
  };
}

function judgeHttp(check: HttpCheck, observation: Observation, now: Date): Verdict {
  const { expect } = check;
  const wrongStatus = statusFailure(observation.httpStatus ?? 0, expect.status, observation.headers['retry-after']);
  if (wrongStatus) return fail('http_status', wrongStatus);
  const body = observation.body?.toString('utf8') ?? '';
  const health = check.healthJson ? readHealth(body) : null;
  if (health?.status === 'unhealthy') return fail('unhealthy', `health says unhealthy${componentsSuffix(health.failing)}`);
  if (health?.status === 'invalid') return fail('assertion', 'health body is not {"status": …} JSON');
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
}

function judgeTcp(check: TcpCheck, observation: Observation): Verdict {
  if (check.expectBanner === undefined) return pass();
  const banner = observation.body?.toString('utf8') ?? '';
  if (banner.includes(check.expectBanner)) return pass();
  const got = banner.length === 0 ? 'nothing' : JSON.stringify(banner.slice(0, 80));
  return fail('assertion', `banner does not contain "${check.expectBanner}" (got ${got})`);
}

function judgeTls(check: TlsCheck, observation: Observation, now: Date): Verdict {
  const certificate = observation.certificate;
  if (!certificate) return fail('tls', 'no certificate presented');
  const summary = describe(certificate, now);
  const days = daysLeft(certificate, now);
  if (days < check.expect.certMinDaysRemaining) {
    return fail(
      'assertion',
      `certificate expires in ${days} days (${certificate.validTo.slice(0, 10)}), below ${check.expect.certMinDaysRemaining}`,
    );
  }
  if (days < check.expect.certWarnDaysRemaining)
    return degrade(`${summary}; below the warning threshold of ${check.expect.certWarnDaysRemaining} days`);
  return pass(summary);
}

function judgeDns(check: DnsCheck, observation: Observation): Verdict {
  const answer = observation.dns;
  if (!answer) return fail('dns', 'no DNS response');
  if (answer.rcode !== check.expect.rcode) {
    return fail('assertion', `${check.recordType} ${check.name}: response ${answer.rcode}, expected ${check.expect.rcode}`);
  }
  const missing = (check.expect.answers ?? []).filter(
    (wanted) => !answer.answers.some((a) => a.toLowerCase() === wanted.toLowerCase()),
  );
  const got = answer.answers.length > 0 ? answer.answers.join(', ') : 'no answers';
  if (missing.length > 0)
    return fail('assertion', `${check.recordType} ${check.name}: missing ${missing.join(', ')} (got ${got})`);
  return pass(`${check.recordType} ${check.name}: ${got}`);
}

function daysLeft(certificate: PeerCertificate, now: Date): number {
  return Math.floor((Date.parse(certificate.validTo) - now.getTime()) / DAY_MS);
}

function certificateFailure(certificate: PeerCertificate | null, minDays: number | undefined, now: Date): string | null {
  if (minDays === undefined || !certificate) return null;
  const days = daysLeft(certificate, now);
  if (days >= minDays) return null;
  return `certificate expires in ${days} days (${certificate.validTo.slice(0, 10)}), below ${minDays}`;
}

/** "api.example.com (DNS:api.example.com) issued by R3, expires 2027-01-01 (40 days)" */
function describe(certificate: PeerCertificate, now: Date): string {
  const names = certificate.altNames.length > 0 ? ` (${certificate.altNames.join(', ')})` : '';
  return `${certificate.subject}${names} issued by ${certificate.issuer}, expires ${certificate.validTo.slice(0, 10)} (${daysLeft(certificate, now)} days)`;
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
