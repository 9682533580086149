import type { CheckTypeDefinition } from '../check-type.js';
import { type TcpCheck, tcpSchema } from './schema.js';

export const tcp = {
  schema: tcpSchema,
  // A connect-only check times the handshake; one that sends or expects bytes times an answer.
  latency: (check) => (check.send !== undefined || check.expectBanner !== undefined ? 'response' : 'connection'),
} satisfies CheckTypeDefinition<TcpCheck>;
