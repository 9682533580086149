/** TCP probe: the port accepts a connection within the deadline. */
import { connect, isIP } from 'node:net';
import type { TcpCheck } from '../core/config.js';
import type { ProbeError } from '../core/types.js';
import { classifyError, deadlineError, type Phase } from './classify.js';
import { type Probe, since } from './probe.js';

export const probeTcp: Probe<TcpCheck> = (check, context) => {
  const startedAt = context.now().toISOString();
  const t0 = performance.now();
  let phase: Phase = isIP(check.host) ? 'connect' : 'dns';
  let dnsAt: number | undefined;

  return new Promise((resolve) => {
    const socket = connect({ host: check.host, port: check.port });
    const finish = (error: ProbeError | null, connectedAt?: number) => {
      clearTimeout(deadline);
      socket.destroy();
      resolve({
        startedAt,
        timings: {
          dnsMs: dnsAt === undefined ? null : since(t0, dnsAt),
          connectMs: connectedAt === undefined ? null : since(dnsAt ?? t0, connectedAt),
          tlsMs: null,
          ttfbMs: null,
          totalMs: since(t0),
        },
        error,
        httpStatus: null,
        headers: {},
        body: null,
        certificate: null,
      });
    };
    const deadline = setTimeout(() => finish(deadlineError(phase, check.timeoutMs, check.host)), check.timeoutMs);
    socket.once('lookup', (error) => {
      if (error) return;
      dnsAt = performance.now();
      phase = 'connect';
    });
    socket.once('connect', () => finish(null, performance.now()));
    socket.once('error', (error) => finish(classifyError(error, phase, check.host)));
  });
};
