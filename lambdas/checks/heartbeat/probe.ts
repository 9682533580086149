/** A heartbeat has nothing to connect to: its "probe" reads the runs the job reported. */
import { VigilFault } from '../../core/errors.js';
import { type HeartbeatState, initialHeartbeat } from '../../core/heartbeat.js';
import type { Observation } from '../shared/observation.js';
import { noTimings, type Probe } from '../shared/probe.js';
import type { HeartbeatCheck } from './schema.js';

/** What a heartbeat check "saw": the runs its job reported so far. */
export interface HeartbeatObservation extends Observation {
  readonly heartbeat: HeartbeatState;
}

export const probeHeartbeat: Probe<HeartbeatCheck, HeartbeatObservation> = async (check, context) => {
  const now = context.now();
  // Runs that could not be read say nothing about the job: Vigil's store failed, not the job.
  const state = context.heartbeats
    ? await context.heartbeats.readHeartbeat(check.id, now).catch((error) => {
        throw new VigilFault(`heartbeat runs not read: ${String(error)}`, 'store');
      })
    : initialHeartbeat(check.id, now);
  return observeHeartbeat(state, now);
};

/** The runs recorded so far, as an observation the judge reads: a scheduled look's, or a report's as it lands. */
export function observeHeartbeat(state: HeartbeatState, now: Date): HeartbeatObservation {
  return { startedAt: now.toISOString(), timings: noTimings(0), error: null, heartbeat: state };
}
