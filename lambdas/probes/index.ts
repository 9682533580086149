/** The probe registry and the one entry point the cycle uses: probe a check, judge it, never throw. */
import type { Check, CheckType } from '../core/config.js';
import { evaluateCheck } from '../core/evaluate.js';
import type { CheckResult, Observation } from '../core/types.js';
import { probeHttp } from './http.js';
import type { Probe, ProbeContext } from './probe.js';
import { probeTcp } from './tcp.js';

const probes = {
  http: probeHttp,
  tcp: probeTcp,
} satisfies { [T in CheckType]: Probe<Extract<Check, { type: T }>> };

export type { ProbeContext } from './probe.js';

export async function runCheck(check: Check, context: ProbeContext): Promise<CheckResult> {
  const startedAt = context.now();
  try {
    const probe = probes[check.type] as Probe<Check>;
    const observation = await probe(check, context);
    return evaluateCheck(check, observation, context.now());
  } catch (error) {
    // A bug in Vigil must not take the batch down: it becomes this check's `internal` result.
    return internalResult(check, startedAt, error);
  }
}

function internalResult(check: Check, startedAt: Date, error: unknown): CheckResult {
  const observation: Observation = {
    startedAt: startedAt.toISOString(),
    timings: { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, totalMs: 0 },
    error: { kind: 'internal', message: `internal error: ${(error as Error)?.message ?? String(error)}` },
    httpStatus: null,
    headers: {},
    body: null,
    certificate: null,
  };
  return evaluateCheck(check, observation, startedAt);
}
