import { fail, type Judge, pass } from '../shared/verdict.js';
import type { DnsObservation } from './probe.js';
import type { DnsCheck } from './schema.js';

/** The response code must be the expected one and every expected answer among the answers (case-insensitive). */
export const judgeDns: Judge<DnsCheck, DnsObservation> = (check, observation) => {
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
};
