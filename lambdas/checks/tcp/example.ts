/** What a tcp check could see: connected (with its banner, when it expects one), a wrong banner, refused. */
import { probeError } from '../shared/classify.js';
import { type Examples, exampleTimings } from '../shared/example.js';
import type { TcpObservation } from './probe.js';
import type { TcpCheck } from './schema.js';

export const tcpExamples: Examples<TcpCheck, TcpObservation> = (check, status, now) => {
  const answers = check.send !== undefined || check.expectBanner !== undefined;
  const at = now.toISOString();
  const connected = (banner: string): TcpObservation => ({
    startedAt: at,
    timings: exampleTimings({ dns: true, connect: true, answer: answers }),
    error: null,
    banner: answers ? Buffer.from(banner) : null,
  });
  if (status === 'up') return [connected(check.expectBanner ?? '')];
  if (status === 'degraded') return [];
  return [
    ...(check.expectBanner === undefined ? [] : [connected('')]),
    {
      startedAt: at,
      timings: exampleTimings({ dns: true }),
      error: probeError('connect_refused', `connection refused by ${check.host}`),
      banner: null,
    },
  ];
};
