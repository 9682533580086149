/**
 * What CloudFormation takes in one template (at most 500 resources, 200 outputs and a 1 MB body; the
 * CloudFormation quotas cfn-lint's E1002 and E3xxx limits check), and the arithmetic of the templates a config
 * makes: the stack's own and each nested stack of detail dashboards (lib/dashboard-layout.ts). Pure, so
 * `vigil validate --target aws` refuses what synth would make and CloudFormation refuse.
 */
import type { Check, Config } from '../lambdas/config/parse.js';
import { probingLocations } from '../lambdas/core/locations.js';
import { checkFootprint, DASHBOARD_LIMITS, type DashboardLayout } from './dashboard-layout.js';

/** The stack has at most five outputs (lib/vigil.ts), far from the 200 a template may have. */
export const TEMPLATE_LIMITS = { resources: 500, bytes: 1_000_000 } as const;

/**
 * Resources of the stack (test/infra/template-limits.test.ts counts them on synthesized stacks): the table, topics
 * and keys, queues, alarms, the probe and dispatcher functions and their roles, logs and filters, the dashboard.
 */
const RESOURCES = {
  fixed: 34,
  perShard: 2,
  perNotifier: 9,
  perEmail: 2,
  heartbeat: 10,
  statusPage: 13,
  perNestedStack: 1,
} as const;
/**
 * Bytes of the template file CDK writes, over-estimated (the same test holds them to at least the real size):
 * the fixed part, each channel and the heartbeat endpoint, each shard's rule and its check ids, and the one
 * dashboard's body escaped into the template, or the overview's links.
 */
const BYTES = {
  fixed: 30_000,
  perChannel: 8_000,
  heartbeat: 12_000,
  statusPage: 7_000,
  perShard: 2_000,
  escapedBody: 1.5,
  overview: 8_000,
  perPage: 400,
  perNestedStack: 1_500,
} as const;
/** An SNS filter policy names at most this many checks (lib/stack-config.ts leaves the list out past it). */
const FILTER_IDS = 150;

export interface TemplateEstimate {
  readonly resources: number;
  readonly bytes: number;
  /** Each nested stack's template, estimated bytes. */
  readonly nestedBytes: readonly number[];
}

const idsBytes = (ids: readonly string[]) => JSON.stringify(ids).length;

export function estimateTemplates(
  config: Config,
  shards: readonly { readonly checkIds: readonly string[] }[],
  layout: DashboardLayout,
): TemplateEstimate {
  const channels = Object.values(config.channels);
  const emails = channels.filter((c) => c.type === 'email').length;
  const heartbeats = config.checks.filter((c) => c.type === 'heartbeat');
  // The publisher's bucket, function, schedule and subscription (lib/status-page-publisher.ts).
  const statusPage = config.statusPage !== undefined && config.checks.some((c) => c.public);
  // Each location region's health topic may invoke each notifier function (lib/locations.ts).
  const healthRegions = new Set(probingLocations(config.locations, config.checks).map((l) => l.region)).size;
  const resources =
    RESOURCES.fixed +
    RESOURCES.perShard * shards.length +
    (RESOURCES.perNotifier + healthRegions) * (channels.length - emails) +
    RESOURCES.perEmail * emails +
    (heartbeats.length > 0 ? RESOURCES.heartbeat : 0) +
    (statusPage ? RESOURCES.statusPage : 0) +
    RESOURCES.perNestedStack * layout.stacks.length;
  const body = (checks: readonly Check[]) => checks.reduce((n, c) => n + checkFootprint(c).bytes, 0);
  const dashboardBytes = layout.single
    ? body(config.checks) * BYTES.escapedBody
    : BYTES.overview + BYTES.perPage * layout.pages.length + BYTES.perNestedStack * layout.stacks.length;
  const bytes =
    BYTES.fixed +
    channels.length * (BYTES.perChannel + idsBytes(config.checks.slice(0, FILTER_IDS).map((c) => c.id))) +
    (heartbeats.length > 0 ? BYTES.heartbeat : 0) +
    (statusPage ? BYTES.statusPage : 0) +
    // The endpoint's policy names each heartbeat's keys and its parents'.
    heartbeats.reduce((n, c) => n + 3 * idsBytes([c.id, ...c.dependsOn]), 0) +
    // A rule's input is its event as a JSON string: each id's quotes are escaped once more.
    shards.reduce((n, s) => n + BYTES.perShard + idsBytes(s.checkIds) + 2 * s.checkIds.length, 0) +
    dashboardBytes;
  const nestedBytes = layout.stacks.map(
    (pages) => BYTES.perNestedStack + pages.reduce((n, page) => n + body(layout.pages[page] ?? []) * BYTES.escapedBody, 0),
  );
  return {
    resources,
    bytes: Math.round(bytes),
    nestedBytes: nestedBytes.map(Math.round),
  };
}

const kb = (bytes: number) => `${Math.round(bytes / 1000).toLocaleString('en-US')} KB`;

/** Why the templates could not be deployed, with the arithmetic; none when they can. */
export function templateProblems(
  estimate: TemplateEstimate,
  shards: number,
  layout: DashboardLayout,
  checks: readonly Check[],
): string[] {
  const problems: string[] = [];
  if (estimate.resources > TEMPLATE_LIMITS.resources) {
    problems.push(
      `the stack needs ${estimate.resources} resources (${RESOURCES.fixed} of its own, ${RESOURCES.perShard} for each of ` +
        `${shards} schedule shards, its channels, heartbeat endpoint and ${layout.stacks.length} nested stacks of dashboards), ` +
        `over CloudFormation's ${TEMPLATE_LIMITS.resources} in one template; fewer checks or longer intervals make fewer shards`,
    );
  }
  if (estimate.bytes > TEMPLATE_LIMITS.bytes) {
    problems.push(
      `the stack's template would be about ${kb(estimate.bytes)} (${shards} schedule shards list their check ids), ` +
        `over CloudFormation's ${kb(TEMPLATE_LIMITS.bytes)}; shorter check ids or fewer checks make it smaller`,
    );
  }
  estimate.nestedBytes.forEach((bytes, n) => {
    if (bytes > TEMPLATE_LIMITS.bytes) {
      problems.push(
        `detail dashboards: nested stack ${n + 1}'s template would be about ${kb(bytes)}, over CloudFormation's ${kb(TEMPLATE_LIMITS.bytes)}`,
      );
    }
  });
  checks.forEach((check, i) => {
    const own = checkFootprint(check);
    if (
      own.widgets + 2 > DASHBOARD_LIMITS.widgets ||
      own.metrics > DASHBOARD_LIMITS.metrics ||
      own.bytes > DASHBOARD_LIMITS.bodyBytes
    ) {
      problems.push(
        `checks[${i}]: its graphs alone (${own.metrics} metrics, about ${kb(own.bytes)}) do not fit one dashboard ` +
          `(${DASHBOARD_LIMITS.metrics} metrics, ${kb(DASHBOARD_LIMITS.bodyBytes)}); fewer objectives or a shorter name`,
      );
    }
  });
  return problems;
}
