/**
 * `vigil monitor --listen` under a slowloris (lambdas/local/ping-server.ts): real sockets against the
 * real server. Slow clients must not keep a job's report out, even from the job's own address.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PingResponse } from '../../lambdas/checks/heartbeat/receive-ping.js';
import { PING_SERVER_LIMITS, type PingServer, type PingServerLimits, startPingServer } from '../../lambdas/local/ping-server.js';
import { recordingLog } from '../support/log.js';

let server: PingServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

const recorded: PingResponse = { status: 200, body: { ok: true } };

async function listen(limits: PingServerLimits = PING_SERVER_LIMITS) {
  server = await startPingServer('127.0.0.1', 0, async () => recorded, recordingLog(), limits);
  return new URL(server.url);
}

/** A client that sends the start of its headers and then nothing: each holds a connection open. */
async function slowClients(url: URL, count: number, localAddress = '127.0.0.1'): Promise<Socket[]> {
  const opened = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host: url.hostname, port: Number(url.port), localAddress }, () => {
            socket.write('POST /ping/nightly HTTP/1.1\r\nHost: vigil\r\nX-Slow: ');
            resolve(socket);
          });
          // Read whatever the server answers (a 408), so its close is seen.
          socket.resume();
          socket.on('error', () => {});
          socket.once('close', () => reject(new Error('closed before connecting')));
        }),
    ),
  );
  sockets.push(...opened);
  return opened;
}

/** Resolves once a socket is closed by the server; `false` if it is still open after `ms`. */
const closedWithin = (socket: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

async function report(url: URL) {
  const started = performance.now();
  const response = await fetch(`${url.origin}/ping/nightly`, { method: 'POST', signal: AbortSignal.timeout(3_000) });
  return { status: response.status, ms: performance.now() - started };
}

describe('the heartbeat API on a local port, under slow clients', () => {
  it('takes a valid report at once while 300 slow sockets from the same address hold connections', async () => {
    const url = await listen();
    await slowClients(url, 300);
    const answer = await report(url);
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1_000);
  });

  it('keeps an address to its share: another address’s 300 slow sockets leave room, and are held to 16', async () => {
    const url = await listen();
    const slow = await slowClients(url, 300, '127.0.0.2');
    // Each new slow socket past 16 took the place of an older one: 284 were closed by the server.
    const closed = await Promise.all(slow.map((socket) => closedWithin(socket, 500)));
    expect(closed.filter((c) => !c)).toHaveLength(PING_SERVER_LIMITS.maxConnectionsPerAddress);
    expect((await report(url)).status).toBe(200);
  });

  it('drops a client whose headers do not arrive in time, and an idle one', async () => {
    const url = await listen({ ...PING_SERVER_LIMITS, headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 400 });
    const [slow] = await slowClients(url, 1);
    const started = performance.now();
    expect(await closedWithin(slow as Socket, 3_000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
    // Connected and silent: not even a request line.
    const silent = await new Promise<Socket>((resolve) => {
      const socket = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(socket));
      socket.resume();
      socket.on('error', () => {});
    });
    sockets.push(silent);
    expect(await closedWithin(silent, 3_000)).toBe(true);
  });
});
