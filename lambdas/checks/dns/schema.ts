/** The `dns` check's fields (★ config contract; README "checks"). */
import * as z from 'zod';
import { checkSchema, type ResolvedCheck } from '../../core/schema-parts.js';

const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'MX'] as const;
const DNS_RCODES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED'] as const;

export const dnsSchema = checkSchema('dns', {
  /** The name to resolve. */
  name: z.string().min(1),
  /** @default A */
  recordType: z.enum(DNS_RECORD_TYPES, { error: `expected one of ${DNS_RECORD_TYPES.join(', ')}` }).default('A'),
  /** "host" or "host:port" of the DNS server to ask. @default the system resolver */
  resolver: z
    .string()
    .regex(/^[^\s:]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/, { error: 'expected "host" or "host:port"' })
    .optional(),
  expect: z
    .strictObject({
      /** @default NOERROR */
      rcode: z.enum(DNS_RCODES, { error: `expected one of ${DNS_RCODES.join(', ')}` }).default('NOERROR'),
      /** Each of these must be among the answers (MX as "10 mail.example.com"). */
      answers: z.array(z.string()).optional(),
    })
    .prefault({}),
});

export type DnsCheck = ResolvedCheck<z.output<typeof dnsSchema>>;
