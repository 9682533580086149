/** A small service whose health goes bad and then recovers, on a timeline. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Timeline {
  /** Healthy for this long after start. */
  readonly healthyMs: number;
  /** Then unhealthy (503) for this long, then healthy again. */
  readonly unhealthyMs: number;
}

export async function startDemoService(timeline: Timeline): Promise<{ url: string; close: () => Promise<void> }> {
  const startedAt = Date.now();
  const server = createServer((req, res) => {
    const elapsed = Date.now() - startedAt;
    const sick = elapsed >= timeline.healthyMs && elapsed < timeline.healthyMs + timeline.unhealthyMs;
    if (req.url !== '/health') {
      res.writeHead(404).end();
      return;
    }
    const database = sick ? 'unhealthy' : 'healthy';
    res.writeHead(sick ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: database, checks: { database: { status: database }, cache: { status: 'healthy' } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Stands in for Slack or PagerDuty: accepts every POST and shows what arrived. */
export async function startPrintingReceiver(
  label: string,
  print: (text: string) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (body.routing_key) body.routing_key = '<routing key>';
      print(`\n┌─ ${label} received:\n${JSON.stringify(body, null, 2).replace(/^/gm, '│ ')}\n└─`);
      res.writeHead(label === 'PagerDuty' ? 202 : 200, { 'content-type': 'application/json' }).end('{"status":"success"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
