/** A heartbeat has nothing to connect to: its "probe" reads the runs the job reported. */
import { initialHeartbeat } from '../../core/heartbeat.js';
import { noTimings, observation, type Probe } from '../shared/probe.js';
import type { HeartbeatCheck } from './schema.js';

export const probeHeartbeat: Probe<HeartbeatCheck> = async (check, context) => {
  const now = context.now();
  const state = context.heartbeats ? await context.heartbeats.readHeartbeat(check.id, now) : initialHeartbeat(check.id, now);
  return observation(now.toISOString(), { timings: noTimings(0), heartbeat: state });
};
