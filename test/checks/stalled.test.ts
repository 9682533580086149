/** Targets that stall in one phase: the probe ends at its deadline with that phase's kind, and says which. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../lambdas/checks/run.js';
import { parseConfig } from '../../lambdas/config/parse.js';
import { plainContext } from '../support/checks.js';
import { type Running, startTcp, unansweredPort } from '../support/servers.js';

let unanswered: Awaited<ReturnType<typeof unansweredPort>>;
let silent: Running;

beforeAll(async () => {
  unanswered = await unansweredPort();
  // Accepts the connection and never says a word: no TLS handshake ever completes.
  silent = await startTcp(() => {});
});
afterAll(() => Promise.all([unanswered.close(), silent.close()]));

const probe = async (fields: Record<string, unknown>) => {
  const check = parseConfig({ checks: [{ id: 'stalled', timeout: '600ms', ...fields }] }).checks[0];
  const started = performance.now();
  const result = await runCheck(check as never, plainContext);
  return { result, elapsed: performance.now() - started };
};

describe('a target that stalls', () => {
  it.each([
    ['http', () => ({ type: 'http', url: `http://127.0.0.1:${unanswered.port}/` })],
    ['tcp', () => ({ type: 'tcp', host: '127.0.0.1', port: unanswered.port })],
  ])('in the TCP handshake: %s is connect_timeout at the deadline', async (_type, fields) => {
    const { result, elapsed } = await probe(fields());
    expect(result.error).toEqual({ kind: 'connect_timeout', message: 'TCP connect to 127.0.0.1 did not finish within 600 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(600 + 500);
  });

  it.each([
    ['https', () => ({ type: 'http', url: `https://127.0.0.1:${silent.port}/` })],
    ['tls', () => ({ type: 'tls', host: '127.0.0.1', port: silent.port })],
  ])('in the TLS handshake: %s is timeout at the deadline, naming the handshake', async (_type, fields) => {
    const { result, elapsed } = await probe(fields());
    expect(result.error).toEqual({ kind: 'timeout', message: 'TLS handshake with 127.0.0.1 did not finish within 600 ms' });
    expect(result.timings.connectMs).toBeTypeOf('number');
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(600 + 500);
  });
});
