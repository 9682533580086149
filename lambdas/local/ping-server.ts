/**
 * The heartbeat API on a local port (`vigil monitor --listen HOST:PORT`): node:http in front of
 * `receivePing`. What a client sends is bounded here: a body is read up to the limit and no further;
 * slow or idle clients cannot hold the port (bounded-server.ts), so 300 slow sockets, even from the
 * job's own host, cannot keep a report out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PingRequest, PingResponse } from '../checks/heartbeat/receive-ping.js';
import { MAX_PING_BODY_BYTES } from '../core/heartbeat.js';
import type { Log } from '../core/ports.js';
import { type BoundedServer, listenBounded, SERVER_LIMITS, type ServerLimits } from './bounded-server.js';

export type PingServer = BoundedServer;
export type PingServerLimits = ServerLimits;
/** A job sends a report or two at a time; a host with 16 connections open is not a job. */
export const PING_SERVER_LIMITS: PingServerLimits = SERVER_LIMITS;

export async function startPingServer(
  host: string,
  port: number,
  handle: (request: PingRequest) => Promise<PingResponse>,
  log: Log,
  limits: PingServerLimits = PING_SERVER_LIMITS,
): Promise<PingServer> {
  return listenBounded(
    host,
    port,
    (req, res) => {
      void serve(req, res, handle, log);
    },
    limits,
  );
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
