/** Build validated checks the way users write them, so tests exercise the real schema and defaults. */
import {
  type Check,
  type Config,
  type HeartbeatCheck,
  type HttpCheck,
  parseConfig,
  type TcpCheck,
} from '../../lambdas/config/parse.js';
import { ConfigError } from '../../lambdas/core/errors.js';

export function config(document: Record<string, unknown>): Config {
  return parseConfig(document);
}

/** The problems a config is refused with; fails the test when it is accepted. */
export function problemsOf(document: unknown): readonly string[] {
  try {
    parseConfig(document);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

/** An http check as written in a config document (before validation), with `fields` over the usual ones. */
export const httpEntry = (fields: Record<string, unknown> = {}) => ({
  id: 'api',
  type: 'http',
  url: 'https://api.example.com/health',
  ...fields,
});

export function httpCheck(fields: Record<string, unknown>): HttpCheck {
  return parseConfig({ checks: [{ id: 'test-check', type: 'http', ...fields }] }).checks[0] as HttpCheck;
}

export function tcpCheck(fields: Record<string, unknown>): TcpCheck {
  return parseConfig({ checks: [{ id: 'test-check', type: 'tcp', ...fields }] }).checks[0] as TcpCheck;
}

export const plainContext = {
  resolveSecret: async (ref: unknown) => {
    if (typeof ref !== 'string') throw new Error('test context resolves plain values only');
    return ref;
  },
  now: () => new Date(),
};

export type { Check };

/** A token long enough for the schema: what heartbeat tests send as their Bearer token. */
export const HEARTBEAT_TOKEN = 'test-token-0123456789';

export function heartbeatCheck(fields: Record<string, unknown>): HeartbeatCheck {
  return parseConfig({ checks: [{ id: 'nightly', type: 'heartbeat', token: HEARTBEAT_TOKEN, ...fields }] })
    .checks[0] as HeartbeatCheck;
}
