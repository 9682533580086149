import { describe, expect, it } from 'vitest';
import { type Check, parseConfig } from '../../lambdas/config/parse.js';
import { initialState } from '../../lambdas/core/check-state.js';
import { agreedLine } from '../../lambdas/core/format.js';
import { isPrivateAddress } from '../../lambdas/core/locations.js';
import { combine, type StateWithOrigins } from '../../lambdas/core/pipeline/combine.js';
import type { CheckResult } from '../../lambdas/core/types.js';
import { httpEntry, problemsOf } from '../support/checks.js';

const LOCATIONS = [
  { name: 'eu', region: 'eu-west-1' },
  { name: 'us', region: 'us-east-1' },
  { name: 'ap', region: 'ap-southeast-2' },
  { name: 'vpc', region: 'eu-west-1', vpc: { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0'] } },
];

describe('config: locations and quorum', () => {
  it('defaults a check to every location without a VPC and a majority of them', () => {
    const config = parseConfig({
      locations: LOCATIONS,
      checks: [httpEntry(), httpEntry({ id: 'two', locations: ['eu', 'vpc'] })],
    });
    expect(config.checks[0]).toMatchObject({ locations: ['eu', 'us', 'ap'], quorum: 2 });
    expect(config.checks[1]).toMatchObject({ locations: ['eu', 'vpc'], quorum: 2 });
    expect(config.locations.map((l) => l.name)).toEqual(['eu', 'us', 'ap', 'vpc']);
  });

  it('is one unnamed location without `locations`, as before', () => {
    const config = parseConfig({ checks: [httpEntry({ url: 'http://10.0.0.5/health' })] });
    expect(config.checks[0]).toMatchObject({ locations: [], quorum: 1 });
    expect(config.locations).toEqual([]);
  });

  it('names unknown locations, a quorum past the count, duplicates and fields without locations', () => {
    expect(
      problemsOf({
        locations: [...LOCATIONS, { name: 'eu', region: 'eu-central-1' }],
        checks: [httpEntry({ locations: ['eu', 'mars', 'eu'], quorum: 4 }), httpEntry({ id: 'b', quorum: 0 })],
      }),
    ).toEqual([
      'checks[1].quorum: expected a whole number of locations, at least 1',
      'checks[0].locations[1]: unknown location "mars" (locations: eu, us, ap, vpc, eu)',
      'checks[0].locations[2]: "eu" is listed twice',
      "checks[0].quorum: 4 is more than the check's 3 locations (eu, mars, eu)",
      'locations[4].name: duplicate location "eu" (also locations[0])',
    ]);
    expect(problemsOf({ checks: [httpEntry({ quorum: 2 })] })).toEqual([
      'checks[0].quorum: the config has no top-level locations to probe from',
    ]);
    expect(problemsOf({ locations: [{ name: 'EU', region: 'europe' }], checks: [httpEntry()] })).toEqual([
      'locations[0].name: expected a location name of 1-32 characters a-z, 0-9 and -, got "EU"',
      'locations[0].region: expected an AWS region like eu-west-1, got "europe"',
    ]);
  });

  it('refuses a private address probed from a location without a VPC, naming both; loopback is for trying things', () => {
    expect(problemsOf({ locations: LOCATIONS, checks: [httpEntry({ url: 'http://10.1.2.3:8080/health' })] })).toEqual([
      'checks[0].locations: 10.1.2.3 is a private address, which "eu", "us", "ap" (no VPC) cannot reach; name only locations with a vpc',
    ]);
    expect(
      problemsOf({
        locations: LOCATIONS,
        checks: [{ id: 'db', type: 'tcp', host: '192.168.1.5', port: 5432, locations: ['eu', 'vpc'] }],
      }),
    ).toEqual([
      'checks[0].locations: 192.168.1.5 is a private address, which "eu" (no VPC) cannot reach; name only locations with a vpc',
    ]);
    const ok = parseConfig({
      locations: LOCATIONS,
      checks: [
        { id: 'db', type: 'tcp', host: '172.16.0.9', port: 5432, locations: ['vpc'] },
        httpEntry({ id: 'local', url: 'http://127.0.0.1:8080/' }),
      ],
    });
    expect(ok.checks[0]).toMatchObject({ locations: ['vpc'], quorum: 1 });
    expect(['10.0.0.1', '172.31.255.1', '192.168.0.1', '100.64.0.1', 'fd00::1'].every(isPrivateAddress)).toBe(true);
    expect(['127.0.0.1', '172.32.0.1', '8.8.8.8', '::1', 'db.internal'].some(isPrivateAddress)).toBe(false);
  });

  it('takes no locations on a heartbeat: it is judged where its reports arrive', () => {
    const config = parseConfig({
      locations: LOCATIONS,
      checks: [{ id: 'nightly', type: 'heartbeat', every: '1h', token: 'test-token-0123456789' }],
    });
    expect(config.checks[0]).toMatchObject({ locations: [], quorum: 1 });
    expect(
      problemsOf({
        locations: LOCATIONS,
        checks: [{ id: 'nightly', type: 'heartbeat', every: '1h', token: 'test-token-0123456789', locations: ['eu'] }],
      }),
    ).toEqual(['checks[0].locations: a heartbeat check is judged where its reports arrive; it takes no locations or quorum']);
  });
});

const check = parseConfig({
  defaults: { interval: '30s', timeout: '2s' },
  locations: LOCATIONS,
  checks: [httpEntry({ id: 'orders' })],
}).checks[0] as Check;

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000);

function result(location: string, s: number, status: 'up' | 'down' | 'degraded' = 'up', fault?: string): CheckResult {
  return {
    checkId: 'orders',
    status,
    error: status === 'down' ? { kind: 'http_status', message: 'expected status 2xx, got 503' } : null,
    httpStatus: status === 'down' ? 503 : 200,
    timings: { dnsMs: null, connectMs: 1, tlsMs: null, ttfbMs: 2, transferMs: 0, totalMs: 3 },
    startedAt: at(s).toISOString(),
    detail: status === 'degraded' ? 'slow' : null,
    location,
    ...(fault ? { locationFault: fault } : {}),
  };
}

/** Feeds results in order, as ingest would; returns each judged result (null while waiting) and the news. */
function feed(results: readonly CheckResult[], start: StateWithOrigins = initialState('orders')) {
  let state = start;
  return {
    judged: results.map((r) => {
      const c = combine(state, r, check, new Date(Date.parse(r.startedAt) + 500));
      state = c.state;
      return { judged: c.judged, news: c.news };
    }),
    state: () => state,
  };
}

describe('combine: one judged result per window', () => {
  it('passes a result of one location through untouched', () => {
    const single = parseConfig({ checks: [httpEntry()] }).checks[0] as Check;
    const r = result('eu', 0);
    expect(combine(initialState('api'), { ...r, checkId: 'api' }, single, at(1)).judged).toEqual({ ...r, checkId: 'api' });
  });

  it('judges once every reporting location has a newer result, down only when the quorum agrees', () => {
    const { judged } = feed([
      result('eu', 0, 'down'),
      result('us', 0.2),
      result('ap', 0.4),
      result('eu', 30, 'down'),
      result('us', 30.1, 'down'),
      result('ap', 30.3),
      result('us', 60, 'degraded'),
      result('eu', 60.2, 'down'),
      result('ap', 60.5),
    ]);
    // ap's first result came after the first judgement: it counts in the second, which then waits for no one.
    expect(judged.map((j) => j.judged?.status ?? null)).toEqual([null, 'up', null, null, 'down', null, null, 'degraded', null]);
    const down = judged[4]?.judged;
    expect(down).toMatchObject({ status: 'down', error: { kind: 'http_status' }, quorum: 2, startedAt: at(30.1).toISOString() });
    expect(down?.locations?.map((l) => [l.location, l.status, l.agreed])).toEqual([
      ['eu', 'down', true],
      ['us', 'down', true],
      ['ap', 'up', false],
    ]);
    expect(agreedLine(down as CheckResult)).toBe('seen from eu (HTTP 503), us (HTTP 503); 2 of 3 locations, quorum 2 (ap up)');
  });

  it('leaves out a location silent for two intervals, tells it once, and tells when it is back', () => {
    const silent = feed([
      result('eu', 0),
      result('us', 0),
      result('ap', 0),
      result('eu', 30, 'down'),
      result('us', 30, 'down'),
      // ap is silent: eu and us wait for it until two intervals and the timeout have passed.
      result('eu', 60, 'down'),
      result('us', 60, 'down'),
      result('eu', 90, 'down'),
      result('us', 90, 'down'),
      result('ap', 120),
    ]);
    const statuses = silent.judged.map((j) => j.judged?.status ?? null);
    expect(statuses).toEqual([null, 'up', null, null, 'down', null, null, 'down', null, null]);
    expect(silent.judged[6]?.news).toEqual([]);
    expect(silent.judged[7]?.news).toEqual([
      { checkId: 'orders', location: 'ap', available: false, reason: 'no result from it in 1m 30s (every 30s expected)' },
    ]);
    expect(silent.judged[7]?.judged?.locations?.map((l) => l.location)).toEqual(['eu', 'us']);
    expect(silent.judged[9]?.news).toEqual([{ checkId: 'orders', location: 'ap', available: true, reason: 'reporting again' }]);
  });

  it('tells no location unavailable for a stretch nobody was watching (the monitor stopped), and waits for each afresh', () => {
    const { judged } = feed([
      result('eu', 0),
      result('us', 0),
      result('ap', 0),
      // An hour later the monitor starts again: the first location back says nothing of the others.
      result('eu', 3600, 'down'),
      result('us', 3600, 'down'),
      result('ap', 3601, 'down'),
    ]);
    expect(judged.flatMap((j) => j.news)).toEqual([]);
    // After the gap eu waits for the others as at a start: eu and us make the window (quorum 2), ap the next.
    expect(judged.map((j) => j.judged?.status ?? null)).toEqual([null, 'up', null, null, 'down', null]);
  });

  it('judges results decided long after they were probed as when they were probed, and tells nothing of them', () => {
    // Kept while the store did not answer, then decided in order ten minutes later.
    const late = (r: CheckResult) => new Date(Date.parse(r.startedAt) + 10 * 60_000);
    let state: StateWithOrigins = initialState('orders');
    const outcomes = [result('eu', 0), result('us', 0), result('ap', 0), result('eu', 30, 'down'), result('us', 30, 'down')].map(
      (r) => {
        const c = combine(state, r, check, late(r));
        state = c.state;
        return c;
      },
    );
    expect(outcomes.flatMap((c) => c.news)).toEqual([]);
    expect(outcomes.map((c) => c.judged?.status ?? null)).toEqual([null, 'up', null, null, 'down']);
  });

  it('carries the shown location’s event-loop lag, so a lagged timing stays out of latency', () => {
    const shown = feed([result('eu', 0, 'down'), { ...result('us', 0, 'down'), loopLagMs: 42 }]).judged[1]?.judged;
    expect(shown).toMatchObject({ status: 'down', timings: { totalMs: 3 }, loopLagMs: 42 });
    const other = feed([{ ...result('eu', 0), loopLagMs: 42 }, result('us', 0)]).judged[1]?.judged;
    expect(other?.status).toBe('up');
    expect(other?.loopLagMs).toBeUndefined();
  });

  it('leaves out a location whose control probe fails, and judges nothing with fewer usable locations than the quorum', () => {
    const { judged } = feed([
      result('eu', 0, 'down', 'control https://example.com: connect_timeout'),
      result('us', 0, 'down'),
      result('ap', 0),
      result('eu', 30, 'down', 'control https://example.com: connect_timeout'),
      result('us', 30, 'down'),
      result('ap', 30, 'down'),
    ]);
    expect(judged.map((j) => j.judged?.status ?? null)).toEqual([null, null, 'up', null, null, 'down']);
    expect(judged[0]?.news).toEqual([
      {
        checkId: 'orders',
        location: 'eu',
        available: false,
        reason: 'its control probe fails: control https://example.com: connect_timeout',
      },
    ]);
    expect(judged[5]?.judged?.locations?.map((l) => l.location)).toEqual(['us', 'ap']);
  });
});
