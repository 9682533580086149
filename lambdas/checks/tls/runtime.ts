import type { CheckRuntime } from '../check-type.js';
import { judgeTls } from './judge.js';
import { probeTls, type TlsObservation } from './probe.js';
import type { TlsCheck } from './schema.js';

export const tlsRuntime = { probe: probeTls, judge: judgeTls } satisfies CheckRuntime<TlsCheck, TlsObservation>;
