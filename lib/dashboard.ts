import { Aws, Duration, NestedStack } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IWidget,
  LogQueryVisualizationType,
  LogQueryWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Check } from '../lambdas/config/parse.js';
import { CHECK_RESULT_LOG, METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from '../lambdas/core/contracts.js';
import { budgetShare, objectiveLabel } from '../lambdas/core/objectives.js';
import { HEAVY_LAG_MS } from '../lambdas/core/trusted-latency.js';
import { dashboardLayout } from './dashboard-layout.js';

export interface VigilDashboardProps {
  readonly dashboardName: string;
  readonly checks: readonly Check[];
}

const PERIOD = Duration.minutes(5);

type MetricOf = (check: Check, metricName: string, statistic: string, label: string) => Metric;

/**
 * Per objective: attained over its window, budget left and the last hour's burn rate, by metric math on
 * the check's two metrics (Availability's average is the share of runs up; Latency's `PR(:under)` the
 * share of answered runs under the time: down runs write no Latency), without a metric of its own. An
 * objective with `includeDown` also counts down runs as slow, which only `vigil report` and its alerts do.
 */
function objectivesWidget(check: Check, metric: MetricOf): SingleValueWidget {
  const values = check.objectives.flatMap((objective, i) => {
    const budget = budgetShare(objective);
    // The share of runs that met the objective, as an expression over metric `id`.
    const good =
      'availability' in objective
        ? { metric: metric(check, METRICS.availability, 'Average', 'runs up'), share: (id: string) => id }
        : {
            metric: metric(check, METRICS.latency, `PR(:${objective.latency.under})`, 'runs under'),
            share: (id: string) => `${id} / 100`,
          };
    const label = objectiveLabel(objective);
    // An expression's period applies to the metrics it uses: the window, or the last hour.
    const over = (period: Duration, id: string, expression: (share: string) => string, what: string) =>
      new MathExpression({ expression: expression(good.share(id)), usingMetrics: { [id]: good.metric }, period, label: what });
    const window = Duration.millis(objective.window);
    return [
      over(window, `w${i}`, (share) => `100 * ${share}`, `${label}: attained %`),
      over(window, `w${i}`, (share) => `100 * (1 - (1 - ${share}) / ${budget})`, 'budget left %'),
      over(Duration.hours(1), `h${i}`, (share) => `(1 - ${share}) / ${budget}`, 'burn rate, last hour'),
    ];
  });
  return new SingleValueWidget({ title: `${check.name}: objectives`, metrics: values, width: 24, height: 3 });
}

/** A heartbeat's runs, hourly: how long they took (from their start reports) and the share that succeeded. */
function runsWidget(check: Check, metric: MetricOf): GraphWidget {
  const hourly = (m: Metric) => m.with({ period: Duration.hours(1) });
  return new GraphWidget({
    title: `${check.name}: runs`,
    left: [
      hourly(metric(check, METRICS.runDuration, 'Average', 'run time (ms), average')),
      hourly(metric(check, METRICS.runDuration, 'Maximum', 'run time (ms), longest')),
    ],
    right: [
      new MathExpression({
        expression: '100 * ok',
        usingMetrics: { ok: hourly(metric(check, METRICS.runSuccess, 'Average', 'runs ok')) },
        period: Duration.hours(1),
        label: 'runs succeeded %',
      }),
    ],
    rightYAxis: { min: 0, max: 100 },
    width: 12,
  });
}

const metric: MetricOf = (check, metricName, statistic, label) =>
  new Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { [METRIC_DIMENSION]: check.id },
    statistic,
    period: PERIOD,
    label,
  });

/** A check's rows: availability beside latency (a heartbeat's runs instead), then its objectives if it has any. */
function checkRows(check: Check): IWidget[][] {
  // Objectives are lines on the graphs they are about: no metric of their own to pay for.
  const availabilityTargets = check.objectives.flatMap((o) => ('availability' in o ? [o] : []));
  const latencyTargets = check.objectives.flatMap((o) => ('latency' in o ? [o] : []));
  const percentiles = [...new Set(['p50', 'p95', 'p99', ...latencyTargets.map((o) => `p${o.latency.percent}`)])];
  const graphs = [
    new GraphWidget({
      title: `${check.name}: availability`,
      left: [metric(check, METRICS.availability, 'Average', 'availability')],
      leftYAxis: { min: 0, max: 1 },
      leftAnnotations: availabilityTargets.map((o) => ({
        // 99.9 / 100 is 0.9990000000000001 in floating point.
        value: Number((o.availability / 100).toPrecision(12)),
        label: `objective: ${objectiveLabel(o)}`,
      })),
      width: 12,
    }),
    check.type === 'heartbeat'
      ? runsWidget(check, metric)
      : new GraphWidget({
          title: `${check.name}: latency (ms)`,
          left: percentiles.map((p) => metric(check, METRICS.latency, p, p)),
          leftAnnotations: latencyTargets.map((o) => ({ value: o.latency.under, label: `objective: ${objectiveLabel(o)}` })),
          width: 12,
        }),
  ];
  return check.objectives.length > 0 ? [graphs, [objectivesWidget(check, metric)]] : [graphs];
}

/** The console link of a dashboard, in the deploying stack's region or (a location's probe) the home one. */
export const consoleUrl = (dashboardName: string, region: string = Aws.REGION) =>
  `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboardName}`;

/** The whole fleet in a few graphs: CloudWatch's search finds each check's metric, none is listed. */
function fleetRows(): IWidget[][] {
  // A search returns at most 500 series: the sort picks the worst of those it found.
  const search = (metricName: string, statistic: string) =>
    `SEARCH('{${METRIC_NAMESPACE},${METRIC_DIMENSION}} MetricName="${metricName}"', '${statistic}', ${PERIOD.toSeconds()})`;
  const worst = (title: string, expression: string, label: string) =>
    new GraphWidget({
      title,
      left: [new MathExpression({ expression, label, period: PERIOD, usingMetrics: {} })],
      width: 12,
    });
  return [
    [
      worst(
        'Lowest availability: the 10 worst checks',
        `SORT(${search(METRICS.availability, 'Average')}, MIN, ASC, 10)`,
        'availability',
      ),
      worst('Slowest checks: the 10 highest p99 (ms)', `SORT(${search(METRICS.latency, 'p99')}, MAX, DESC, 10)`, 'p99'),
    ],
  ];
}

/**
 * Availability and latency percentiles per check (a heartbeat's runs instead of latency), from the `Vigil` metrics,
 * with each objective drawn as a line on its graph, and timing phases from the probe's logs. A fleet too large for
 * one dashboard (lib/dashboard-layout.ts) gets an overview of the fleet, with links to detail dashboards of its
 * checks, kept in nested stacks so that every template stays under CloudFormation's 1 MB.
 */
export class VigilDashboard extends Construct {
  /** The dashboard the alerts link to: every check on it, or the fleet overview. */
  readonly dashboard: Dashboard;
  /** The detail dashboards, when the checks did not fit one. */
  readonly details: readonly Dashboard[];
  readonly url: string;
  private readonly checkCount: number;

  constructor(scope: Construct, id: string, props: VigilDashboardProps) {
    super(scope, id);
    this.checkCount = props.checks.length;
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.url = consoleUrl(props.dashboardName);
    const layout = dashboardLayout(props.checks);
    if (layout.single) {
      this.dashboard.addWidgets(
        new TextWidget({
          markdown: '# Vigil\nAvailability (share of up/degraded results) and latency per check; timing phases at the bottom.',
          width: 24,
          height: 2,
        }),
      );
      for (const check of props.checks) for (const row of checkRows(check)) this.dashboard.addWidgets(...row);
      this.details = [];
      return;
    }
    const pageName = (page: number) => `${props.dashboardName}-${page + 1}`;
    this.details = layout.stacks.flatMap((pages, n) => {
      const stack = new NestedStack(this, `Details${n + 1}`, { description: 'Vigil: detail dashboards' });
      return pages.map((page) => {
        const checks = layout.pages[page] ?? [];
        const detail = new Dashboard(stack, `Page${page + 1}`, { dashboardName: pageName(page) });
        detail.addWidgets(
          new TextWidget({
            markdown: `# Vigil: checks ${checks[0]?.id} to ${checks.at(-1)?.id}\nPage ${page + 1} of ${layout.pages.length}; [the fleet](${this.url}).`,
            width: 24,
            height: 2,
          }),
        );
        for (const check of checks) for (const row of checkRows(check)) detail.addWidgets(...row);
        return detail;
      });
    });
    const links = layout.pages.map(
      (checks, page) => `- [${checks[0]?.id} to ${checks.at(-1)?.id}](${consoleUrl(pageName(page))}) (${checks.length})`,
    );
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: [
          `# Vigil: ${props.checks.length} checks`,
          "Too many for one dashboard: the fleet's worst here, each check on its page. Timing phases at the bottom.",
          '',
          ...links,
        ].join('\n'),
        width: 24,
        height: Math.min(20, 3 + links.length),
      }),
    );
    for (const row of fleetRows()) this.dashboard.addWidgets(...row);
  }

  /**
   * Latency per location: for each, every check's p50 and p90 as its probe logged them, queried in the
   * location's region (a metric per check and location would cost more than the check's own two).
   */
  showLocations(locations: readonly { readonly name: string; readonly region: string; readonly logGroupName: string }[]): void {
    this.dashboard.addWidgets(
      ...locations.map(
        (location) =>
          new LogQueryWidget({
            title: `Latency from ${location.name} (${location.region}), ms`,
            region: location.region,
            logGroupNames: [location.logGroupName],
            view: LogQueryVisualizationType.TABLE,
            queryLines: [
              // As the Latency metric: no down run, none timed under heavy event-loop lag (core/trusted-latency.ts).
              `filter message = "${CHECK_RESULT_LOG}" and location = "${location.name}" and status != "down" and (not ispresent(loopLagMs) or loopLagMs < ${HEAVY_LAG_MS})`,
              'stats pct(timings.totalMs, 50) as p50, pct(timings.totalMs, 90) as p90, count(*) as runs by checkId',
              'sort checkId',
            ],
            width: Math.max(6, Math.floor(24 / Math.min(4, locations.length))),
            height: Math.min(12, 3 + this.checkCount),
          }),
      ),
    );
  }

  /**
   * Where each check's time goes (dns, connect, tls, ttfb, transfer), read from the probe's `check result`
   * log lines: a metric per phase and check would cost five billed metrics a check.
   */
  showTimingPhases(probeLogs: ILogGroup): void {
    const phases = ['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'transferMs', 'totalMs'];
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: `Timing phases per check (ms, average over the dashboard period); lagged: runs timed under ${HEAVY_LAG_MS} ms or more of Vigil's own event-loop lag, left out of Latency`,
        logGroupNames: [probeLogs.logGroupName],
        view: LogQueryVisualizationType.TABLE,
        queryLines: [
          `filter message = "${CHECK_RESULT_LOG}"`,
          // The loop lag says how far a timing can be trusted: Vigil's own event loop, not the target. A run
          // timed under HEAVY_LAG_MS of it writes no Latency datum (core/trusted-latency.ts): 1 here, else 0.
          `fields least(floor(loopLagMs / ${HEAVY_LAG_MS}), 1) as timedUnderLag`,
          `stats ${phases.map((p) => `avg(timings.${p}) as ${p.replace(/Ms$/, '')}`).join(', ')}, max(loopLagMs) as worstLoopLag, sum(timedUnderLag) as lagged, count(*) as runs by checkId`,
          'sort checkId',
        ],
        width: 24,
        height: Math.min(12, 3 + this.checkCount),
      }),
    );
  }
}
