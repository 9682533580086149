/** Reads an ★ alert event back from an SNS message body, refusing anything that is not one. */
import * as z from 'zod';
import { type AlertEvent, alertEventSchema } from './types.js';

/** `message` is the SNS body already read as JSON. */
export function parseAlertEvent(message: unknown): AlertEvent {
  const parsed = alertEventSchema.safeParse(message);
  if (!parsed.success) throw new Error(`not a Vigil alert event: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
  return parsed.data;
}
