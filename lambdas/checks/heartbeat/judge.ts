import { heartbeatVerdict, initialHeartbeat } from '../../core/heartbeat.js';
import type { Judge } from '../shared/verdict.js';
import type { HeartbeatCheck } from './schema.js';

/** Late, failed, over its run time or under its success rate: lambdas/core/heartbeat.ts decides. */
export const judgeHeartbeat: Judge<HeartbeatCheck> = (check, observation, now) => {
  const verdict = heartbeatVerdict(check, observation.heartbeat ?? initialHeartbeat(check.id, now), now);
  return { error: verdict.error, degraded: verdict.status === 'degraded', detail: verdict.detail, heartbeat: verdict.summary };
};
