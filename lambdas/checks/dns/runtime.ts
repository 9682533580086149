import type { CheckRuntime } from '../check-type.js';
import { dnsExamples } from './example.js';
import { judgeDns } from './judge.js';
import { type DnsObservation, probeDns } from './probe.js';
import type { DnsCheck } from './schema.js';

export const dnsRuntime = { probe: probeDns, judge: judgeDns, examples: dnsExamples } satisfies CheckRuntime<
  DnsCheck,
  DnsObservation
>;
