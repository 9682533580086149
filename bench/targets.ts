/**
 * Loopback HTTP targets for the benchmarks, in their own process so the client's CPU time is the
 * client's alone. Usage: tsx bench/targets.ts COUNT DELAY_MS; prints the ports as one JSON line.
 * Each target answers after DELAY_MS, or after `?delay=N` when given.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [count = 1, delayMs = 0] = process.argv.slice(2).map(Number);
const ports: number[] = [];
for (let i = 0; i < count; i++) {
  const server = createServer((req, res) => {
    const asked = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay'));
    setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}'),
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
