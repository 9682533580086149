import type { CheckRuntime } from '../check-type.js';
import { httpExamples } from './example.js';
import { judgeHttp } from './judge.js';
import { probeHttp } from './probe.js';
import type { HttpCheck } from './schema.js';

export const httpRuntime = { probe: probeHttp, judge: judgeHttp, examples: httpExamples } satisfies CheckRuntime<HttpCheck>;
