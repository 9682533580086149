/**
 * moto_server for the stack on moto, and the one door the bundles reach it through: a proxy that notes
 * every AWS call (who sent it, which action, on what) and may answer one itself, as a service in
 * trouble would. The harness's own calls (what Lambda, SNS or CloudWatch do for the stack) go to moto
 * directly and are not noted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { type Running, startHttp } from '../support/servers.js';
import { type AwsCall, readCall } from './aws-calls.js';

/** The access key the harness's own calls are signed with: not noted, never refused. */
export const HARNESS_KEY = 'harness';

export interface Moto {
  readonly url: string;
  close(): Promise<void>;
}

/** An answer in moto's place: a service error as the SDK reads it (JSON protocols and SNS's query alike). */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface RecordingProxy extends Running {
  readonly url: string;
  /** Every call that came through, in order. */
  readonly calls: AwsCall[];
  /** Answers instead of moto when it returns a refusal; none by default. */
  refuse: (call: AwsCall) => Refusal | undefined;
}

/** moto_server on a free port, answering before this returns; the process is ended by `close`. */
export async function startMoto(): Promise<Moto> {
  const probe = await startHttp(() => {});
  const port = probe.port;
  await probe.close();
  const output: string[] = [];
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const missing = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'ENOENT'
            ? 'moto_server is not on PATH: install moto[server] (pip install "moto[server]") to run npm run e2e:aws'
            : `moto_server did not start: ${error.message}`,
        ),
      ),
    ),
  );
  child.stdout?.on('data', (b: Buffer) => output.push(String(b)));
  child.stderr?.on('data', (b: Buffer) => output.push(String(b)));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const answering = (async () => {
    for (let tries = 0; tries < 150; tries++) {
      if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${output.join('')}`);
      try {
        if ((await fetch(`${url}/moto-api/`)).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`moto_server did not answer on ${url} within 15 s: ${output.join('')}`);
  })();
  try {
    await Promise.race([answering, missing]);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, close };
}

/** A proxy to moto that notes each call (./aws-calls.ts reads it) before passing it on or refusing it. */
export async function startRecordingProxy(motoUrl: string): Promise<RecordingProxy> {
  const target = new URL(motoUrl);
  const calls: AwsCall[] = [];
  const proxy = { refuse: (_call: AwsCall): Refusal | undefined => undefined };
  const server = await startHttp(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const call = readCall(req.headers, body);
    const own = call.caller === HARNESS_KEY;
    if (!own) calls.push(call);
    const refusal = own ? undefined : proxy.refuse(call);
    if (refusal) {
      // Both forms at once: JSON protocols read `__type` (and x-amzn-query-error), SNS's query protocol the XML.
      res.writeHead(refusal.status, {
        'content-type': call.protocol === 'query' ? 'text/xml' : 'application/x-amz-json-1.0',
        'x-amzn-errortype': refusal.code,
        'x-amzn-query-error': `${refusal.code};Sender`,
      });
      res.end(
        call.protocol === 'query'
          ? `<ErrorResponse><Error><Type>Sender</Type><Code>${refusal.code}</Code><Message>${refusal.message}</Message></Error></ErrorResponse>`
          : JSON.stringify({ __type: refusal.code, message: refusal.message }),
      );
      return;
    }
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', (error) => res.writeHead(502).end(String(error)));
    forwarded.end(body);
  });
  return Object.assign(proxy, { calls, port: server.port, url: server.url, close: server.close });
}
