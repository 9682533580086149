/**
 * Quorum through `vigil monitor`'s real wiring (probes, dynalite, combine, dispatcher, channels) on
 * simulated time: one check probed from three locations on this machine, `quorum: 2`, against a target
 * that fails only the requests whose `X-Vigil-Location` it is told to. One location failing pages nobody;
 * two page once, naming both, and resolve once; a location whose producer stopped pages Vigil itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../../lambdas/cli/check.js';
import { incidentsCommand } from '../../lambdas/cli/incidents.js';
import { reportCommand } from '../../lambdas/cli/report.js';
import { config } from '../support/checks.js';
import { pagerDutyActions, pagingChannels, pagingRig } from '../support/paging.js';
import { startHttp, startReceiver } from '../support/servers.js';
import { simMonitor } from '../support/sim-monitor.js';

const MINUTE = 60_000;
const rig = pagingRig();

/** Locations whose requests the target answers 503. */
const failing = new Set<string>();
/** Each request's identity headers, as the target saw them. */
const seen: { agent: string; location: string }[] = [];

/** Locations whose control probe the target fails. */
const cut = new Set<string>();

async function rigged() {
  const target = await startHttp((req, res) => {
    const location = String(req.headers['x-vigil-location'] ?? '');
    if (req.url === '/control') {
      res.writeHead(cut.has(location) ? 503 : 204).end();
      return;
    }
    seen.push({ agent: String(req.headers['user-agent']), location });
    res.writeHead(failing.has(location) ? 503 : 200).end('ok');
  });
  const slack = await startReceiver();
  const pagerduty = await startReceiver({ status: 202 });
  Object.assign(rig, { target, slack, pagerduty });
  return config({
    defaults: { interval: '30s', timeout: '2s' },
    channels: pagingChannels(slack, pagerduty),
    locations: [
      { name: 'eu', region: 'eu-west-1' },
      { name: 'us', region: 'us-east-1' },
      { name: 'ap', region: 'ap-southeast-2', control: `${target.url}/control` },
    ],
    checks: [{ id: 'orders', name: 'Order API', type: 'http', url: `${target.url}/orders`, quorum: 2 }],
  });
}

const pages = () => pagerDutyActions(rig.pagerduty);
const chat = () => (rig.slack?.received ?? []).map((r) => (r.body as { text: string }).text);

describe('locations and quorum, through vigil monitor', () => {
  afterEach(() => {
    failing.clear();
    cut.clear();
    seen.length = 0;
  });

  it('probes from each location, each request saying which, and pages nobody when one location fails', async () => {
    const monitor = await simMonitor(await rigged());
    rig.sim = monitor;
    await monitor.run(5 * MINUTE);
    failing.add('eu');
    await monitor.run(15 * MINUTE);
    expect(pages()).toEqual([]);
    expect(chat()).toEqual([]);
    expect(new Set(seen.map((s) => s.location))).toEqual(new Set(['eu', 'us', 'ap']));
    expect(
      seen.every((s) => /^Vigil\/\d+\.\d+\.\d+\S* \(\+(eu|us|ap)\)$/.test(s.agent) && s.agent.endsWith(`(+${s.location})`)),
    ).toBe(true);
    // Each location's results are kept apart, and one combined result per window beside them.
    const results = await monitor.monitor.store.listResults('orders', new Date(0), monitor.clock.now());
    const from = (location: string | undefined) => results.filter((r) => r.location === location);
    expect(from('eu').length).toBeGreaterThanOrEqual(39);
    expect(from('eu').length).toBe(from('us').length);
    expect(
      from('eu')
        .slice(-5)
        .every((r) => r.status === 'down'),
    ).toBe(true);
    const combined = from(undefined);
    expect(combined.length).toBeGreaterThanOrEqual(38);
    expect(combined.every((r) => r.status === 'up')).toBe(true);
    // The first window is judged as soon as a quorum has reported; each one after waits for all three.
    expect(combined.slice(1).every((r) => r.locations?.length === 3)).toBe(true);
    expect(monitor.err).toEqual([]);
  });

  it('pages once when two locations agree, naming both, and resolves once', async () => {
    const cfg = await rigged();
    const monitor = await simMonitor(cfg);
    rig.sim = monitor;
    await monitor.run(5 * MINUTE);
    failing.add('eu').add('us');
    await monitor.run(10 * MINUTE);
    failing.clear();
    await monitor.run(10 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/orders', 'resolve vigil/local/orders']);
    const trigger = rig.pagerduty?.received[0]?.body as { payload: { summary: string } };
    expect(trigger.payload.summary).toMatch(/seen from eu \(HTTP 503\), us \(HTTP 503\); 2 of 3 locations, quorum 2 \(ap up\)/);
    expect(chat()).toHaveLength(2);
    expect(chat()[0]).toMatch(/^DOWN: Order API: .*seen from eu \(HTTP 503\), us \(HTTP 503\)/);
    expect(chat()[1]).toMatch(/^RECOVERED: Order API/);
    const [incident] = await monitor.monitor.store.listIncidents('orders');
    expect(incident?.endedAt).not.toBeNull();
    expect(incident?.firstFailure?.locations?.filter((l) => l.agreed).map((l) => l.location)).toEqual(['eu', 'us']);

    // `vigil report` and `vigil incidents`, through the running monitor's store: each location apart.
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: () => {}, env: {}, signal: new AbortController().signal, fetch };
    const at = { dataDir: monitor.dataDir, table: undefined };
    await reportCommand(cfg, { period: '24h', format: 'json', htmlFile: undefined, ...at }, io, monitor.clock.now());
    const [row] = JSON.parse(out.join('\n')).checks;
    expect(row.locations.map((l: { location: string }) => l.location)).toEqual(['eu', 'us', 'ap']);
    const [eu, us, ap] = row.locations as { uptimePercent: number; runs: number }[];
    expect(eu?.uptimePercent).toBeLessThan(70);
    expect(us?.uptimePercent).toBe(eu?.uptimePercent);
    expect(ap?.uptimePercent).toBe(100);
    // The check's own uptime is of the windows as judged (one a window, not three): down while two agreed.
    expect(Math.abs(row.runs - (eu?.runs ?? 0))).toBeLessThanOrEqual(1);
    expect(row.uptimePercent).toBeLessThan(100);
    expect(row.incidents).toBe(1);
    out.length = 0;
    await incidentsCommand(cfg, { checkId: 'orders', json: false, ...at }, io, monitor.clock.now());
    expect(out.join('\n')).toMatch(/http_status: .*\(seen from eu, us of 3\)/);
  });

  it('pages Vigil itself, not the check, when a location stops reporting, and judges on without it', async () => {
    const cfg = await rigged();
    const first = await simMonitor(cfg);
    await first.run(5 * MINUTE);
    await first.close();
    // The same data, a moment later, probing from eu and us only: ap's producer has stopped.
    const monitor = await simMonitor(cfg, { dataDir: first.dataDir, startAt: first.clock.now(), locations: ['eu', 'us'] });
    rig.sim = monitor;
    await monitor.run(5 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/vigil-health/location/ap']);
    expect(chat()).toEqual([expect.stringMatching(/^DOWN: Vigil itself: location ap unavailable: no result from it in/)]);
    // Still judged from the two left: both failing still pages the check.
    failing.add('eu').add('us');
    await monitor.run(5 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/vigil-health/location/ap', 'trigger vigil/local/orders']);
    // Restarted while ap is still out, then with ap's producer back: nothing is paged again for ap, and its
    // return is resolved once.
    await monitor.close();
    failing.clear();
    const again = await simMonitor(cfg, { dataDir: first.dataDir, startAt: monitor.clock.now() });
    rig.sim = again;
    await again.run(5 * MINUTE);
    expect(pages()).toEqual([
      'trigger vigil/local/vigil-health/location/ap',
      'trigger vigil/local/orders',
      'resolve vigil/local/vigil-health/location/ap',
      'resolve vigil/local/orders',
    ]);
    await again.close();
  });

  it('counts nothing a location sees while its own control probe fails, and pages Vigil itself instead', async () => {
    const monitor = await simMonitor(await rigged());
    rig.sim = monitor;
    await monitor.run(5 * MINUTE);
    cut.add('ap');
    failing.add('ap').add('eu');
    await monitor.run(10 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/vigil-health/location/ap']);
    expect(chat()).toEqual([
      expect.stringMatching(
        /^DOWN: Vigil itself: location ap unavailable: its control probe fails: http:.*\/control: http_status/,
      ),
    ]);
    const results = await monitor.monitor.store.listResults('orders', new Date(0), monitor.clock.now());
    expect(results.filter((r) => r.location === 'ap').at(-1)?.locationFault).toMatch(/control/);
    cut.clear();
    failing.clear();
    await monitor.run(2 * MINUTE);
    expect(pages()).toEqual(['trigger vigil/local/vigil-health/location/ap', 'resolve vigil/local/vigil-health/location/ap']);
  });

  it('vigil check probes once per location, or only from --location, each result tagged', async () => {
    const cfg = await rigged();
    failing.add('us');
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: () => {}, env: {}, signal: new AbortController().signal, fetch };
    const options = { json: true, only: [], dataDir: '/nonexistent', table: undefined };
    // One location of three sees it down, under the quorum of 2: as deployed, the check is up.
    expect(await checkCommand(cfg, options, io)).toBe(0);
    const all = JSON.parse(out.join('\n')).results as { location: string; status: string }[];
    expect(all.map((r) => [r.location, r.status])).toEqual([
      ['eu', 'up'],
      ['us', 'down'],
      ['ap', 'up'],
    ]);
    failing.add('eu');
    expect(await checkCommand(cfg, options, io)).toBe(1);
    failing.delete('eu');
    out.length = 0;
    expect(await checkCommand(cfg, { ...options, locations: ['ap'] }, io)).toBe(0);
    expect(JSON.parse(out.join('\n')).results.map((r: { location: string }) => r.location)).toEqual(['ap']);
    expect(seen.filter((s) => s.location === 'ap')).toHaveLength(3);
  });
});
