/** The `tls` check's fields (★ config contract; README "checks"). */
import * as z from 'zod';
import { checkSchema, port, type ResolvedCheck } from '../../core/schema-parts.js';

export const tlsSchema = checkSchema('tls', {
  host: z.string().min(1),
  /** @default 443 */
  port: port.default(443),
  /** SNI and the name the certificate must match. @default host */
  servername: z.string().min(1).optional(),
  /** PEM file of extra trusted CAs, relative to the config file. The loader inlines it as `ca`. */
  caFile: z.string().min(1).optional(),
  ca: z.string().min(1).optional(),
  expect: z
    .strictObject({
      /** Fewer days left → down. @default 7 */
      certMinDaysRemaining: z.number().int().min(0).default(7),
      /** Fewer days left → degraded. @default 21 */
      certWarnDaysRemaining: z.number().int().min(0).default(21),
    })
    .prefault({}),
});

export type TlsCheck = ResolvedCheck<z.output<typeof tlsSchema>>;
