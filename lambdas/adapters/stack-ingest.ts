/** What a producer in AWS (the probe, the heartbeat endpoint) hands ingest: the stack's table, metrics and dispatch queue. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchMetricsSink } from './cloudwatch.js';
import { DynamoResultStore } from './dynamodb.js';
import { powertoolsLog } from './powertools-log.js';
import { AWS_REQUEST_HANDLER } from './request-timeouts.js';
import { SqsDispatchQueue } from './sqs.js';
import { stackVariable } from './stack-env.js';

/**
 * Reads the environment lib/vigil-function.ts `feedsIngest` sets. A probe in another region than the home
 * stack's (`HOME_REGION`) writes to the home table, queue and metrics there: one place decides.
 */
export function stackIngest(logger: Logger) {
  const home = process.env.HOME_REGION ? { region: process.env.HOME_REGION } : {};
  const options = { requestHandler: AWS_REQUEST_HANDLER, ...home };
  const store = new DynamoResultStore(new DynamoDBClient(options), { tableName: stackVariable('TABLE_NAME') });
  return {
    store,
    heartbeats: store,
    metrics: new CloudWatchMetricsSink(new CloudWatchClient(options)),
    dispatch: new SqsDispatchQueue(new SQSClient(options), stackVariable('DISPATCH_QUEUE_URL')),
    log: powertoolsLog(logger),
    alertContext: { stackName: stackVariable('STACK_NAME'), dashboardUrl: process.env.DASHBOARD_URL || null },
  };
}
