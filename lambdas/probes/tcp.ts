/** TCP probe: the port accepts a connection within the deadline; optionally a banner is checked. */
import { connect, isIP } from 'node:net';
import type { TcpCheck } from '../core/config.js';
import type { ProbeError } from '../core/types.js';
import { classifyError, deadlineError, type Phase } from './classify.js';
import { observation, type Probe, since } from './probe.js';

/** Most banner bytes read. */
const MAX_BANNER_BYTES = 64 * 1024;

export const probeTcp: Probe<TcpCheck> = (check, context) => {
  const startedAt = context.now().toISOString();
  const t0 = performance.now();
  let phase: Phase = isIP(check.host) ? 'connect' : 'dns';
  let dnsAt: number | undefined;
  let connectedAt: number | undefined;
  let firstByteAt: number | undefined;
  const received: Buffer[] = [];
  let receivedBytes = 0;

  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host: check.host, port: check.port });
    const finish = (error: ProbeError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve(
        observation(startedAt, {
          timings: {
            dnsMs: dnsAt === undefined ? null : since(t0, dnsAt),
            connectMs: connectedAt === undefined ? null : since(dnsAt ?? t0, connectedAt),
            tlsMs: null,
            ttfbMs: firstByteAt === undefined || connectedAt === undefined ? null : since(connectedAt, firstByteAt),
            transferMs: null,
            totalMs: since(t0),
          },
          error,
          body: check.expectBanner === undefined ? null : Buffer.concat(received),
        }),
      );
    };
    const deadline = setTimeout(() => {
      // Waiting for a banner that never came is not a transport failure: judge what arrived.
      if (phase === 'body') finish(null);
      else finish(deadlineError(phase, check.timeoutMs, check.host));
    }, check.timeoutMs);
    socket.once('lookup', (error) => {
      if (error) return;
      dnsAt = performance.now();
      phase = 'connect';
    });
    socket.once('connect', () => {
      connectedAt = performance.now();
      if (check.expectBanner === undefined) return finish(null);
      phase = 'body';
      if (check.send !== undefined) socket.write(check.send);
    });
    socket.on('data', (chunk: Buffer) => {
      firstByteAt ??= performance.now();
      received.push(chunk);
      receivedBytes += chunk.length;
      const text = Buffer.concat(received).toString('utf8');
      if ((check.expectBanner && text.includes(check.expectBanner)) || receivedBytes >= MAX_BANNER_BYTES) finish(null);
    });
    socket.once('end', () => finish(null));
    socket.once('error', (error) => finish(phase === 'body' ? null : classifyError(error, phase, check.host)));
  });
};
