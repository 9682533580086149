/** TCP probe: the port accepts a connection within the deadline; optionally a banner is checked. */
import { connect } from 'node:net';
import type { ProbeError } from '../../core/types.js';
import { classifyError, deadlineError } from '../shared/classify.js';
import type { Observation } from '../shared/observation.js';
import { PhaseClock } from '../shared/phase-clock.js';
import type { Probe } from '../shared/probe.js';
import type { TcpCheck } from './schema.js';

/** Most banner bytes read. */
const MAX_BANNER_BYTES = 64 * 1024;

/** What a tcp check saw: with `expectBanner`, what the server sent first (null without). */
export interface TcpObservation extends Observation {
  readonly banner: Buffer | null;
}

export const probeTcp: Probe<TcpCheck, TcpObservation> = (check, context) => {
  const startedAt = context.now().toISOString();
  const clock = new PhaseClock(check.host);
  const received: Buffer[] = [];
  let receivedBytes = 0;
  const wanted = check.expectBanner === undefined ? null : Buffer.from(check.expectBanner, 'utf8');
  // The bytes a match could still start in: each chunk is searched once, with just enough before it,
  // so a banner dribbled a byte at a time costs linear time, not quadratic.
  let carry = Buffer.alloc(0);

  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host: check.host, port: check.port });
    const finish = (error: ProbeError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      const banner = check.expectBanner === undefined ? null : Buffer.concat(received);
      resolve({ startedAt, timings: { ...clock.timings(), transferMs: null }, error, banner });
    };
    const deadline = setTimeout(() => {
      // Waiting for a banner that never came is not a transport failure: judge what arrived.
      if (clock.phase === 'body') finish(null);
      else finish(deadlineError(clock.phase, check.timeoutMs, check.host));
    }, check.timeoutMs);
    clock.watch(socket, 'body');
    socket.once('connect', () => {
      if (check.expectBanner === undefined) return finish(null);
      if (check.send !== undefined) socket.write(check.send);
    });
    socket.on('data', (chunk: Buffer) => {
      clock.mark('firstByte');
      received.push(chunk);
      receivedBytes += chunk.length;
      const window = Buffer.concat([carry, chunk]);
      if ((wanted && window.includes(wanted)) || receivedBytes >= MAX_BANNER_BYTES) return finish(null);
      carry = wanted ? window.subarray(Math.max(0, window.length - (wanted.length - 1))) : carry;
    });
    socket.once('end', () => finish(null));
    socket.once('error', (error) => finish(clock.phase === 'body' ? null : classifyError(error, clock.phase, check.host)));
  });
};
