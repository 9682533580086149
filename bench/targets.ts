/**
 * Loopback HTTP targets for the benchmarks, in their own process so the client's CPU time is the
 * client's alone. Usage: tsx bench/targets.ts COUNT DELAY_MS; prints the ports as one JSON line.
 * Each target answers after DELAY_MS, or after `?delay=N` when given. A URL with `flip=1` answers
 * 503 on every second request to it: its check goes down and recovers on alternate runs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [count = 1, delayMs = 0] = process.argv.slice(2).map(Number);
const ports: number[] = [];
const requests = new Map<string, number>();
for (let i = 0; i < count; i++) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const asked = Number(url.searchParams.get('delay'));
    const seen = (requests.get(req.url ?? '') ?? 0) + 1;
    requests.set(req.url ?? '', seen);
    const status = url.searchParams.get('flip') === '1' && seen % 2 === 0 ? 503 : 200;
    setTimeout(
      () => res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"healthy"}'),
      Number.isFinite(asked) && asked > 0 ? asked : delayMs,
    );
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push((server.address() as AddressInfo).port);
}
process.stdout.write(`${JSON.stringify(ports)}\n`);
// Ends with its parent: the benchmark closes stdin when it is done.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
