import type { CheckRuntime } from '../check-type.js';
import { judgeTcp } from './judge.js';
import { probeTcp, type TcpObservation } from './probe.js';
import type { TcpCheck } from './schema.js';

export const tcpRuntime = { probe: probeTcp, judge: judgeTcp } satisfies CheckRuntime<TcpCheck, TcpObservation>;
