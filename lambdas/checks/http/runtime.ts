import type { CheckRuntime } from '../check-type.js';
import { httpExamples } from './example.js';
import type { HttpObservation } from './exchange.js';
import { judgeHttp } from './judge.js';
import { probeHttp } from './probe.js';
import type { HttpCheck } from './schema.js';

export const httpRuntime = {
  probe: probeHttp,
  judge: judgeHttp,
  examples: httpExamples,
  aimedAt: (check, { host, port }) => ({ ...check, url: `http://${host}:${port}/`, followRedirects: false }),
} satisfies CheckRuntime<HttpCheck, HttpObservation>;
