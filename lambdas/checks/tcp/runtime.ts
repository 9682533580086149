import type { CheckRuntime } from '../check-type.js';
import { tcpExamples } from './example.js';
import { judgeTcp } from './judge.js';
import { probeTcp } from './probe.js';
import type { TcpCheck } from './schema.js';

export const tcpRuntime = { probe: probeTcp, judge: judgeTcp, examples: tcpExamples } satisfies CheckRuntime<TcpCheck>;
