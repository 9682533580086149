import { describe, expect, it } from 'vitest';
import { costDrivers, estimateCost, MONTH_MS } from '../../lambdas/config/cost.js';
import { parseConfig } from '../../lambdas/config/parse.js';
import { PRICES } from '../../lambdas/core/prices.js';
import { stackCost } from '../../lib/stack-config.js';

const fleet = (count: number, fields: Record<string, unknown> = {}) =>
  parseConfig({
    checks: Array.from({ length: count }, (_, i) => ({
      id: `c${i}`,
      type: 'http',
      url: `https://a${i}.example.com/`,
      ...fields,
    })),
  });

const item = (estimate: ReturnType<typeof estimateCost>, name: string) => estimate.lines.find((l) => l.item === name)?.usd;

describe('estimateCost', () => {
  it('prices each part from the plan: runs, invocations, GB-s of the spread, metrics, alarms, dashboard', () => {
    const { checks } = fleet(2);
    const estimate = estimateCost({
      checks,
      shards: [{ checkIds: ['c0', 'c1'], intervalMs: 60_000, rateMinutes: 1, runs: 1, spreadMs: 1_500 }],
      memoryMb: 512,
      alarms: 6,
      kmsKeys: 2,
    });
    const invocations = MONTH_MS / 60_000; // 43,800
    expect(estimate.runs).toBe(2 * invocations);
    // 1.5 s of spread and 0.5 s around it, at half a GB.
    expect(item(estimate, 'Lambda compute')).toBeCloseTo(invocations * 2 * 0.5 * PRICES.lambdaArmGbSecond.usd, 6);
    expect(item(estimate, 'Lambda requests')).toBeCloseTo(invocations * PRICES.lambdaRequest.usd, 6);
    expect(item(estimate, 'DynamoDB writes')).toBeCloseTo(2 * invocations * PRICES.dynamoWriteUnit.usd, 6);
    expect(item(estimate, 'CloudWatch metrics')).toBe(4 * 0.3);
    expect(item(estimate, 'CloudWatch alarms')).toBeCloseTo(0.6, 6);
    expect(item(estimate, 'CloudWatch dashboard')).toBe(3);
    // The alert and health topics' keys.
    expect(item(estimate, 'KMS keys')).toBe(2);
    expect(estimate.totalUsd).toBeCloseTo(
      estimate.lines.reduce((n, l) => n + l.usd, 0),
      9,
    );
    expect(estimate.perCheckUsd).toBeCloseTo(estimate.totalUsd / 2, 9);
    // Synthetics bills every canary run.
    expect(estimate.syntheticsUsd).toBeCloseTo(2 * invocations * 0.0012, 6);
    // HTTPS is a paid option on Route 53.
    expect(estimate.route53Usd).toBe(2 * (0.75 + 2));
  });

  it('prices what a target that hangs until its timeout adds: the invocation waits for it every run', () => {
    const { checks } = fleet(1, { timeout: '10s', retries: 1, retryDelay: '2s' });
    const estimate = estimateCost({
      checks,
      shards: [{ checkIds: ['c0'], intervalMs: 60_000, rateMinutes: 1, runs: 1, spreadMs: 0 }],
      memoryMb: 1024,
      alarms: 6,
      kmsKeys: 2,
    });
    // 10 s, 2 s, 10 s at 1 GB, 43,800 times.
    expect(estimate.hangingTargetUsd).toBeCloseTo(43_800 * 22 * PRICES.lambdaArmGbSecond.usd, 6);
  });

  it('says Route 53 cannot do what TLS and DNS checks do', () => {
    const checks = parseConfig({ checks: [{ id: 'cert', type: 'tls', host: 'example.com' }] }).checks;
    expect(estimateCost({ checks, shards: [], memoryMb: 256, alarms: 6, kmsKeys: 2 }).route53Usd).toBeNull();
  });

  // 100 checks: $0.70 of runs, metrics, alarms and dashboard, and $0.02 of the topics' two KMS keys.
  it.each([
    [100, 0.72],
    [1_000, 0.7],
  ])('keeps %i checks every minute at most $%f per check-month at list price', (count, most) => {
    expect(stackCost(fleet(count, { interval: '1m' })).perCheckUsd).toBeLessThanOrEqual(most);
  });

  it('puts 10 checks under $0.70 per check-month once the always-free tier takes the fixed costs', () => {
    const estimate = stackCost(fleet(10, { interval: '1m' }));
    expect(estimate.perCheckUsd).toBeGreaterThan(0.7);
    expect(estimate.withFreeTierUsd / 10).toBeLessThanOrEqual(0.7);
  });

  it('prices a heartbeat: its three metrics and two reports a run at the endpoint, and no hanging target', () => {
    const { checks } = parseConfig({
      checks: [
        { id: 'hourly', type: 'heartbeat', every: '1h', token: 'a-token-long-enough' },
        { id: 'nightly', type: 'heartbeat', cron: '0 2 * * *', token: 'a-token-long-enough' },
      ],
    });
    const estimate = estimateCost({
      checks,
      shards: [{ checkIds: ['hourly', 'nightly'], intervalMs: 60_000, rateMinutes: 1, runs: 1, spreadMs: 20 }],
      memoryMb: 512,
      alarms: 7,
      kmsKeys: 2,
    });
    expect(item(estimate, 'CloudWatch metrics')).toBeCloseTo(6 * 0.3, 6);
    const reports = estimate.lines.find((l) => l.item === 'Heartbeat reports');
    // 730 hourly runs and 30.4 nightly ones, two reports each.
    expect(reports?.usage).toBe('1,521 reports');
    expect(reports?.usd).toBeGreaterThan(0);
    // Two cents a month, most of it the metrics each report sends.
    expect(reports?.usd).toBeLessThan(0.02);
    expect(estimate.hangingTargetUsd).toBe(0);
    expect(estimate.route53Usd).toBeNull();
  });

  it('says what drives the bill, largest first, and which intervals make the runs that drive it', () => {
    // 10 checks every 10 s and 90 every minute: the 10 s ones make 40% of the runs (60,480 of 151,200 a day).
    const config = parseConfig({
      checks: [
        ...Array.from({ length: 10 }, (_, i) => ({ id: `fast-${i}`, type: 'http', url: 'https://a.example/', interval: '10s' })),
        ...Array.from({ length: 90 }, (_, i) => ({ id: `slow-${i}`, type: 'http', url: 'https://a.example/', interval: '1m' })),
      ],
    });
    const estimate = stackCost(config);
    const drivers = costDrivers(estimate, config.checks);
    expect(drivers.map((d) => d.usd)).toEqual([...drivers.map((d) => d.usd)].sort((a, b) => b - a));
    expect(drivers.reduce((n, d) => n + d.usd, 0)).toBeCloseTo(estimate.totalUsd, 9);
    const compute = drivers.find((d) => d.driver === 'probe compute');
    expect(compute?.usd).toBeCloseTo((item(estimate, 'Lambda compute') ?? 0) + (item(estimate, 'Lambda requests') ?? 0), 9);
    expect(compute?.byInterval?.map((b) => [b.interval, Math.round(b.share * 100)])).toEqual([
      ['1m', 60],
      ['10s', 40],
    ]);
    // Metrics are per check, not per run: not split by interval.
    expect(drivers.find((d) => d.driver === 'metrics')?.byInterval).toBeUndefined();
  });
});

describe('stackCost with locations', () => {
  const located = (quorumChecks: number) =>
    parseConfig({
      locations: [
        { name: 'eu', region: 'eu-west-1' },
        { name: 'us', region: 'us-east-1' },
        { name: 'ap', region: 'ap-southeast-2' },
      ],
      checks: Array.from({ length: quorumChecks }, (_, i) => ({ id: `c${i}`, type: 'http', url: `https://a${i}.example.com/` })),
    });

  it('prices each location’s probes, the quorum’s state writes and the results sent to the home region', () => {
    const one = stackCost(fleet(100));
    const three = stackCost(located(100));
    const runs = 100 * (MONTH_MS / 60_000);
    expect(three.runs).toBe(3 * runs);
    // A probe per location: three times the invocations and compute.
    expect(item(three, 'Lambda requests')).toBeCloseTo(3 * (item(one, 'Lambda requests') ?? 0), 6);
    // Three results and one combined a window; each result also writes the state (about 2 units).
    expect(item(three, 'DynamoDB writes')).toBeCloseTo(4 * runs * PRICES.dynamoWriteUnit.usd, 6);
    expect(item(three, 'Quorum state writes')).toBeCloseTo(3 * runs * 2 * PRICES.dynamoWriteUnit.usd, 6);
    expect(item(three, 'Cross-region transfer')).toBeCloseTo(((3 * runs * 4_000) / 1024 ** 3) * 0.02, 6);
    // The same two metrics a check, and LocationUp per location; at home the dispatcher's and notifier's three
    // alarms and one per location (no probe: every check has locations), and two of each location's probe in
    // its region (failed runs, none at all).
    expect(item(three, 'CloudWatch metrics')).toBeCloseTo((200 + 3) * 0.3, 6);
    expect(item(three, 'CloudWatch alarms')).toBeCloseTo((3 + 3 + 3 * 2) * 0.1, 6);
    // The home topics' two keys, and each region's health topic's.
    expect(item(three, 'KMS keys')).toBe(2 + 3);
    expect(item(one, 'KMS keys')).toBe(2);
    expect(three.perCheckUsd).toBeGreaterThan(one.perCheckUsd);
  });
});
