import type { CheckTypeDefinition } from '../check-type.js';
import { type DnsCheck, dnsSchema } from './schema.js';

export const dns = {
  schema: dnsSchema,
  latency: () => 'response',
} satisfies CheckTypeDefinition<DnsCheck>;
