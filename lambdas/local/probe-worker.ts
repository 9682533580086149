/**
 * The monitor's probe thread (lambdas/local/probe-thread.ts starts it): runs the probes it is asked for
 * and posts their results back. Its event loop does nothing else, so a response is read the moment it
 * arrives, whatever the monitor's own thread is storing and deciding.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { localSecretResolver } from '../adapters/secrets.js';
import type { Check } from '../checks/registry.js';
import { runCheck } from '../checks/run.js';
import { VigilFault } from '../core/errors.js';
import type { Log } from '../core/ports.js';
import type { FromProbeThread, ProbeThreadData, ToProbeThread } from './probe-thread.js';

const port = parentPort;
if (!port) throw new Error('probe-worker runs as a worker thread of vigil monitor');
const data = workerData as ProbeThreadData;
const checks = new Map<string, Check>(data.checks.map((c) => [c.id, c]));
const resolveSecret = localSecretResolver(data.env);
const post = (message: FromProbeThread) => port.postMessage(message);
const log: Log = {
  info: (message, attributes) => post({ log: { level: 'info', message, attributes } }),
  warn: (message, attributes) => post({ log: { level: 'warn', message, attributes } }),
  error: (message, attributes) => post({ log: { level: 'error', message, attributes } }),
};

port.on('message', async ({ n, checkId, location }: ToProbeThread) => {
  const check = checks.get(checkId);
  if (!check) return post({ n, fault: { message: `probe thread has no check "${checkId}"`, source: 'host' } });
  try {
    const context = { resolveSecret, now: () => new Date(), ...(location ? { location } : {}) };
    post({ n, result: await runCheck(check, context, { log }) });
  } catch (error) {
    // runCheck throws only a VigilFault; anything else is a bug here, and still Vigil's, not the target's.
    const fault = error instanceof VigilFault ? error : new VigilFault(`probe thread: ${String(error)}`);
    post({ n, fault: { message: fault.message, source: fault.source } });
  }
});
