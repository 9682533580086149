import { heartbeatVerdict } from '../../core/heartbeat.js';
import type { Judge } from '../shared/verdict.js';
import type { HeartbeatObservation } from './probe.js';
import type { HeartbeatCheck } from './schema.js';

/** Late, failed, over its run time or under its success rate: lambdas/core/heartbeat.ts decides. */
export const judgeHeartbeat: Judge<HeartbeatCheck, HeartbeatObservation> = (check, observation, now) => {
  const verdict = heartbeatVerdict(check, observation.heartbeat, now);
  return { error: verdict.error, degraded: verdict.status === 'degraded', detail: verdict.detail, heartbeat: verdict.summary };
};
