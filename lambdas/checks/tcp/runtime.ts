import type { CheckRuntime } from '../check-type.js';
import { tcpExamples } from './example.js';
import { judgeTcp } from './judge.js';
import { probeTcp, type TcpObservation } from './probe.js';
import type { TcpCheck } from './schema.js';

export const tcpRuntime = {
  probe: probeTcp,
  judge: judgeTcp,
  examples: tcpExamples,
  aimedAt: (check, { host, port }) => ({ ...check, host, port }),
} satisfies CheckRuntime<TcpCheck, TcpObservation>;
