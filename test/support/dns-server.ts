/** A tiny authoritative DNS server on 127.0.0.1 (UDP) answering from a table: a real peer for the dns probe. */
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';

export interface Zone {
  /** "name TYPE" → answers; a name missing from the zone is NXDOMAIN. */
  readonly records: Record<string, Answer[]>;
  /** Names answered with SERVFAIL. */
  readonly servfail?: readonly string[];
  /** Names never answered. */
  readonly silent?: readonly string[];
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

export async function startDnsServer(zone: Zone): Promise<{ address: string; close: () => Promise<void> }> {
  const socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question || zone.silent?.includes(question.name)) return;
    const known = Object.keys(zone.records).some((key) => key.startsWith(`${question.name} `));
    const answers = zone.records[`${question.name} ${question.type}`] ?? [];
    const rcode = zone.servfail?.includes(question.name) ? RCODE.SERVFAIL : known ? RCODE.NOERROR : RCODE.NXDOMAIN;
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode,
      questions: [question],
      answers: rcode === RCODE.NOERROR ? answers : [],
    });
    socket.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(socket.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
