import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Config } from '../lambdas/core/config.js';
import { AlertTopic } from './alert-topic.js';
import { VigilDashboard } from './dashboard.js';
import { HealthTopic } from './health-topic.js';
import { Notifier } from './notifier.js';
import { ProbeSchedule } from './probe-schedule.js';
import { ResultsTable } from './results-table.js';
import { planStack } from './stack-config.js';

export interface VigilStackProps extends StackProps {
  readonly config: Config;
  /** The config document as validated, bundled into the Lambdas. */
  readonly configDocument: unknown;
  /** Named in config errors. @default 'config' */
  readonly configSource?: string;
}

/** Composes the Vigil constructs; holds no logic of its own beyond wiring. */
export class VigilStack extends Stack {
  readonly results: ResultsTable;
  readonly alerts: AlertTopic;
  readonly health: HealthTopic;
  readonly probes: ProbeSchedule;
  readonly notifier: Notifier;
  readonly dashboard: VigilDashboard;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    const plan = planStack(props.config, props.configSource);
    this.results = new ResultsTable(this, 'Results');
    this.alerts = new AlertTopic(this, 'Alerts');
    this.health = new HealthTopic(this, 'Health');
    this.dashboard = new VigilDashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-vigil`,
      checks: props.config.checks,
    });
    this.probes = new ProbeSchedule(this, 'Probes', {
      configDocument: props.configDocument,
      groups: plan.groups,
      secretNames: plan.probeSecrets,
      table: this.results.table,
      topic: this.alerts.topic,
      stackName: this.stackName,
      dashboardUrl: this.dashboard.url,
    });
    this.notifier = new Notifier(this, 'Notifier', {
      configDocument: props.configDocument,
      channels: plan.channels,
      topic: this.alerts.topic,
      healthTopic: this.health.topic,
      stackName: this.stackName,
    });
    this.health.watch(this.probes.failedRuns, this.probes.heartbeat, this.notifier.failedDeliveries);
    this.dashboard.showTimingPhases(this.probes.function.logGroup);
    new CfnOutput(this, 'DashboardUrl', { value: this.dashboard.url });
    new CfnOutput(this, 'TableName', { value: this.results.table.tableName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerts.topic.topicArn });
    new CfnOutput(this, 'HealthTopicArn', { value: this.health.topic.topicArn });
  }
}
