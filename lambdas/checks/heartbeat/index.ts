import { cronProblem } from '../../core/maintenance.js';
import type { CheckTypeDefinition } from '../check-type.js';
import { type HeartbeatCheck, heartbeatSchema, MIN_TOKEN_CHARS } from './schema.js';

function problems(check: HeartbeatCheck): string[] {
  const found: string[] = [];
  if ((check.every === undefined) === (check.cron === undefined)) {
    found.push('every: a heartbeat takes one of every (like "1h") or cron (like "0 2 * * *")');
  }
  if (check.cron !== undefined) {
    const problem = cronProblem(check.cron, check.timezone);
    if (problem) found.push(`cron: ${problem}`);
  }
  if (typeof check.token === 'string' && check.token.length < MIN_TOKEN_CHARS) {
    found.push(`token: at least ${MIN_TOKEN_CHARS} characters (a short token can be guessed), got ${check.token.length}`);
  }
  return found;
}

/** The token is the heartbeat endpoint's to resolve, not the probe's: lib/stack-config.ts grants it there. */
export const heartbeat = {
  schema: heartbeatSchema,
  latency: () => 'none',
  problems,
  // A report is the job's own word, not a sample: a failure is down at once, a success ends it.
  thresholds: { failure: 1, success: 1 },
} satisfies CheckTypeDefinition<HeartbeatCheck>;
