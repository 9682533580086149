import type { CheckTypeDefinition } from '../check-type.js';
import { type TlsCheck, tlsSchema } from './schema.js';

export const tls = {
  schema: tlsSchema,
  latency: () => 'connection',
  problems: (check) => {
    const { certMinDaysRemaining: min, certWarnDaysRemaining: warn } = check.expect;
    const problems = warn < min ? [`expect.certWarnDaysRemaining: ${warn} must not be below certMinDaysRemaining ${min}`] : [];
    if (check.caFile && check.ca) problems.push('caFile: give caFile or ca, not both');
    return problems;
  },
  // tls checks keep their TLS options at the top.
  inlineFiles: (raw, read) => {
    if (typeof raw.caFile !== 'string') return raw;
    const { caFile, ...rest } = raw;
    return { ...rest, ca: read(caFile as string, 'caFile') };
  },
} satisfies CheckTypeDefinition<TlsCheck>;
