import type { CheckRuntime } from '../check-type.js';
import { judgeHeartbeat } from './judge.js';
import { type HeartbeatObservation, probeHeartbeat } from './probe.js';
import type { HeartbeatCheck } from './schema.js';

export const heartbeatRuntime = {
  probe: probeHeartbeat,
  judge: judgeHeartbeat,
  untimed: true,
} satisfies CheckRuntime<HeartbeatCheck, HeartbeatObservation>;
