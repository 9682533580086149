import { fail, type Judge, pass } from '../shared/verdict.js';
import type { TcpObservation } from './probe.js';
import type { TcpCheck } from './schema.js';

/** Up when connected; with `expectBanner`, what arrived must contain it. */
export const judgeTcp: Judge<TcpCheck, TcpObservation> = (check, observation) => {
  if (check.expectBanner === undefined) return pass();
  const banner = observation.banner?.toString('utf8') ?? '';
  if (banner.includes(check.expectBanner)) return pass();
  const got = banner.length === 0 ? 'nothing' : JSON.stringify(banner.slice(0, 80));
  return fail('assertion', `banner does not contain "${check.expectBanner}" (got ${got})`);
};
