import type { CheckTypeDefinition } from '../check-type.js';
import { judgeDns } from './judge.js';
import { probeDns } from './probe.js';
import { type DnsCheck, dnsSchema } from './schema.js';

export const dns = {
  schema: dnsSchema,
  latency: () => 'response',
  probe: probeDns,
  judge: judgeDns,
} satisfies CheckTypeDefinition<DnsCheck>;
