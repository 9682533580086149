/**
 * `vigil monitor --metrics HOST:PORT`: what the monitor has seen (check-board.ts) as Prometheus text at
 * `/metrics`, for a Prometheus, Grafana Agent or VictoriaMetrics on the same host to scrape. Served
 * through bounded-server.ts, as the heartbeat API is. Check ids and names are labels `check` and `name`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BoundedServer, listenBounded, SERVER_LIMITS, type ServerLimits } from './bounded-server.js';
import type { CheckBoard } from './check-board.js';
import { EXPOSITION_CONTENT_TYPE, exposition, type Family } from './prometheus.js';

/** The families, from what the board holds now. */
export function monitorFamilies(board: CheckBoard): Family[] {
  const entries = board.entries();
  const seen = entries.filter((e) => e.last !== null);
  const labels = (e: (typeof entries)[number]) => ({ check: e.check.id, name: e.check.name });
  return [
    {
      name: 'vigil_check_up',
      help: 'Whether the check’s last result was up or degraded (1) or down (0).',
      type: 'gauge',
      samples: seen.map((e) => ({ labels: labels(e), value: e.last?.status === 'down' ? 0 : 1 })),
    },
    {
      name: 'vigil_check_last_run_timestamp_seconds',
      help: 'When the check’s last result started, in seconds since the epoch.',
      type: 'gauge',
      samples: seen.map((e) => ({ labels: labels(e), value: Date.parse(e.last?.startedAt ?? '') / 1000 })),
    },
    {
      name: 'vigil_check_results_total',
      help: 'Results since the monitor started, by status (up, degraded, down).',
      type: 'counter',
      samples: seen.flatMap((e) =>
        Object.entries(e.results).map(([status, value]) => ({ labels: { ...labels(e), status }, value })),
      ),
    },
    {
      name: 'vigil_check_duration_seconds',
      help: 'How long each phase of a run took (dns, connect, tls, ttfb, transfer, total); runs that were down or timed under Vigil’s own event-loop lag are left out.',
      type: 'histogram',
      series: entries.flatMap((e) =>
        [...e.durations].map(([phase, histogram]) => ({ labels: { ...labels(e), phase }, histogram })),
      ),
    },
    {
      name: 'vigil_alerts_total',
      help: 'Alerts handed to a channel since the monitor started, by alert kind and channel.',
      type: 'counter',
      samples: board.alertCounts().map(({ kind, channel, count }) => ({ labels: { kind, channel }, value: count })),
    },
  ];
}

/** Serves the board at `/metrics` (GET or HEAD); anything else is a 404 or 405. */
export function startMetricsServer(
  host: string,
  port: number,
  board: CheckBoard,
  limits: ServerLimits = SERVER_LIMITS,
): Promise<BoundedServer> {
  return listenBounded(host, port, (req, res) => answer(req, res, board), limits);
}

function answer(req: IncomingMessage, res: ServerResponse, board: CheckBoard): void {
  const path = (req.url ?? '/').split('?')[0];
  // Nothing here reads a body: a request that sends one gets its answer and the connection closes.
  const close = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const headers = { 'content-type': 'text/plain; charset=utf-8', ...(close ? { connection: 'close' } : {}) };
  if (path !== '/metrics') {
    res.writeHead(404, headers).end('not found: the metrics are at /metrics\n');
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end('only GET and HEAD\n');
  } else {
    const text = exposition(monitorFamilies(board));
    res.writeHead(200, { ...headers, 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  }
  if (close) res.once('finish', () => req.destroy());
}
