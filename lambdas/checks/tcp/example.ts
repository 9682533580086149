/** What a tcp check could see: connected (with its banner, when it expects one), a wrong banner, refused. */
import { probeError } from '../shared/classify.js';
import { type Examples, exampleTimings } from '../shared/example.js';
import { observation } from '../shared/probe.js';
import type { TcpCheck } from './schema.js';

export const tcpExamples: Examples<TcpCheck> = (check, status, now) => {
  const answers = check.send !== undefined || check.expectBanner !== undefined;
  const at = now.toISOString();
  const connected = (body: string) =>
    observation(at, {
      timings: exampleTimings({ dns: true, connect: true, answer: answers }),
      body: answers ? Buffer.from(body) : null,
    });
  if (status === 'up') return [connected(check.expectBanner ?? '')];
  if (status === 'degraded') return [];
  return [
    ...(check.expectBanner === undefined ? [] : [connected('')]),
    observation(at, {
      timings: exampleTimings({ dns: true }),
      error: probeError('connect_refused', `connection refused by ${check.host}`),
    }),
  ];
};
