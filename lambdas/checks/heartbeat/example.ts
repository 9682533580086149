/** What a heartbeat check could see: a recent success, too few successes, no success since long before it was due. */
import { DAY_MS, HOUR_MS } from '../../core/duration.js';
import { type HeartbeatState, initialHeartbeat, nextExpected } from '../../core/heartbeat.js';
import { type Examples, exampleTimings } from '../shared/example.js';
import type { HeartbeatObservation } from './probe.js';
import type { HeartbeatCheck } from './schema.js';

export const heartbeatExamples: Examples<HeartbeatCheck, HeartbeatObservation> = (check, status, now) => {
  const seen = (heartbeat: HeartbeatState): HeartbeatObservation => ({
    startedAt: now.toISOString(),
    timings: exampleTimings({}),
    error: null,
    heartbeat,
  });
  const succeeded = (at: Date, outcomes: string): HeartbeatState => ({
    ...initialHeartbeat(check.id, new Date(at.getTime() - 30 * DAY_MS)),
    lastSuccessAt: at.toISOString(),
    lastRun: { rid: 'r-7f3a', startedAt: null, endedAt: at.toISOString(), ok: true, exitCode: 0, durationMs: null, output: '' },
    outcomes,
  });
  const justNow = new Date(now.getTime() - 1_000);
  if (status === 'up') return [seen(succeeded(justNow, 's'))];
  if (status === 'degraded') {
    const window = check.successRate?.window ?? 0;
    return window > 0 ? [seen(succeeded(justNow, `${'f'.repeat(window - 1)}s`))] : [];
  }
  // The last success long enough ago that the next run is past due and past its grace.
  const late = [HOUR_MS, DAY_MS, 8 * DAY_MS, 32 * DAY_MS, 370 * DAY_MS]
    .map((ago) => new Date(now.getTime() - ago))
    .find((at) => nextExpected(check, at).getTime() + check.grace < now.getTime() - 60_000);
  return late ? [seen(succeeded(late, 's'))] : [];
};
