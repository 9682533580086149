import type { CheckTypeDefinition } from '../check-type.js';
import { judgeTcp } from './judge.js';
import { probeTcp } from './probe.js';
import { type TcpCheck, tcpSchema } from './schema.js';

export const tcp = {
  schema: tcpSchema,
  // A connect-only check times the handshake; one that sends or expects bytes times an answer.
  latency: (check) => (check.send !== undefined || check.expectBanner !== undefined ? 'response' : 'connection'),
  probe: probeTcp,
  judge: judgeTcp,
} satisfies CheckTypeDefinition<TcpCheck>;
