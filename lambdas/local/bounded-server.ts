/**
 * A local HTTP server that slow or idle clients cannot hold: headers must arrive within seconds, a whole
 * request soon after, an idle connection is closed, and connections are capped per client address and in
 * all. At a cap, a new connection takes the place of the oldest one that is not being answered (still
 * sending its headers, or idle between requests), so 300 slow sockets, even from one host, cannot keep a
 * real request out: a slow socket is dropped, not the request. The heartbeat API (`--listen`,
 * ping-server.ts) and the Prometheus endpoint (`--metrics`, monitor-metrics.ts) both listen through it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface BoundedServer {
  /** `http://host:port`, with the port the system gave when 0 was asked for. */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServerLimits {
  /** Request headers must be complete within this. */
  readonly headersTimeoutMs: number;
  /** A whole request, headers to last body byte, must arrive within this. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** A connection on which nothing moves for this long is closed. */
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
}

/** A client sends a request or two at a time; a host with 16 connections open is not a client. */
export const SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  maxConnections: 256,
  maxConnectionsPerAddress: 16,
};

/** Listens on `host:port` (port 0: any free one) and answers each request with `listener`. */
export async function listenBounded(
  host: string,
  port: number,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  limits: ServerLimits = SERVER_LIMITS,
): Promise<BoundedServer> {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node looks for requests past their header or request timeout only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    listener,
  );
  // With no 'timeout' listener, Node destroys a socket that was idle this long.
  server.setTimeout(limits.idleTimeoutMs);
  admitConnections(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Caps connections per client address and in all. Past a cap the oldest connection not being answered
 * goes (of the same address, or of the address holding the most); when every one is being answered,
 * the new connection is refused.
 */
function admitConnections(server: ReturnType<typeof createServer>, limits: ServerLimits): void {
  // Insertion order is age order: the first evictable one found is the oldest.
  const open = new Set<Socket>();
  const byAddress = new Map<string, Set<Socket>>();
  const answering = new WeakSet<Socket>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    answering.add(req.socket);
    res.once('close', () => answering.delete(req.socket));
  });
  const oldestIdle = (sockets: Iterable<Socket>) => {
    for (const socket of sockets) if (!answering.has(socket)) return socket;
    return undefined;
  };
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const own = byAddress.get(address) ?? new Set<Socket>();
    let room = true;
    if (own.size >= limits.maxConnectionsPerAddress) room = evict(oldestIdle(own));
    else if (open.size >= limits.maxConnections) {
      const busiest = [...byAddress.values()].reduce((a, b) => (b.size > a.size ? b : a), own);
      room = evict(oldestIdle(busiest) ?? oldestIdle(open));
    }
    if (!room) {
      socket.destroy();
      return;
    }
    open.add(socket);
    own.add(socket);
    byAddress.set(address, own);
    socket.once('close', () => {
      open.delete(socket);
      own.delete(socket);
      if (own.size === 0 && byAddress.get(address) === own) byAddress.delete(address);
    });
  });
  function evict(socket: Socket | undefined): boolean {
    if (!socket) return false;
    // Gone from the books now: its 'close' comes later, and the new connection takes its place at once.
    open.delete(socket);
    for (const sockets of byAddress.values()) sockets.delete(socket);
    socket.destroy();
    return true;
  }
}
