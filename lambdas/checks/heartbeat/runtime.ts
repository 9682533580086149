import type { CheckRuntime } from '../check-type.js';
import { heartbeatExamples } from './example.js';
import { judgeHeartbeat } from './judge.js';
import { type HeartbeatObservation, probeHeartbeat } from './probe.js';
import type { HeartbeatCheck } from './schema.js';

export const heartbeatRuntime = {
  probe: probeHeartbeat,
  judge: judgeHeartbeat,
  examples: heartbeatExamples,
  untimed: true,
} satisfies CheckRuntime<HeartbeatCheck, HeartbeatObservation>;
