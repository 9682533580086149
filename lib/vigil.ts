import { CfnOutput, PhysicalName, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Config } from '../lambdas/config/parse.js';
import { AlertTopic } from './alert-topic.js';
import { VigilDashboard } from './dashboard.js';
import { Dispatcher } from './dispatcher.js';
import {
  dispatcherDocument,
  heartbeatDocument,
  notifierDocument,
  probeDocument,
  statusPageDocument,
} from './function-documents.js';
import { HealthTopic } from './health-topic.js';
import { HeartbeatEndpoint } from './heartbeat-endpoint.js';
import { acceptRegionalHealth, locationAlarms, locationGroups, probeLogGroupName } from './locations.js';
import { Notifier } from './notifier.js';
import { ProbeSchedule } from './probe-schedule.js';
import { ResultsTable } from './results-table.js';
import { PROBE_MEMORY_MB, planStack, type ScheduleGroup } from './stack-config.js';
import { StatusPagePublisher } from './status-page-publisher.js';

export interface VigilProps {
  /** The validated config (`loadConfigFile(path).config`). */
  readonly config: Config;
  /** The config document as validated (`loadConfigFile(path).document`), bundled into the Lambdas. */
  readonly configDocument: unknown;
  /** Named in config errors. @default 'config' */
  readonly configSource?: string;
  /** Names the dedup keys (`vigil/<name>/<check>`) and the dashboard (`<name>-vigil`). @default the stack's name */
  readonly name?: string;
  /**
   * Accept secret values written inline in the config (they are bundled into the code of the one
   * function that uses them). @default false: use `{ secret: NAME }` (Secrets Manager)
   */
  readonly allowPlainSecrets?: boolean;
  /**
   * The probe function's memory size, which buys its CPU share; checks are sharded and spread to fit it.
   * @default 512 (bench/results/lambda.md)
   */
  readonly probeMemoryMb?: number;
  /** Emit the dashboard URL, table and topics as stack outputs. @default true */
  readonly outputs?: boolean;
  /** What becomes of the results table (history, incidents, state) when Vigil is removed. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /**
   * How long every Vigil function's logs are kept (the dashboard's timing phases read the probe's).
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * The probe function's reserved concurrency, taken from the account's pool.
   * @default each shard's invocations that may overlap, at least 10 (lib/probe-schedule.ts)
   */
  readonly probeReservedConcurrency?: number;
  /** Each channel's notifier function's reserved concurrency: deliveries at once. @default 1 (keeps Slack near its 1 message/s) */
  readonly notifierReservedConcurrency?: number;
}

/**
 * Vigil as one construct, to add to a CDK app a team already has:
 * `new Vigil(this, 'Monitoring', { config, configDocument })`. It only composes the constructs of
 * each concern; see docs/architecture.md for how they fit.
 */
export class Vigil extends Construct {
  readonly results: ResultsTable;
  readonly alerts: AlertTopic;
  readonly health: HealthTopic;
  /**
   * The probe of the checks this stack probes itself: all of them without `locations`; with locations only
   * heartbeats (the rest probe from each location's stack, lib/locations.ts). Undefined when there are none.
   */
  readonly probeSchedule: ProbeSchedule | undefined;
  readonly dispatcher: Dispatcher;
  readonly notifier: Notifier;
  readonly dashboard: VigilDashboard;
  /** The heartbeat API; only when the config has heartbeat checks. */
  readonly heartbeats: HeartbeatEndpoint | undefined;
  /** The status page's publisher; only when the config has `statusPage` and a public check. */
  readonly statusPage: StatusPagePublisher | undefined;
  readonly probeMemoryMb: number;
  /** The shards of every check, planned once: each location's probe stack takes its checks' share. */
  readonly plan: { readonly groups: readonly ScheduleGroup[]; readonly probeSecrets: readonly string[] };
  /** The name dedup keys and the dashboard carry. */
  readonly name: string;

  /** The stack's own probe; a Vigil with locations and no heartbeat checks has none (see `probeSchedule`). */
  get probes(): ProbeSchedule {
    if (!this.probeSchedule) throw new Error("this Vigil probes from its locations' stacks only; it has no probe of its own");
    return this.probeSchedule;
  }

  constructor(scope: Construct, id: string, props: VigilProps) {
    super(scope, id);
    const name = props.name ?? Stack.of(this).stackName;
    this.probeMemoryMb = props.probeMemoryMb ?? PROBE_MEMORY_MB;
    const plan = planStack(props.config, props.configSource, {
      allowPlainSecrets: props.allowPlainSecrets ?? false,
      probeMemoryMb: this.probeMemoryMb,
    });
    this.name = name;
    this.plan = plan;
    const functions = { logRetention: props.logRetention };
    // With locations, probe stacks in other regions write here: the table and queue need names they can know.
    const located = props.config.locations.length > 0;
    const shared = located ? PhysicalName.GENERATE_IF_NEEDED : undefined;
    this.results = new ResultsTable(this, 'Results', {
      removalPolicy: props.tableRemovalPolicy,
      ...(shared ? { tableName: shared } : {}),
    });
    this.alerts = new AlertTopic(this, 'Alerts');
    this.health = new HealthTopic(this, 'Health');
    this.dashboard = new VigilDashboard(this, 'Dashboard', { dashboardName: `${name}-vigil`, checks: props.config.checks });
    this.dispatcher = new Dispatcher(this, 'Dispatcher', {
      ...functions,
      configDocument: dispatcherDocument(props.configDocument),
      table: this.results.table,
      topic: this.alerts.topic,
      ...(shared ? { queueName: shared } : {}),
    });
    const homeGroups = located ? locationGroups(plan.groups, props.config, null) : plan.groups;
    this.probeSchedule =
      homeGroups.length === 0
        ? undefined
        : new ProbeSchedule(this, 'Probes', {
            ...functions,
            configDocument: probeDocument(props.configDocument),
            reservedConcurrency: props.probeReservedConcurrency,
            groups: homeGroups,
            memoryMb: this.probeMemoryMb,
            secretNames: plan.probeSecrets,
            table: this.results.table,
            dispatchQueue: this.dispatcher.queue,
            stackName: name,
            dashboardUrl: this.dashboard.url,
          });
    this.heartbeats = plan.hasHeartbeats
      ? new HeartbeatEndpoint(this, 'Heartbeats', {
          ...functions,
          configDocument: heartbeatDocument(props.configDocument),
          checks: props.config.checks,
          secretNames: plan.heartbeatSecrets,
          table: this.results.table,
          dispatchQueue: this.dispatcher.queue,
          stackName: name,
          dashboardUrl: this.dashboard.url,
        })
      : undefined;
    this.notifier = new Notifier(this, 'Notifier', {
      ...functions,
      documentFor: (channel) => notifierDocument(props.configDocument, channel),
      reservedConcurrency: props.notifierReservedConcurrency,
      channels: plan.channels,
      topic: this.alerts.topic,
      healthTopic: this.health.topic,
      stackName: name,
      dashboardUrl: this.dashboard.url,
      ...(located ? { namedFor: name } : {}),
    });
    this.statusPage =
      props.config.statusPage && props.config.checks.some((c) => c.public)
        ? new StatusPagePublisher(this, 'StatusPage', {
            ...functions,
            configDocument: statusPageDocument(props.configDocument),
            table: this.results.table,
            alertTopic: this.alerts.topic,
            everyMs: props.config.statusPage.every,
          })
        : undefined;
    const probes = this.probeSchedule;
    const ownAlarms = [
      ...(probes
        ? [
            probes.failedRuns,
            probes.heartbeat,
            probes.function.alarmOnLoggedErrors(
              'ProbeErrors',
              'Vigil probes logged errors: results or alert state could not be stored (see the probe logs)',
            ),
          ]
        : []),
      // Each location that stopped reporting, or whose control probe fails: Vigil's trouble, never a target's.
      ...locationAlarms(this, props.config),
      this.dispatcher.failedDispatches,
      this.dispatcher.function.alarmOnLoggedErrors(
        'DispatchErrors',
        'Vigil could not send decided alerts (see the dispatcher logs); they are kept and retried',
      ),
      this.notifier.failedDeliveries,
      ...(this.heartbeats
        ? [
            this.heartbeats.function.alarmOnLoggedErrors(
              'HeartbeatErrors',
              'Vigil could not record or decide on heartbeat reports (see the heartbeat logs)',
            ),
            this.heartbeats.throttled,
          ]
        : []),
      ...(this.statusPage
        ? [
            this.statusPage.function.alarmOnLoggedErrors(
              'StatusPageErrors',
              'Vigil could not publish the status page (see the status page logs); it shows what it last published',
            ),
            this.statusPage.failed,
          ]
        : []),
    ];
    this.health.watch(...ownAlarms);
    this.notifier.trustAlarms(this.health.topic, ownAlarms);
    if (located) acceptRegionalHealth(this, props.config);
    if (probes) this.dashboard.showTimingPhases(probes.function.logGroup);
    if (located) {
      this.dashboard.showLocations(
        props.config.locations.map((l) => ({ name: l.name, region: l.region, logGroupName: probeLogGroupName(name, l.name) })),
      );
    }
    if (props.outputs ?? true) {
      new CfnOutput(this, 'DashboardUrl', { value: this.dashboard.url });
      new CfnOutput(this, 'TableName', { value: this.results.table.tableName });
      new CfnOutput(this, 'AlertTopicArn', { value: this.alerts.topic.topicArn });
      new CfnOutput(this, 'HealthTopicArn', { value: this.health.topic.topicArn });
      // `vigil run` reads it from `cdk deploy --outputs-file cdk-outputs.json`.
      if (this.heartbeats) new CfnOutput(this, 'HeartbeatUrl', { value: this.heartbeats.url.url });
      if (this.statusPage) new CfnOutput(this, 'StatusPageBucket', { value: this.statusPage.bucket.bucketName });
    }
  }
}
