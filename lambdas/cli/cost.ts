/** `vigil cost`: what the config's stack would cost a month, and the same checks elsewhere. */

import { stackCost } from '../../lib/stack-config.js';
import type { Config } from '../core/config.js';
import type { CostEstimate } from '../core/cost.js';
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
  if (options.json) {
    io.stdout(JSON.stringify(estimate, null, 2));
    return EXIT.ok;
  }
  io.stdout(costText(estimate, options.source));
  return EXIT.ok;
}

/** One line for `cdk synth`. */
export function costLine(estimate: CostEstimate): string {
  return `about ${usd(estimate.totalUsd)} a month for ${plural(estimate.checks, 'check')} (${usd(estimate.perCheckUsd)} per check-month at list price); vigil cost for the breakdown`;
}

function costText(e: CostEstimate, source: string): string {
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
    'the same checks elsewhere:',
    `  CloudWatch Synthetics (one canary run per check run): ${usd(e.syntheticsUsd)} a month (${per(e.syntheticsUsd)})`,
    e.route53Usd === null
      ? '  Route 53 health checks: cannot do TLS-expiry or DNS checks'
      : `  Route 53 health checks (every 30 s; HTTPS and body matching are paid options): ${usd(e.route53Usd)} a month (${per(e.route53Usd)})`,
  ].join('\n');
}
