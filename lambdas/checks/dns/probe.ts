/**
 * DNS probe: one query of one record type, to the configured server or the system's. The response
 * code and answers are observed; whether they are right is judged in judge.ts.
 */
import { Resolver } from 'node:dns/promises';
import type { ProbeError } from '../../core/types.js';
import { probeError } from '../shared/classify.js';
import type { Observation } from '../shared/observation.js';
import { type Probe, since } from '../shared/probe.js';
import type { DnsCheck } from './schema.js';

/** Node's resolver error codes that are really DNS response codes. */
const RCODES: Record<string, string> = { ENOTFOUND: 'NXDOMAIN', ENODATA: 'NOERROR', ESERVFAIL: 'SERVFAIL', EREFUSED: 'REFUSED' };

const QUERIES: Record<DnsCheck['recordType'], (resolver: Resolver, name: string) => Promise<string[]>> = {
  A: (r, name) => r.resolve4(name),
  AAAA: (r, name) => r.resolve6(name),
  CNAME: (r, name) => r.resolveCname(name),
  TXT: async (r, name) => (await r.resolveTxt(name)).map((chunks) => chunks.join('')),
  MX: async (r, name) => (await r.resolveMx(name)).map((mx) => `${mx.priority} ${mx.exchange}`),
};

/** What a DNS query returned: the response code and the answers as text (MX as "10 mail.example.com"). */
export interface DnsAnswer {
  readonly rcode: string;
  readonly answers: readonly string[];
}

/** What a dns check saw: the answer, or null when none came. */
export interface DnsObservation extends Observation {
  readonly dns: DnsAnswer | null;
}

export const probeDns: Probe<DnsCheck, DnsObservation> = async (check, context) => {
  const startedAt = context.now().toISOString();
  const t0 = performance.now();
  const resolver = new Resolver({ timeout: check.timeoutMs, tries: 1 });
  if (check.resolver) resolver.setServers([check.resolver]);
  const server = check.resolver ?? 'the system resolver';
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      resolver.cancel();
      reject(Object.assign(new Error('deadline'), { code: 'ETIMEOUT' }));
    }, check.timeoutMs);
  });
  let dns: DnsAnswer | null = null;
  let error: ProbeError | null = null;
  try {
    dns = { rcode: 'NOERROR', answers: await Promise.race([QUERIES[check.recordType](resolver, check.name), deadline]) };
  } catch (failure) {
    const code = (failure as NodeJS.ErrnoException).code ?? '';
    const rcode = RCODES[code];
    if (rcode) dns = { rcode, answers: [] };
    else if (code === 'ETIMEOUT' || code === 'ECANCELLED') {
      error = probeError('timeout', `${server} did not answer ${check.recordType} ${check.name} within ${check.timeoutMs} ms`);
    } else if (code === 'ECONNREFUSED') error = probeError('connect_refused', `${server} refused the query`);
    else
      error = probeError(
        'dns',
        `${check.recordType} ${check.name} could not be resolved (${code || (failure as Error).message})`,
      );
  } finally {
    clearTimeout(timer);
  }
  const elapsed = since(t0);
  return {
    startedAt,
    timings: { dnsMs: elapsed, connectMs: null, tlsMs: null, ttfbMs: null, transferMs: null, totalMs: elapsed },
    error,
    dns,
  };
};
