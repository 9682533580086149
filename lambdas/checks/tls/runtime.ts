import type { CheckRuntime } from '../check-type.js';
import { tlsExamples } from './example.js';
import { judgeTls } from './judge.js';
import { probeTls, type TlsObservation } from './probe.js';
import type { TlsCheck } from './schema.js';

export const tlsRuntime = { probe: probeTls, judge: judgeTls, examples: tlsExamples } satisfies CheckRuntime<
  TlsCheck,
  TlsObservation
>;
