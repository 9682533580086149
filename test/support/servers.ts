/** Real loopback servers for tests: probe targets and stand-ins for Slack and PagerDuty. */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';

export interface Running {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

function closer(server: Server | TcpServer, sockets: Set<Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server | TcpServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

async function listen(server: Server | TcpServer, scheme: string): Promise<Running> {
  const sockets = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, url: `${scheme}://127.0.0.1:${port}`, close: closer(server, sockets) };
}

export function startHttp(handler: RequestListener): Promise<Running> {
  return listen(createServer(handler), 'http');
}

export function startHttps(options: { key: string; cert: string }, handler: RequestListener): Promise<Running> {
  return listen(createHttpsServer(options, handler), 'https');
}

/** A raw TCP server: `onSocket` decides what bytes (if any) a client gets. */
export function startTcp(onSocket: (socket: Socket) => void): Promise<Running> {
  return listen(createTcpServer(onSocket), 'tcp');
}

/** A port that refuses connections: bound, then closed. */
export async function refusedPort(): Promise<number> {
  const server = await startTcp(() => {});
  await server.close();
  return server.port;
}

/**
 * A port whose connections never complete, like a host that drops packets: a child process listens
 * with a backlog of one and then blocks its event loop (Atomics.wait, no spinning), so it never accepts;
 * filler connections fill the kernel's accept queue and every later SYN goes unanswered.
 */
export async function unansweredPort(): Promise<{ readonly port: number; close(): Promise<void> }> {
  const script = `
    const server = require('node:net').createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () =>
      process.stdout.write(server.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)),
    );`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number(await new Promise<string>((resolve) => child.stdout.once('data', (line: Buffer) => resolve(String(line)))));
  // Fill the queue: connect until one connection hangs, which proves every later one will too.
  const fillers: Socket[] = [];
  for (let connected = true; connected && fillers.length < 16; ) {
    const socket = connect(port, '127.0.0.1').on('error', () => {});
    fillers.push(socket);
    connected = await new Promise<boolean>((resolve) => {
      const hung = setTimeout(() => resolve(false), 200);
      socket.once('connect', () => {
        clearTimeout(hung);
        resolve(true);
      });
    });
  }
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  /** The body exactly as it arrived (what a signature covers). */
  readonly raw: string;
}

export interface Receiver extends Running {
  readonly received: ReceivedRequest[];
  /** Answers to give, in order; once used up every request gets `fallback`. */
  respondWith(...answers: Answer[]): void;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Hold the answer this long (to make the client time out). */
  readonly delayMs?: number;
  /** The response body, from the request's. @default "{}" */
  readonly body?: (requestBody: string) => string;
}

/** Records every POST body (JSON) and answers as told: stands in for Slack or PagerDuty. */
export async function startReceiver(fallback: Answer = { status: 200 }): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const queue: Answer[] = [];
  const server = await startHttp((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : null, raw: text });
      const answer = queue.shift() ?? fallback;
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers ?? {}).end(answer.body?.(text) ?? '{}');
      }, answer.delayMs ?? 0);
    });
  });
  return { ...server, received, respondWith: (...answers) => queue.push(...answers) };
}

/** A service answering health JSON: 200 healthy, or 503 unhealthy with its `db` component, as `isHealthy()` says. */
export function startHealthTarget(isHealthy: () => boolean): Promise<Running> {
  return startHttp((_req, res) => {
    const status = isHealthy() ? 'healthy' : 'unhealthy';
    res
      .writeHead(isHealthy() ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status, checks: { db: { status } } }));
  });
}
