/** `vigil cost`: what the config's stack would cost a month, and the same checks elsewhere. */

import { PROBE_MEMORY_MB, stackCost } from '../../lib/stack-config.js';
import { type CostDriver, type CostEstimate, costDrivers } from '../config/cost.js';
import type { Config } from '../config/parse.js';
import { plural } from '../core/format.js';
import { PRICES } from '../core/prices.js';
import { type CliIo, EXIT, type ExitCode } from './io.js';
import { renderTable } from './table.js';

export interface CostOptions {
  readonly source: string;
  readonly memoryMb: number | undefined;
  readonly json: boolean;
}

const usd = (n: number) => `$${n < 100 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US')}`;

export function costCommand(config: Config, options: CostOptions, io: CliIo): ExitCode {
  const estimate = stackCost(config, options.memoryMb);
  const drivers = costDrivers(estimate, config.checks);
  const choices = alternatives(config, options.memoryMb ?? PROBE_MEMORY_MB);
  if (options.json) {
    io.stdout(JSON.stringify({ ...estimate, drivers, alternatives: choices }, null, 2));
    return EXIT.ok;
  }
  io.stdout(costText(estimate, options.source, drivers, choices));
  return EXIT.ok;
}

export interface Alternative {
  readonly change: string;
  readonly totalUsd: number;
  readonly perCheckUsd: number;
}

/** The same checks with one thing the config controls changed, each priced by the same plan. */
function alternatives(config: Config, memoryMb: number): Alternative[] {
  const priced = (change: string, changed: Config, memory = memoryMb) => {
    const e = stackCost(changed, memory);
    return { change, totalUsd: e.totalUsd, perCheckUsd: e.perCheckUsd };
  };
  const slower = (floorMs: number) => ({
    ...config,
    checks: config.checks.map((c) => (c.intervalMs < floorMs ? { ...c, intervalMs: floorMs } : c)),
  });
  const fastest = Math.min(...config.checks.map((c) => c.intervalMs));
  return [
    ...(fastest < 60_000 ? [priced('checks faster than a minute every minute', slower(60_000))] : []),
    ...(fastest < 300_000 ? [priced('every check at most every 5 minutes', slower(300_000))] : []),
    ...[256, 1024].filter((mb) => mb !== memoryMb).map((mb) => priced(`probe memory ${mb} MB (--memory ${mb})`, config, mb)),
  ];
}

/** One line for `cdk synth`. */
export function costLine(estimate: CostEstimate): string {
  return `about ${usd(estimate.totalUsd)} a month for ${plural(estimate.checks, 'check')} (${usd(estimate.perCheckUsd)} per check-month at list price); vigil cost for the breakdown`;
}

/** "probe compute: $14.81 of $29.63 (50%; 10s intervals make 80% of the runs)" */
function driverLine(d: CostDriver, totalUsd: number): string {
  const share = totalUsd > 0 ? Math.round((d.usd / totalUsd) * 100) : 0;
  const top = d.byInterval?.[0];
  const runs = top ? `; ${top.interval} intervals make ${Math.round(top.share * 100)}% of the runs` : '';
  return `  ${d.driver}: ${usd(d.usd)} of ${usd(totalUsd)} (${share}%${runs})`;
}

function costText(e: CostEstimate, source: string, drivers: readonly CostDriver[], choices: readonly Alternative[]): string {
  const per = (n: number) => (e.checks > 0 ? `${usd(n / e.checks)} per check` : '');
  const rows = e.lines.map((l) => [l.item, l.usage, usd(l.usd)]);
  const { asOf } = PRICES.lambdaArmGbSecond;
  return [
    `Estimated AWS bill of ${source}: ${plural(e.checks, 'check')}, ${Math.round(e.runs).toLocaleString('en-US')} runs a month`,
    `(list prices in us-east-1 as of ${asOf}; sources in lambdas/core/prices.ts)`,
    '',
    renderTable([['ITEM', 'USAGE', 'PER MONTH'], ...rows, ['total', '', usd(e.totalUsd)]]),
    '',
    `per check-month: ${usd(e.perCheckUsd)}`,
    `with AWS's always-free tier, if nothing else in the account uses it: ${usd(e.withFreeTierUsd)} (${per(e.withFreeTierUsd)})`,
    `a target that hangs until its timeout on every run adds up to ${usd(e.hangingTargetUsd)} a month`,
    '',
    'what drives it:',
    ...drivers.slice(0, 3).map((d) => driverLine(d, e.totalUsd)),
    '',
    'what you could change:',
    ...choices.map((c) => `  ${c.change}: ${usd(c.totalUsd)} a month (${usd(c.perCheckUsd)} per check-month)`),
    '',
    'the same checks elsewhere:',
    `  CloudWatch Synthetics (one canary run per check run): ${usd(e.syntheticsUsd)} a month (${per(e.syntheticsUsd)})`,
    e.route53Usd === null
      ? '  Route 53 health checks: cannot do TLS-expiry or DNS checks'
      : `  Route 53 health checks (every 30 s; HTTPS and body matching are paid options): ${usd(e.route53Usd)} a month (${per(e.route53Usd)})`,
  ].join('\n');
}
