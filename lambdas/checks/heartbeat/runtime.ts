import type { CheckRuntime } from '../check-type.js';
import { judgeHeartbeat } from './judge.js';
import { probeHeartbeat } from './probe.js';
import type { HeartbeatCheck } from './schema.js';

export const heartbeatRuntime = { probe: probeHeartbeat, judge: judgeHeartbeat } satisfies CheckRuntime<HeartbeatCheck>;
