/** The `heartbeat` check's fields (★ config contract; README "Heartbeats"). */
import * as z from 'zod';
import { DAY_MS } from '../../core/duration.js';
import { checkSchema, duration, type ResolvedCheck, secretRef, timeZone } from '../../core/schema-parts.js';

/** Shortest plain token: a secret anyone can guess in a day of requests is no secret. */
export const MIN_TOKEN_CHARS = 16;

export const heartbeatSchema = checkSchema('heartbeat', {
  /** A run is expected this long after the last success. One of `every` or `cron`. */
  every: duration(60_000, 90 * DAY_MS, 'every').optional(),
  /** Five-field cron of when runs are expected, in `timezone`, e.g. "0 2 * * *". */
  cron: z.string().min(1).optional(),
  /** @default UTC */
  timezone: timeZone.default('UTC'),
  /** How late a run may be before the check is down. @default 5m */
  grace: duration(0, 30 * DAY_MS, 'grace').default(5 * 60_000),
  /** What the job sends as `Authorization: Bearer <token>`: `{ secret: NAME }` in AWS. */
  token: secretRef,
  /** A run still going this long after its `start` is down. @default none */
  maxRuntime: duration(1_000, 30 * DAY_MS, 'maxRuntime').optional(),
  /** Over the last `window` finished runs, at least `min` percent must succeed, else `status`. */
  successRate: z
    .strictObject({
      window: z
        .number({ error: 'expected a window of 2 to 100 runs' })
        .int({ error: 'expected a window of 2 to 100 runs' })
        .min(2, { error: 'expected a window of 2 to 100 runs' })
        .max(100, { error: 'expected a window of 2 to 100 runs' }),
      min: z
        .number({ error: 'expected a percentage above 0, at most 100' })
        .gt(0, { error: 'expected a percentage above 0, at most 100' })
        .max(100, { error: 'expected a percentage above 0, at most 100' }),
      /** @default degraded */
      status: z.enum(['degraded', 'down']).default('degraded'),
    })
    .optional(),
});

export type HeartbeatCheck = ResolvedCheck<z.output<typeof heartbeatSchema>>;
