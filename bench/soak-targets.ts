/**
 * Targets and receivers for `npm run bench -- soak`, in their own process so the monitor's CPU is its
 * own. Prints one JSON line: { targets, receivers }. GET /stats on the receiver port answers with what
 * the receivers got. Ends when its stdin closes.
 *
 * Paths: /ok, /slow (300 ms), /hang (never answers), /huge-header, /huge-json, /loop, /ansi,
 * /outage/<n> (down for 20 s of every 120 s, phase-shifted by n seconds).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outageDown } from './outage.js';

const started = Date.now();

function target(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  if (path === '/ok') return void res.writeHead(200).end('{"status":"healthy"}');
  if (path === '/slow') return void setTimeout(() => res.writeHead(200).end('{"status":"healthy"}'), 300);
  if (path === '/hang') return; // never answers
  if (path === '/huge-header') return void res.writeHead(302, { location: `/huge-header?${'x'.repeat(60_000)}` }).end();
  if (path.startsWith('/huge-header?')) return void res.writeHead(302, { location: '/huge-header' }).end();
  if (path === '/huge-json') return void res.writeHead(200).end(JSON.stringify({ status: 'v'.repeat(300_000) }));
  if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
  if (path === '/ansi')
    return void res.writeHead(200).end(JSON.stringify({ status: 'unhealthy', checks: { '\u001b[2J<!channel>': 'down' } }));
  const outage = /^\/outage\/(\d+)$/.exec(path);
  if (outage) {
    const down = outageDown(Number(outage[1]), Date.now(), started);
    return void res.writeHead(down ? 503 : 200).end(down ? 'down' : '{"status":"healthy"}');
  }
  res.writeHead(404).end();
}

const received: { path: string; body: unknown; at: number }[] = [];
function receiver(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' && req.url === '/stats') {
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ started, received }));
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString() || 'null'), at: Date.now() });
    res.writeHead(req.url?.startsWith('/pd') ? 202 : 200).end('{}');
  });
}

const listen = async (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const targets = await Promise.all(Array.from({ length: 8 }, () => listen(target)));
const receivers = await listen(receiver);
process.stdout.write(`${JSON.stringify({ targets, receivers, started })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
