/**
 * `npm run screenshots`: docs/report.png and docs/status-page.png, from a made-up but plausible 90 days
 * of five checks (seeded through the real store), rendered by the real commands and photographed in
 * Debian's Chromium (/usr/bin/chromium). Deterministic: a fixed "now" and a seeded random walk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../lambdas/cli/io.js';
import { reportCommand } from '../lambdas/cli/report.js';
import { statusPageCommand } from '../lambdas/cli/status-page.js';
import { parseConfig } from '../lambdas/config/parse.js';
import type { CheckResult } from '../lambdas/core/types.js';
import { launchChromium } from '../test/support/chromium.js';
import { type History, result, type SeededIncident, seedHistory } from '../test/support/history.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const NOW = Date.parse('2026-11-22T15:20:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const config = parseConfig({
  defaults: { interval: '10m', public: true, objectives: [{ availability: 99.5 }] },
  channels: {
    'ops-slack': { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' },
    'platform-pd': { type: 'pagerduty', routingKey: 'routing-key' },
  },
  checks: [
    { id: 'website', name: 'Website', type: 'http', url: 'https://www.example.com/', group: 'Storefront' },
    {
      id: 'api',
      name: 'Public API',
      type: 'http',
      url: 'https://api.example.com/health',
      group: 'Storefront',
      objectives: [{ availability: 99.9 }, { latency: { percent: 95, under: '400ms' } }],
    },
    { id: 'checkout', name: 'Checkout', type: 'http', url: 'https://shop.example.com/checkout/health', group: 'Storefront' },
    { id: 'search', name: 'Search', type: 'http', url: 'https://search.example.com/ready', group: 'Platform' },
    { id: 'db', name: 'Primary database', type: 'tcp', host: '10.0.0.5', port: 5432, group: 'Platform', public: false },
  ],
});

/** A repeatable random number in [0, 1). */
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

/** Outages: [check, start, minutes, error kind, message]. */
const OUTAGES: readonly [string, number, number, CheckResult['error'] & object][] = [
  ['api', NOW - 3 * DAY - 5 * HOUR, 45, { kind: 'http_status', message: 'expected status 2xx, got 503' }],
  ['api', NOW - 12 * DAY + 2 * HOUR, 8, { kind: 'timeout', message: 'no response headers within 10s' }],
  ['checkout', NOW - 47 * DAY, 40, { kind: 'connect_refused', message: 'connect ECONNREFUSED 10.0.3.7:443' }],
  ['search', NOW - 35 * MINUTE, 90, { kind: 'connect_refused', message: 'connect ECONNREFUSED 10.0.4.2:443' }],
  ['website', NOW - 71 * DAY, 15, { kind: 'tls', message: 'certificate has expired' }],
];
/** When the monitor itself was stopped: nothing was looked at. */
const UNWATCHED = { from: NOW - 5 * DAY - 9 * HOUR, to: NOW - 5 * DAY - 3 * HOUR };
/** Checkout was slow on two afternoons. */
const SLOW = [NOW - 2 * DAY - 3 * HOUR, NOW - 9 * DAY - 4 * HOUR];
const BASE_MS: Record<string, number> = { website: 160, api: 95, checkout: 260, search: 120, db: 4 };

function history(): History {
  const results: CheckResult[] = [];
  for (const check of config.checks) {
    // Every 10 minutes for the last 31 days, hourly before (what a 30-day retention plus rollups would leave).
    for (let t = NOW - 90 * DAY; t <= NOW - 5 * MINUTE; t += t < NOW - 31 * DAY ? HOUR : 10 * MINUTE) {
      if (t >= UNWATCHED.from && t < UNWATCHED.to) continue;
      const outage = OUTAGES.find(([id, start, minutes]) => id === check.id && t >= start && t < start + minutes * MINUTE);
      const hourOfDay = new Date(t).getUTCHours();
      const busy = 1 + 0.35 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI);
      const slow = check.id === 'checkout' && SLOW.some((s) => t >= s && t < s + 2 * HOUR);
      const ms = Math.round(
        (BASE_MS[check.id] ?? 100) * busy * (0.9 + 0.2 * random() + (random() < 0.004 ? 1.5 : 0)) * (slow ? 4 : 1),
      );
      if (outage) results.push(result(check.id, t, 'down', 10_000, outage[3]));
      else results.push(result(check.id, t, slow ? 'degraded' : 'up', ms));
    }
  }
  const incidents: SeededIncident[] = OUTAGES.map(([checkId, start, minutes, error]) => {
    // Opened once three runs in a row failed (20 minutes at a 10-minute interval), or sooner for a short one.
    const startedAt = new Date(start + Math.min(20, minutes / 2) * MINUTE).toISOString();
    const end = start + minutes * MINUTE;
    const open = end > NOW;
    return {
      checkId,
      startedAt,
      endedAt: open ? null : new Date(end).toISOString(),
      cause: error,
      notifications: [
        { kind: 'down', at: startedAt },
        ...(minutes > 30
          ? [{ kind: 'reminder' as const, at: new Date(start + 30 * MINUTE).toISOString(), heldBy: 'silence: failover drill' }]
          : []),
        ...(open ? [] : [{ kind: 'recovered' as const, at: new Date(end).toISOString() }]),
      ],
    };
  });
  const last = new Date(NOW - 5 * MINUTE).toISOString();
  return {
    results,
    incidents,
    states: config.checks.map((c) =>
      c.id === 'search'
        ? { checkId: c.id, confirmed: 'down' as const, notified: 'down' as const, failures: 3, lastResultAt: last }
        : { checkId: c.id, confirmed: 'up' as const, notified: 'up' as const, lastResultAt: last },
    ),
  };
}

const io: CliIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  signal: new AbortController().signal,
  fetch: globalThis.fetch,
};

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-screens-'));
try {
  await seedHistory(dataDir, config, history());
  const reportFile = join(dataDir, 'report.html');
  const statusDir = join(dataDir, 'status');
  const read = { dataDir, table: undefined };
  await reportCommand(config, { period: '7d', format: 'html', htmlFile: reportFile, ...read }, io, new Date(NOW));
  await statusPageCommand(config, { outDir: statusDir, title: 'Acme status', show: undefined, ...read }, io, new Date(NOW));
  const browser = await launchChromium();
  const docs = new URL('../docs/', import.meta.url).pathname;
  const shoot = async (file: string, png: string, width: number, height?: number) => {
    const page = await browser.newPage({
      viewport: { width, height: height ?? 900 },
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
    });
    await page.goto(`file://${file}`);
    await page.screenshot({ path: join(docs, png), fullPage: height === undefined });
    await page.close();
  };
  await shoot(reportFile, 'report.png', 1100, 1500);
  await shoot(join(statusDir, 'index.html'), 'status-page.png', 900);
  await browser.close();
  io.stdout(`screenshots written to ${docs}report.png and ${docs}status-page.png`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
