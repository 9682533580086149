import type { CheckRuntime } from '../check-type.js';
import { judgeDns } from './judge.js';
import { type DnsObservation, probeDns } from './probe.js';
import type { DnsCheck } from './schema.js';

export const dnsRuntime = { probe: probeDns, judge: judgeDns } satisfies CheckRuntime<DnsCheck, DnsObservation>;
