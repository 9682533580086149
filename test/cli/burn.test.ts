/**
 * Burn-rate alerts on `vigil monitor`'s real wiring (probes, dynalite, channels), on simulated time:
 * hours of runs without waiting for them.
 */
import { describe, expect, it } from 'vitest';
import { config } from '../support/checks.js';
import { pagerDutyActions, pagingChannels, pagingRig } from '../support/paging.js';
import { type Receiver, startHttp, startReceiver } from '../support/servers.js';
import { simMonitor } from '../support/sim-monitor.js';

const MINUTE = 60_000;
const rig = pagingRig();

/** A monitor on one check every 30 s with `objectives`, against a target that answers as `answer(n)` says. */
async function monitorWith(objectives: unknown[], answer: (n: number) => { status: number; delayMs?: number }, interval = '30s') {
  let request = 0;
  const target = await startHttp((_req, res) => {
    const { status, delayMs = 0 } = answer(++request);
    setTimeout(() => res.writeHead(status).end(), delayMs);
  });
  const slack = await startReceiver();
  const pagerduty = await startReceiver({ status: 202 });
  Object.assign(rig, { target, slack, pagerduty });
  const cfg = config({
    defaults: { interval, timeout: '2s' },
    channels: pagingChannels(slack, pagerduty),
    checks: [{ id: 'orders', name: 'Order API', type: 'http', url: `${target.url}/`, objectives }],
  });
  rig.sim = await simMonitor(cfg);
  return rig.sim;
}

const texts = (receiver: Receiver | undefined) => (receiver?.received ?? []).map((r) => (r.body as { text: string }).text);
const pages = () => pagerDutyActions(rig.pagerduty);

describe('burn-rate alerts', () => {
  it('pages once when a tenth of the runs fail against 99.5%, and resolves once when they stop', async () => {
    let failing = true;
    const monitor = await monitorWith([{ availability: 99.5 }], (n) => ({ status: failing && n % 10 === 0 ? 503 : 200 }));
    // 40 minutes: 8 failures, under the 9 an hour must hold (14.4 × 0.5 % × 120 runs).
    await monitor.run(40 * MINUTE);
    expect(pages()).toEqual([]);
    // The 9th (44.5 minutes): the hour burns at 15×, and so do the last 5 minutes: it pages.
    await monitor.run(5 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/orders']);
    await monitor.run(10 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/orders']);
    failing = false;
    // Five quiet minutes and the short window no longer burns.
    await monitor.run(6 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/orders', 'resolve vigil/local/orders']);
    expect(texts(rig.slack)).toEqual([
      expect.stringMatching(/^BURNING: Order API: availability 99.5% over 30d: budget burning 15× over 1h \(alerts at 14\.4×\)$/),
      'RECOVERED: Order API: availability 99.5% over 30d: budget no longer burning 14.4× over 1h',
    ]);
    // Never three failures in a row: the check itself was pending now and then, never down.
    expect(monitor.out.filter((l) => l.startsWith('STATE ') && l.endsWith('→ down'))).toEqual([]);
    expect(monitor.err).toEqual([]);
  });

  it('pages nobody for hours of single-run blips that spend the budget slowly', async () => {
    // One run in fifty: a 4× burn of a 0.5 % budget, below both fast alerts.
    const monitor = await monitorWith([{ availability: 99.5 }], (n) => ({ status: n % 50 === 0 ? 503 : 200 }));
    await monitor.run(120 * MINUTE);
    expect(pages()).toEqual([]);
    expect(texts(rig.slack)).toEqual([]);
  });

  it('pages nobody for one failed run, even where it alone is 16× the hour’s share of the budget', async () => {
    // At one run a minute against 99.9 %, one failure is 1/60 of the hour: 16.7× the budget's rate.
    const monitor = await monitorWith([{ availability: 99.9 }], (n) => ({ status: n === 30 ? 503 : 200 }), '1m');
    await monitor.run(120 * MINUTE);
    expect(pages()).toEqual([]);
  });

  it('trips a latency objective on a target that slows down without failing', async () => {
    let slow = false;
    const monitor = await monitorWith([{ latency: { percent: 99.5, under: '100ms' } }], () => ({
      status: 200,
      delayMs: slow ? 150 : 0,
    }));
    await monitor.run(10 * MINUTE);
    slow = true;
    // Every run is now too slow: the hour needs 9 of them (4 minutes).
    await monitor.run(3.5 * MINUTE);
    expect(pages()).toEqual([]);
    // A run timed while this busy test process's event loop lagged does not count as latency (it says
    // nothing of the target), so the ninth slow run may come a minute or two later than on a quiet machine.
    for (let minute = 0; minute < 4 && pages().length === 0; minute++) await monitor.run(1 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/orders']);
    expect(texts(rig.slack)[0]).toMatch(/^BURNING: Order API: 99.5% under 100ms over 30d: budget burning/);
    expect(monitor.out.filter((l) => l.startsWith('STATE '))).toEqual(['STATE orders: unknown → up']);
  });
});
