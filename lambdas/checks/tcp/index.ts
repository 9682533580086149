import type { CheckTypeDefinition } from '../check-type.js';
import { judgeTcp } from './judge.js';
import { probeTcp } from './probe.js';
import { type TcpCheck, tcpSchema } from './schema.js';

export const tcp = { schema: tcpSchema, probe: probeTcp, judge: judgeTcp } satisfies CheckTypeDefinition<TcpCheck>;
