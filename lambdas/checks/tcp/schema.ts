/** The `tcp` check's fields (★ config contract; README "checks"). */
import * as z from 'zod';
import { checkSchema, port, type ResolvedCheck } from '../../core/schema-parts.js';

export const tcpSchema = checkSchema('tcp', {
  host: z.string().min(1),
  port,
  /** Written once connected (e.g. "PING\r\n"). */
  send: z.string().optional(),
  /** The bytes received must contain this (read up to 64 KiB). */
  expectBanner: z.string().min(1).optional(),
});

export type TcpCheck = ResolvedCheck<z.output<typeof tcpSchema>>;
