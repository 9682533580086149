/** Reads an ★ alert event back from an SNS message body, refusing anything that is not one. */
import { z } from 'zod';
import type { AlertEvent } from './types.js';
import { ERROR_KINDS } from './types.js';

const timings = z.object({
  dnsMs: z.number().nullable(),
  connectMs: z.number().nullable(),
  tlsMs: z.number().nullable(),
  ttfbMs: z.number().nullable(),
  transferMs: z.number().nullable().default(null),
  totalMs: z.number(),
});

const result = z.object({
  checkId: z.string(),
  status: z.enum(['up', 'degraded', 'down']),
  error: z.object({ kind: z.enum(ERROR_KINDS), message: z.string() }).nullable(),
  httpStatus: z.number().nullable(),
  timings,
  startedAt: z.string(),
  detail: z.string().nullable().default(null),
});

const alertEvent = z.object({
  version: z.literal(1),
  kind: z.enum(['down', 'degraded', 'recovered', 'reminder', 'flapping', 'test']),
  checkId: z.string(),
  checkName: z.string(),
  severity: z.enum(['critical', 'warning', 'info']),
  dedupKey: z.string(),
  incidentId: z.string().nullable(),
  incidentStartedAt: z.string().nullable().default(null),
  from: z.enum(['down', 'degraded']).nullable().default(null),
  note: z.string().nullable().default(null),
  group: z
    .object({
      name: z.string(),
      members: z.array(
        z.object({
          checkId: z.string(),
          checkName: z.string(),
          dedupKey: z.string(),
          incidentId: z.string().nullable(),
          incidentStartedAt: z.string().nullable().default(null),
          message: z.string().nullable(),
        }),
      ),
    })
    .nullable()
    .default(null),
  at: z.string(),
  result: result.nullable(),
  dashboardUrl: z.string().nullable(),
  runbookUrl: z.string().nullable(),
});

/** `message` is the SNS body already read as JSON. */
export function parseAlertEvent(message: unknown): AlertEvent {
  const parsed = alertEvent.safeParse(message);
  if (!parsed.success) throw new Error(`not a Vigil alert event: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
  return parsed.data;
}
