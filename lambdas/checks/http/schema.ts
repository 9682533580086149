/** The `http` check's fields (★ config contract; README "checks"). */
import * as z from 'zod';
import { checkSchema, httpUrl, type ResolvedCheck, regex, secretRef } from '../../core/schema-parts.js';

/** [low, high] inclusive, or null when the pattern is not one. */
export function parseStatusPattern(value: unknown): [number, number] | null {
  const valid = (n: number) => Number.isInteger(n) && n >= 100 && n <= 599;
  if (typeof value === 'number') return valid(value) ? [value, value] : null;
  if (typeof value !== 'string') return null;
  const cls = /^([1-5])xx$/i.exec(value);
  if (cls) return [Number(cls[1]) * 100, Number(cls[1]) * 100 + 99];
  const range = /^(\d{3})-(\d{3})$/.exec(value);
  if (range && valid(Number(range[1])) && valid(Number(range[2])) && Number(range[1]) <= Number(range[2])) {
    return [Number(range[1]), Number(range[2])];
  }
  return null;
}

/** A status code, a class like "2xx", or a range like "200-299". */
const statusPattern = z.union([z.number(), z.string()]).refine((value) => parseStatusPattern(value) !== null, {
  error: (issue) =>
    typeof issue.input === 'number'
      ? `expected an HTTP status 100-599, got ${issue.input}`
      : `expected an HTTP status 100-599, a class like "2xx" or a range like "200-299", got ${JSON.stringify(issue.input)}`,
});

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const OPERATORS = ['equals', 'notEquals', 'lt', 'gt', 'contains', 'matches', 'exists'] as const;

/** Exactly one comparison; used by JSON and header assertions. */
const operatorFields = {
  equals: scalar.optional(),
  notEquals: scalar.optional(),
  lt: z.number().optional(),
  gt: z.number().optional(),
  contains: z.string().optional(),
  matches: regex.optional(),
  /** true: must be present; false: must be absent. */
  exists: z.boolean().optional(),
};
const exactlyOneOperator = (value: Record<string, unknown>) => OPERATORS.filter((op) => value[op] !== undefined).length === 1;
const operatorError = `expected exactly one of ${OPERATORS.join(', ')}`;

const jsonAssertion = z
  .strictObject({
    /** `$.a.b[0]` style path into the response body. */
    path: z.string().regex(/^\$/, { error: 'expected a JSONPath starting with $' }),
    ...operatorFields,
  })
  .refine(exactlyOneOperator, { error: operatorError });

const headerAssertion = z
  .strictObject({ name: z.string().min(1), ...operatorFields })
  .refine(exactlyOneOperator, { error: operatorError });

const expect = z.strictObject({
  /** Accepted statuses: codes, classes ("2xx") or ranges ("200-299"). @default ["2xx"] */
  status: z.array(statusPattern).min(1).optional(),
  /** Slower than this → down (`assertion`). */
  maxResponseTimeMs: z.number().positive().optional(),
  /** Slower than this → degraded. */
  degradedResponseTimeMs: z.number().positive().optional(),
  bodyContains: z.string().min(1).optional(),
  bodyNotContains: z.string().min(1).optional(),
  bodyMatches: regex.optional(),
  json: z.array(jsonAssertion).optional(),
  headers: z.array(headerAssertion).optional(),
  /** Fewer days than this until the certificate expires → down (`assertion`). */
  certMinDaysRemaining: z.number().int().min(0).optional(),
});

export const httpSchema = checkSchema('http', {
  url: httpUrl,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string(), secretRef).default({}),
  body: z.string().optional(),
  /** Sent as the Authorization header; never to another host after a redirect. */
  auth: z
    .union(
      [
        z.strictObject({ basic: z.strictObject({ username: z.string(), password: secretRef }) }),
        z.strictObject({ bearer: secretRef }),
      ],
      { error: 'expected { basic: { username, password } } or { bearer: TOKEN }' },
    )
    .optional(),
  tls: z
    .strictObject({
      /** PEM file of extra trusted CAs, relative to the config file. The loader inlines it as `ca`. */
      caFile: z.string().min(1).optional(),
      ca: z.string().min(1).optional(),
      insecureSkipVerify: z.boolean().default(false),
    })
    .optional(),
  /** @default true */
  followRedirects: z.boolean().default(true),
  /** More redirects than this → `redirect_limit`. @default 5 */
  maxRedirects: z.number().int().min(0).max(20).default(5),
  /** Follow a redirect to another host. @default true */
  crossHostRedirects: z.boolean().default(true),
  expect: expect.prefault({}),
  /** Understand `{"status":"healthy|degraded|unhealthy"}` bodies. @default false */
  healthJson: z.boolean().default(false),
  /** Largest body read (after decompression), in bytes. @default 1 MiB */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
});

export type HttpCheck = ResolvedCheck<z.output<typeof httpSchema>>;
export type JsonAssertion = z.output<typeof jsonAssertion>;
export type HeaderAssertion = z.output<typeof headerAssertion>;
export type StatusPattern = z.output<typeof statusPattern>;
