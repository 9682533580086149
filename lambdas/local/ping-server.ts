/**
 * The heartbeat API on a local port (`vigil monitor --listen HOST:PORT`): node:http in front of
 * `receivePing`. What a client sends is bounded here: a body is read up to the limit and no further,
 * slow or idle clients are cut off, and connections are capped.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_PING_BODY_BYTES } from '../core/heartbeat.js';
import type { PingRequest, PingResponse } from '../core/pipeline/ping.js';
import type { Log } from '../core/ports.js';

export interface PingServer {
  /** `http://host:port`, with the port the system gave when 0 was asked for. */
  readonly url: string;
  close(): Promise<void>;
}

/** A whole request, headers to last body byte, must arrive within this. */
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 256;

export async function startPingServer(
  host: string,
  port: number,
  handle: (request: PingRequest) => Promise<PingResponse>,
  log: Log,
): Promise<PingServer> {
  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS / 2 }, (req, res) => {
    void serve(req, res, handle, log);
  });
  server.maxConnections = MAX_CONNECTIONS;
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
