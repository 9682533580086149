/** What a dns check could see: the answers it expects, others in their place, the wrong response code. */
import { type Examples, exampleTimings } from '../shared/example.js';
import type { DnsObservation } from './probe.js';
import type { DnsCheck } from './schema.js';

/** An answer of each record type from the documentation ranges, unlike any real one. */
const OTHER_ANSWER = {
  A: '192.0.2.10',
  AAAA: '2001:db8::10',
  CNAME: 'elsewhere.example.net',
  TXT: 'v=example',
  MX: '10 mail.example.net',
} as const;

export const dnsExamples: Examples<DnsCheck, DnsObservation> = (check, status, now) => {
  const answered = (rcode: string, answers: readonly string[]): DnsObservation => ({
    startedAt: now.toISOString(),
    timings: exampleTimings({ dns: true }),
    error: null,
    dns: { rcode, answers },
  });
  const expected = check.expect.rcode;
  const wanted = check.expect.answers ?? [OTHER_ANSWER[check.recordType]];
  if (status === 'up') return [answered(expected, expected === 'NOERROR' ? wanted : [])];
  if (status === 'degraded') return [];
  return [
    ...(check.expect.answers ? [answered(expected, [OTHER_ANSWER[check.recordType]])] : []),
    answered(expected === 'NXDOMAIN' ? 'NOERROR' : 'NXDOMAIN', []),
  ];
};
