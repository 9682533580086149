/**
 * One outage, one page, through `vigil monitor`'s real wiring (probes, dynalite, dispatcher, channels) on
 * simulated time: a check with availability and latency objectives over an hour and over 30 days goes
 * down for 20 minutes; PagerDuty sees one key triggered and resolved, Slack one DOWN and one RECOVERED,
 * whatever holds (a silence, a parent down, a maintenance window) begin after the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '../support/checks.js';
import { pagerDutyActions, pagingChannels, pagingRig } from '../support/paging.js';
import { startHttp, startReceiver } from '../support/servers.js';
import { simMonitor } from '../support/sim-monitor.js';

const MINUTE = 60_000;
const rig = pagingRig();

const OBJECTIVES = [
  { availability: 99, window: '1h' },
  { latency: { percent: 99, under: '100ms' }, window: '1h' },
  { availability: 99.9 },
  { latency: { percent: 99, under: '100ms' } },
];

/** Paths of the target that answer 503 while listed here. */
const failing = new Set<string>();

async function monitorOf(
  extra: { checks?: (targetUrl: string) => unknown[]; maintenance?: unknown[]; dependsOn?: string[] } = {},
) {
  const target = await startHttp((req, res) => res.writeHead(failing.has(req.url ?? '') ? 503 : 200).end('ok'));
  const slack = await startReceiver();
  const pagerduty = await startReceiver({ status: 202 });
  Object.assign(rig, { target, slack, pagerduty });
  const cfg = config({
    defaults: { interval: '30s', timeout: '2s' },
    channels: pagingChannels(slack, pagerduty),
    checks: [
      {
        id: 'orders',
        name: 'Order API',
        type: 'http',
        url: `${target.url}/orders`,
        objectives: OBJECTIVES,
        ...(extra.dependsOn ? { dependsOn: extra.dependsOn } : {}),
      },
      ...(extra.checks?.(target.url) ?? []),
    ],
    ...(extra.maintenance ? { maintenance: extra.maintenance } : {}),
  });
  rig.sim = await simMonitor(cfg);
  return rig.sim;
}

const pages = () => pagerDutyActions(rig.pagerduty);
const chat = () => (rig.slack?.received ?? []).map((r) => (r.body as { text: string }).text.split(':')[0]);

/** Ten quiet minutes, orders down for twenty, then thirty back up. */
async function outageOfTwentyMinutes(monitor: { run(ms: number): Promise<void> }) {
  await monitor.run(10 * MINUTE);
  failing.add('/orders');
  await monitor.run(20 * MINUTE);
  failing.delete('/orders');
  await monitor.run(30 * MINUTE);
}

describe('one outage, one page, through vigil monitor', () => {
  afterEach(() => failing.clear());

  it('pages once and resolves once for 20 minutes down, with four objectives burning', async () => {
    const monitor = await monitorOf();
    await outageOfTwentyMinutes(monitor);
    expect(pages()).toEqual(['trigger vigil/local/orders', 'resolve vigil/local/orders']);
    expect(chat()).toEqual(['DOWN', 'RECOVERED']);
    // The burns joined the incident: `vigil incidents` shows them on it, held, not sent.
    const [incident] = await monitor.monitor.store.listIncidents('orders');
    expect(incident?.endedAt).not.toBeNull();
    expect(incident?.notifications.filter((n) => n.kind === 'burn').every((n) => n.heldBy?.startsWith('joined incident'))).toBe(
      true,
    );
    expect(incident?.notifications.some((n) => n.kind === 'burn')).toBe(true);
    expect(monitor.err).toEqual([]);
  });

  it('lets the resolve through a silence set after the page', async () => {
    const monitor = await monitorOf();
    await monitor.run(10 * MINUTE);
    failing.add('/orders');
    await monitor.run(3 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/orders']);
    const now = monitor.clock.now();
    await monitor.monitor.store.putSilence({
      checkId: 'orders',
      until: new Date(now.getTime() + 2 * 60 * MINUTE).toISOString(),
      reason: 'deploy',
      createdAt: now.toISOString(),
    });
    await monitor.run(17 * MINUTE);
    failing.delete('/orders');
    await monitor.run(30 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/orders', 'resolve vigil/local/orders']);
    expect(chat()).toEqual(['DOWN', 'RECOVERED']);
  });

  it('lets the resolve through when a parent goes down after the page', async () => {
    const monitor = await monitorOf({
      dependsOn: ['db'],
      checks: (url) => [{ id: 'db', name: 'Database', type: 'http', url: `${url}/db` }],
    });
    await monitor.run(10 * MINUTE);
    failing.add('/orders');
    await monitor.run(3 * MINUTE);
    failing.add('/db');
    await monitor.run(17 * MINUTE);
    // Orders is back while its parent is still down: what was paged is resolved now, not when db returns.
    failing.delete('/orders');
    await monitor.run(10 * MINUTE);
    expect(pages().filter((p) => p.endsWith('/orders'))).toEqual(['trigger vigil/local/orders', 'resolve vigil/local/orders']);
    failing.clear();
    await monitor.run(30 * MINUTE);
    expect(pages().filter((p) => p.endsWith('/orders'))).toEqual(['trigger vigil/local/orders', 'resolve vigil/local/orders']);
    expect(pages().filter((p) => p.endsWith('/db'))).toEqual(['trigger vigil/local/db', 'resolve vigil/local/db']);
  });

  it('lets the resolve through a maintenance window that opens after the page', async () => {
    const start = Date.now();
    const monitor = await monitorOf({
      maintenance: [
        {
          name: 'db upgrade',
          start: new Date(start + 15 * MINUTE).toISOString(),
          end: new Date(start + 90 * MINUTE).toISOString(),
        },
      ],
    });
    await outageOfTwentyMinutes(monitor);
    expect(pages()).toEqual(['trigger vigil/local/orders', 'resolve vigil/local/orders']);
    expect(chat()).toEqual(['DOWN', 'RECOVERED']);
  });
});
