import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { CloudWatchMetricsSink } from '../adapters/cloudwatch.js';
import { DynamoResultStore } from '../adapters/dynamodb.js';
import { powertoolsLog } from '../adapters/powertools-log.js';
import { createSecretResolver } from '../adapters/secrets.js';
import { secretsManagerSource } from '../adapters/secrets-manager.js';
import { SqsDispatchQueue } from '../adapters/sqs.js';
import { stackVariable } from '../adapters/stack-env.js';
import { bundledConfig } from '../bundled-config.js';
import { warmUp } from '../checks/warm-up.js';
import { createProbeApp, type ProbeEvent } from './app.js';

const logger = new Logger({ serviceName: 'vigil-probe' });
const secrets = new SecretsManagerClient({});
const app = createProbeApp({
  config: bundledConfig(),
  store: new DynamoResultStore(new DynamoDBClient({}), { tableName: stackVariable('TABLE_NAME') }),
  metrics: new CloudWatchMetricsSink(new CloudWatchClient({})),
  dispatch: new SqsDispatchQueue(new SQSClient({}), stackVariable('DISPATCH_QUEUE_URL')),
  log: powertoolsLog(logger),
  alertContext: { stackName: stackVariable('STACK_NAME'), dashboardUrl: process.env.DASHBOARD_URL || null },
  secretResolver: () => createSecretResolver(secretsManagerSource(secrets)),
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  monotonicMs: () => performance.now(),
  // One probe: more makes the JIT compile on background threads during the first cycle, which a
  // fraction of a vCPU pays for in throttled periods (bench/results/lambda.md).
  warmUp: (checks) => warmUp(checks, () => new Date(), { rounds: 1, width: 1 }),
});

// Not Powertools' injectLambdaContext: its function name, ARN and memory size would be half of every
// result's log line (about 300 of 620 bytes, billed per GB ingested); the cycle id carries the request id.
export const handler = async (event: ProbeEvent, context: Context) => {
  logger.appendKeys({ cycleId: context.awsRequestId });
  try {
    const reports = await app(event, context.awsRequestId);
    return { batches: reports.length, results: reports.reduce((n, r) => n + r.results.length, 0) };
  } finally {
    logger.resetKeys();
  }
};
