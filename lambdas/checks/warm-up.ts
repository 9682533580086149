/**
 * A process's first probes would run on code the JIT has never seen: compiling it as responses arrive
 * adds tens of milliseconds to their timings (and on a Lambda's fraction of a vCPU, a throttled
 * scheduler period; bench/results/lambda.md). So before the first real probe each configured http and
 * tcp check runs once against a target inside this process, with placeholder secrets, and its result
 * is thrown away.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Check } from './registry.js';
import { runCheck } from './run.js';

const PLACEHOLDER_SECRET = async () => 'warm-up';

/** How hard to warm up: rounds of probes run `width` at a time. */
export interface WarmUpEffort {
  readonly rounds: number;
  readonly width: number;
}

export async function warmUp(checks: readonly Check[], now: () => Date, effort: WarmUpEffort): Promise<void> {
  const http = checks.find((c) => c.type === 'http');
  const tcp = checks.find((c) => c.type === 'tcp');
  if (!http && !tcp) return;
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const context = { resolveSecret: PLACEHOLDER_SECRET, now };
  try {
    const target = http && { ...http, url: `http://127.0.0.1:${port}/`, retries: 0, followRedirects: false, timeoutMs: 1_000 };
    for (let round = 0; target && round < effort.rounds; round++) {
      await Promise.all(Array.from({ length: effort.width }, () => runCheck(target, context)));
    }
    if (tcp) await runCheck({ ...tcp, host: '127.0.0.1', port, retries: 0, timeoutMs: 1_000 }, context);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
