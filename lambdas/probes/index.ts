/** The probe registry and the one entry point the cycle uses: probe a check, judge it, never throw. */
import type { Check, CheckType } from '../core/config.js';
import { evaluateCheck } from '../core/evaluate.js';
import type { Log } from '../core/ports.js';
import type { CheckResult } from '../core/types.js';
import { probeDns } from './dns.js';
import { probeHttp } from './http.js';
import { noTimings, observation, type Probe, type ProbeContext } from './probe.js';
import { probeTcp } from './tcp.js';
import { probeTls } from './tls.js';

const probes = {
  http: probeHttp,
  tcp: probeTcp,
  tls: probeTls,
  dns: probeDns,
} satisfies { [T in CheckType]: Probe<Extract<Check, { type: T }>> };

export type { ProbeContext } from './probe.js';

export interface RunOptions {
  /** Waits between retries; tests pass a fake. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where an internal error's stack goes. */
  readonly log?: Log;
}

/**
 * Probes and judges a check. A down result is confirmed by up to `check.retries` immediate
 * re-probes, `retryDelayMs` apart; the first result that is not down, or the last, counts.
 */
export async function runCheck(check: Check, context: ProbeContext, options: RunOptions = {}): Promise<CheckResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let result = await probeOnce(check, context, options.log);
  for (let retry = 1; retry <= check.retries && result.status === 'down'; retry++) {
    await sleep(check.retryDelayMs);
    result = await probeOnce(check, context, options.log);
  }
  return result;
}

async function probeOnce(check: Check, context: ProbeContext, log: Log | undefined): Promise<CheckResult> {
  const startedAt = context.now();
  try {
    const probe = probes[check.type] as Probe<Check>;
    const observation = await probe(check, context);
    return evaluateCheck(check, observation, context.now());
  } catch (error) {
    // A bug in Vigil must not take the batch down: it becomes this check's `internal` result.
    log?.error('probe failed with an internal error', {
      checkId: check.id,
      error: String(error),
      stack: (error as Error)?.stack,
    });
    return internalResult(check, startedAt, error);
  }
}

function internalResult(check: Check, startedAt: Date, error: unknown): CheckResult {
  const seen = observation(startedAt.toISOString(), {
    timings: noTimings(0),
    error: { kind: 'internal', message: `internal error: ${(error as Error)?.message ?? String(error)}` },
  });
  return evaluateCheck(check, seen, startedAt);
}
