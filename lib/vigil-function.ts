import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArnFormat, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  type FunctionProps,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUNDLED_CONFIG_FILE } from '../lambdas/bundled-config.js';
import { METRIC_NAMESPACE, STACK_ENV } from '../lambdas/core/contracts.js';
import { BUNDLE_OPTIONS, type HandlerName, handlerCode } from './handler-code.js';

/** Where a producer's results go (lambdas/adapters/stack-ingest.ts reads them from the environment). */
export interface IngestTargets {
  readonly table: ITableV2;
  /** Where ingest announces outboxes with something to send. */
  readonly dispatchQueue: IQueue;
  readonly stackName: string;
  readonly dashboardUrl: string;
  /**
   * The home stack's region, for a producer in another one (a location's probe): its table, queue,
   * metrics and secrets are written and read there. @default the function's own region
   */
  readonly homeRegion?: string;
}

/** What the Vigil construct sets on every function it makes. */
export interface FunctionOptions {
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export interface VigilFunctionProps
  extends FunctionOptions,
    Pick<
      FunctionProps,
      | 'timeout'
      | 'memorySize'
      | 'environment'
      | 'reservedConcurrentExecutions'
      | 'description'
      | 'systemLogLevelV2'
      | 'vpc'
      | 'vpcSubnets'
      | 'securityGroups'
      | 'functionName'
    > {
  /** Which of lambdas/<name>/handler.ts it runs. */
  readonly handler: HandlerName;
  /** The validated config document, put beside the bundle (never in the template). */
  readonly configDocument: unknown;
  /** Secrets Manager names this function may read. */
  readonly secretNames: readonly string[];
  /** Where those secrets are (a location's probe reads the home region's). @default the function's own region */
  readonly secretRegion?: string;
  /** A log group name others can know (the home dashboard reads a location's probe logs). @default CloudFormation's */
  readonly logGroupName?: string;
}

/** Where files for the cloud assembly go before they are assets. */
const assemblyDir = (scope: Construct, name: string) => join(Stage.of(scope)?.outdir ?? tmpdir(), name);

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Writes the document into the cloud assembly, named by its hash; the path to copy it from. */
function configFile(scope: Construct, text: string): string {
  const dir = assemblyDir(scope, 'vigil-configs');
  const path = join(dir, `${hashOf(text)}.json`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A prebuilt bundle with the config beside it, as NodejsFunction's bundling leaves the source's: the asset's folder. */
function prebuiltAsset(scope: Construct, handler: HandlerName, bundleDir: string, text: string): string {
  const dir = join(assemblyDir(scope, 'vigil-code'), `${handler}-${hashOf(text)}`);
  // Copied afresh every synth: an upgraded package's bundle replaces what an older one left here.
  cpSync(bundleDir, dir, { recursive: true, force: true });
  writeFileSync(join(dir, BUNDLED_CONFIG_FILE), text);
  return dir;
}

/** A path as one shell word, whatever it holds. */
const shellQuote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;

/**
 * A Vigil Lambda: nodejs24.x on arm64, bundled by the local esbuild (no Docker) or prebuilt in the
 * package (lib/handler-code.ts), JSON logs kept a month, its config beside the bundle, read access to
 * exactly the secrets it names.
 */
export class VigilFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly logGroup: LogGroup;
  readonly secrets: readonly ISecret[];

  constructor(scope: Construct, id: string, props: VigilFunctionProps) {
    super(scope, id);
    const { configDocument, secretNames, secretRegion, logGroupName, handler, logRetention, ...rest } = props;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: logRetention ?? RetentionDays.ONE_MONTH,
      ...(logGroupName ? { logGroupName } : {}),
    });
    const common = {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(60),
      loggingFormat: LoggingFormat.JSON,
      logGroup: this.logGroup,
      ...rest,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...rest.environment },
    };
    const config = JSON.stringify(configDocument);
    const code = handlerCode(handler);
    this.fn =
      code.kind === 'prebuilt'
        ? new LambdaFunction(this, 'Function', {
            ...common,
            handler: 'index.handler',
            code: Code.fromAsset(prebuiltAsset(this, handler, code.dir, config)),
          })
        : new NodejsFunction(this, 'Function', {
            ...common,
            entry: code.entry,
            projectRoot: code.projectRoot,
            depsLockFilePath: code.depsLockFilePath,
            bundling: {
              minify: true,
              sourceMap: true,
              target: BUNDLE_OPTIONS.target,
              externalModules: [...BUNDLE_OPTIONS.external],
              // esbuild's per-bundle "Done in …" lines are noise at synth; its warnings and errors still show.
              logLevel: LogLevel.WARNING,
              // A file beside the bundle, not an esbuild `define`: a define is a command-line argument, and
              // the config of a few thousand checks is more than one argument may hold (E2BIG).
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir, outputDir) => [
                  `cp ${shellQuote(configFile(this, config))} ${shellQuote(join(outputDir, BUNDLED_CONFIG_FILE))}`,
                ],
              },
            },
          });
    this.secrets = secretNames.map((name, i) => {
      const secret = secretRegion
        ? Secret.fromSecretPartialArn(
            this,
            `Secret${i}`,
            Stack.of(this).formatArn({
              service: 'secretsmanager',
              region: secretRegion,
              resource: 'secret',
              resourceName: name,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          )
        : Secret.fromSecretNameV2(this, `Secret${i}`, name);
      secret.grantRead(this.fn);
      return secret;
    });
  }

  /**
   * Lets the function feed ingest: the table's `tableActions` (if given), the dispatch queue, metrics in the Vigil
   * namespace, and the environment that says where they are.
   */
  feedsIngest(targets: IngestTargets, tableActions?: readonly string[]): void {
    this.fn.addEnvironment(STACK_ENV.tableName, targets.table.tableName);
    this.fn.addEnvironment(STACK_ENV.dispatchQueueUrl, targets.dispatchQueue.queueUrl);
    this.fn.addEnvironment(STACK_ENV.stackName, targets.stackName);
    this.fn.addEnvironment(STACK_ENV.dashboardUrl, targets.dashboardUrl);
    if (targets.homeRegion) this.fn.addEnvironment(STACK_ENV.homeRegion, targets.homeRegion);
    // Without actions the caller grants its own, narrower table access.
    if (tableActions) targets.table.grant(this.fn, ...tableActions);
    targets.dispatchQueue.grantSendMessages(this.fn);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        // PutMetricData has no resource-level permissions; the namespace condition is the scope.
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );
  }

  /**
   * An alarm on the function's ERROR log lines. Failures that must not stop a batch (a result or a
   * state that could not be stored, an alert that could not be published) are logged, not thrown, so
   * the invocation succeeds; this is how they still reach people. The count is one metric, from logs.
   */
  alarmOnLoggedErrors(metricName: string, alarmDescription: string): Alarm {
    const filter = new MetricFilter(this, 'Errors', {
      logGroup: this.logGroup,
      filterPattern: FilterPattern.stringValue('$.level', '=', 'ERROR'),
      metricNamespace: METRIC_NAMESPACE,
      metricName,
      metricValue: '1',
      defaultValue: 0,
    });
    return new Alarm(this, 'ErrorsAlarm', {
      alarmDescription,
      metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
