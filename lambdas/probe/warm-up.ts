/**
 * A sandbox's first cycle would probe on code the JIT has never run, and on a fraction of a vCPU the
 * compiling stalls the first probes by a scheduler period or more (bench/results/lambda.md). So before
 * its first cycle the probe runs each configured http and tcp check once against a target inside this
 * process, with placeholder secrets, and throws the results away: the real probes then start warm.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCheck } from '../checks/run.js';
import type { Check } from '../core/config.js';

const PLACEHOLDER_SECRET = async () => 'warm-up';

export async function warmUp(checks: readonly Check[], now: () => Date): Promise<void> {
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
    if (http) {
      await runCheck(
        { ...http, url: `http://127.0.0.1:${port}/`, retries: 0, followRedirects: false, timeoutMs: 1_000 },
        context,
      );
    }
    if (tcp) await runCheck({ ...tcp, host: '127.0.0.1', port, retries: 0, timeoutMs: 1_000 }, context);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
