/**
 * A process's first probes would run on code the JIT has never seen: compiling it as responses arrive
 * adds tens of milliseconds to their timings (and on a Lambda's fraction of a vCPU, a throttled
 * scheduler period; bench/results/lambda.md). So before the first real probe one check of each type
 * whose runtime can be aimed at a local server (`aimedAt`: http, tcp) runs against a target inside this
 * process, with placeholder secrets, and its result is thrown away.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CheckResult } from '../core/types.js';
import type { Check } from './registry.js';
import { runCheck } from './run.js';
import { CHECK_RUNTIMES } from './runtimes.js';

const PLACEHOLDER_SECRET = async () => 'warm-up';

/** How hard to warm up: rounds of probes run `width` at a time. */
export interface WarmUpEffort {
  readonly rounds: number;
  readonly width: number;
}

/** Returns the warm-up's own results: they say how the local target answered, nothing about any real one. */
export async function warmUp(checks: readonly Check[], now: () => Date, effort: WarmUpEffort): Promise<CheckResult[]> {
  // One check of each type whose runtime can be aimed at a local server.
  const firstOfType = new Map<string, Check>();
  for (const check of checks)
    if (CHECK_RUNTIMES[check.type].aimedAt && !firstOfType.has(check.type)) firstOfType.set(check.type, check);
  if (firstOfType.size === 0) return [];
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const context = { resolveSecret: PLACEHOLDER_SECRET, now };
  const aimed = [...firstOfType.values()].map((check) => {
    const aim = CHECK_RUNTIMES[check.type].aimedAt as (c: Check, local: { host: string; port: number }) => Check;
    return { ...aim(check, { host: '127.0.0.1', port }), retries: 0, timeoutMs: 1_000 };
  });
  const results: CheckResult[] = [];
  try {
    for (let round = 0; round < effort.rounds; round++) {
      results.push(
        ...(await Promise.all(aimed.flatMap((target) => Array.from({ length: effort.width }, () => runCheck(target, context))))),
      );
    }
    return results;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
