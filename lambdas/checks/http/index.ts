import type { SecretRef } from '../../core/schema-parts.js';
import type { CheckTypeDefinition } from '../check-type.js';
import { type HttpCheck, httpSchema } from './schema.js';

export const http = {
  schema: httpSchema,
  latency: () => 'response',
  secretRefs: (check) => [
    ...Object.entries(check.headers).map(([name, ref]): [string, SecretRef] => [`headers.${name}`, ref]),
    ...(!check.auth
      ? []
      : 'bearer' in check.auth
        ? [['auth.bearer', check.auth.bearer] as const]
        : [['auth.basic.password', check.auth.basic.password] as const]),
  ],
  problems: (check) => {
    const problems: string[] = [];
    const { maxResponseTimeMs: max, degradedResponseTimeMs: degraded } = check.expect;
    if (max !== undefined && degraded !== undefined && degraded >= max) {
      problems.push(`expect.degradedResponseTimeMs: ${degraded} must be below maxResponseTimeMs ${max}`);
    }
    if (check.tls?.caFile && check.tls.ca) problems.push('tls: give caFile or ca, not both');
    return problems;
  },
  // http checks keep TLS options under `tls`.
  inlineFiles: (raw, read) => {
    const tls = raw.tls as { caFile?: unknown } | undefined;
    if (typeof tls?.caFile !== 'string') return raw;
    const { caFile, ...rest } = tls;
    return { ...raw, tls: { ...rest, ca: read(caFile as string, 'tls.caFile') } };
  },
} satisfies CheckTypeDefinition<HttpCheck>;
