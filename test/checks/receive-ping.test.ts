/**
 * The heartbeat API's refusals (lambdas/checks/heartbeat/receive-ping.ts): which ids exist is told only to a
 * caller holding a valid token. Every refusal here is decided before the store is touched.
 */
import { describe, expect, it } from 'vitest';
import { type PingDeps, type PingRequest, receivePing } from '../../lambdas/checks/heartbeat/receive-ping.js';
import type { SecretRef } from '../../lambdas/config/parse.js';
import { config } from '../support/checks.js';
import { recordingLog } from '../support/log.js';

const NIGHTLY_TOKEN = 'nightly-token-0123456789';
const WEEKLY_TOKEN = 'weekly-token-0123456789';
const { checks } = config({
  checks: [
    { id: 'nightly', type: 'heartbeat', every: '1d', token: NIGHTLY_TOKEN },
    { id: 'weekly', type: 'heartbeat', every: '7d', token: { env: 'WEEKLY_TOKEN' } },
    { id: 'api', type: 'http', url: 'https://api.example.com/health' },
  ],
});

/** Deps whose store answers nothing: a request that gets past the refusals reaches it and stops there. */
function deps(env: Record<string, string> = { WEEKLY_TOKEN }) {
  const resolved: SecretRef[] = [];
  const unreachable = () => {
    throw new Error('reached the store');
  };
  const log = recordingLog();
  const value: PingDeps = {
    checks,
    heartbeats: { readHeartbeat: unreachable, putHeartbeat: unreachable, putRun: unreachable, listRuns: unreachable },
    resolveSecret: async (ref: SecretRef) => {
      resolved.push(ref);
      if (typeof ref === 'string') return ref;
      const token = 'env' in ref ? env[ref.env] : undefined;
      if (token === undefined) throw new Error(`${JSON.stringify(ref)} is not set`);
      return token;
    },
    log,
    now: () => new Date('2026-11-22T10:00:00Z'),
  } as unknown as PingDeps;
  return { value, resolved, log };
}

const request = (path: string, token: string | null): PingRequest => ({
  method: 'POST',
  path,
  query: new URLSearchParams(),
  authorization: token === null ? undefined : `Bearer ${token}`,
  body: Buffer.alloc(0),
});

describe('receivePing: the token before the id', () => {
  it('answers an unknown id as it answers a known one with no token or a wrong one, after the same work', async () => {
    for (const token of [null, 'guessed-token-0123456789']) {
      const known = deps();
      const unknown = deps();
      const onKnown = await receivePing(request('/ping/nightly', token), known.value);
      const onUnknown = await receivePing(request('/ping/no-such-job', token), unknown.value);
      const onProbed = await receivePing(request('/ping/api', token), deps().value);
      expect(onUnknown).toEqual(onKnown);
      expect(onProbed).toEqual(onKnown);
      expect(onKnown.status).toBe(token === null ? 401 : 403);
      // The same tokens were looked at whichever id was asked for: the time taken does not tell either.
      expect(unknown.resolved).toEqual(known.resolved);
    }
    const unknown = deps();
    await receivePing(request('/ping/no-such-job', 'guessed-token-0123456789'), unknown.value);
    expect(unknown.resolved).toEqual([NIGHTLY_TOKEN, { env: 'WEEKLY_TOKEN' }]);
  });

  it('tells a caller holding a token of some check that an id is unknown (404), and not another check’s', async () => {
    expect(await receivePing(request('/ping/no-such-job', WEEKLY_TOKEN), deps().value)).toEqual({
      status: 404,
      body: { ok: false, error: 'no heartbeat check "no-such-job"' },
    });
    expect((await receivePing(request('/ping/nightly', WEEKLY_TOKEN), deps().value)).status).toBe(403);
    await expect(receivePing(request('/ping/nightly', NIGHTLY_TOKEN), deps().value)).rejects.toThrow('reached the store');
  });

  it('answers 503 when a token that could be the caller’s cannot be read, whatever the id, and logs which', async () => {
    const missing = deps({});
    const onKnown = await receivePing(request('/ping/weekly', WEEKLY_TOKEN), missing.value);
    const onUnknown = await receivePing(request('/ping/no-such-job', WEEKLY_TOKEN), deps({}).value);
    expect(onKnown).toMatchObject({ status: 503, headers: { 'retry-after': '30' } });
    expect(onUnknown).toEqual(onKnown);
    expect(missing.log.lines).toMatchObject([
      { level: 'error', message: 'heartbeat token could not be resolved', attributes: { checkId: 'weekly' } },
    ]);
    // The other checks' reports still go through.
    await expect(receivePing(request('/ping/nightly', NIGHTLY_TOKEN), deps({}).value)).rejects.toThrow('reached the store');
  });

  it('refuses a bad report name the same way for any id, before any token is read', async () => {
    const known = deps();
    const onKnown = await receivePing(request('/ping/nightly/reboot', null), known.value);
    expect(await receivePing(request('/ping/no-such-job/reboot', null), deps().value)).toEqual(onKnown);
    expect(onKnown.status).toBe(404);
    expect(known.resolved).toEqual([]);
  });
});
