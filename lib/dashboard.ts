import { Aws, Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../lambdas/adapters/cloudwatch.js';
import type { Check } from '../lambdas/core/config.js';

export interface VigilDashboardProps {
  readonly dashboardName: string;
  readonly checks: readonly Check[];
}

const PERIOD = Duration.minutes(5);

/** Availability and latency percentiles per check, from the `Vigil` metrics. */
export class VigilDashboard extends Construct {
  readonly dashboard: Dashboard;
  readonly url: string;

  constructor(scope: Construct, id: string, props: VigilDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.url = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${props.dashboardName}`;
    const metric = (check: Check, metricName: string, statistic: string, label: string) =>
      new Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { CheckId: check.id },
        statistic,
        period: PERIOD,
        label,
      });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# Vigil\nAvailability (share of up/degraded results) and latency per check.',
        width: 24,
        height: 2,
      }),
    );
    for (const check of props.checks) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `${check.name}: availability`,
          left: [metric(check, 'Availability', 'Average', 'availability')],
          leftYAxis: { min: 0, max: 1 },
          width: 12,
        }),
        new GraphWidget({
          title: `${check.name}: latency (ms)`,
          left: ['p50', 'p95', 'p99'].map((p) => metric(check, 'Latency', p, p)),
          width: 12,
        }),
      );
    }
  }
}
