/**
 * The heartbeat API on a local port (`vigil monitor --listen HOST:PORT`): node:http in front of
 * `receivePing`. What a client sends is bounded here: a body is read up to the limit and no further,
 * and slow or idle clients cannot hold the port: headers must arrive within seconds, a whole request
 * soon after, an idle connection is closed, and connections are capped per client address and in all.
 * At a cap, a new connection takes the place of the oldest one that is not being answered (still
 * sending its headers, or idle between requests), so 300 slow sockets, even from the job's own host,
 * cannot keep a report out: a slow socket is dropped, not the report.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { PingRequest, PingResponse } from '../checks/heartbeat/receive-ping.js';
import { MAX_PING_BODY_BYTES } from '../core/heartbeat.js';
import type { Log } from '../core/ports.js';

export interface PingServer {
  /** `http://host:port`, with the port the system gave when 0 was asked for. */
  readonly url: string;
  close(): Promise<void>;
}

export interface PingServerLimits {
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

/** A job sends a report or two at a time; a host with 16 connections open is not a job. */
export const PING_SERVER_LIMITS: PingServerLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  maxConnections: 256,
  maxConnectionsPerAddress: 16,
};

export async function startPingServer(
  host: string,
  port: number,
  handle: (request: PingRequest) => Promise<PingResponse>,
  log: Log,
  limits: PingServerLimits = PING_SERVER_LIMITS,
): Promise<PingServer> {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node looks for requests past their header or request timeout only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (req, res) => {
      void serve(req, res, handle, log);
    },
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
function admitConnections(server: ReturnType<typeof createServer>, limits: PingServerLimits): void {
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

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: PingRequest) => Promise<PingResponse>,
  log: Log,
): Promise<void> {
  let answer: PingResponse;
  try {
    const url = new URL(req.url ?? '/', 'http://local');
    const body = await readBounded(req);
    answer = await handle({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body,
    });
    // A body left unread would otherwise be read to its end by the next request on this connection.
    if (body === 'tooLarge') res.setHeader('connection', 'close');
  } catch (error) {
    log.error('heartbeat report failed', { error: String(error) });
    answer = { status: 503, headers: { 'retry-after': '5' }, body: { ok: false, error: 'not recorded: try again' } };
  }
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(`${JSON.stringify(answer.body)}\n`);
  if (res.getHeader('connection') === 'close') res.once('finish', () => req.destroy());
}

/** The body, or `tooLarge` as soon as it is known to be past the limit (without reading the rest). */
function readBounded(req: IncomingMessage): Promise<Buffer | 'tooLarge'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_PING_BODY_BYTES) {
    req.pause();
    return Promise.resolve('tooLarge');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PING_BODY_BYTES) {
        req.off('data', onData);
        req.pause();
        resolve('tooLarge');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
