/** What a producer in AWS (the probe, the heartbeat endpoint) hands ingest: the stack's table, metrics and dispatch queue. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STACK_ENV } from '../core/contracts.js';
import { CloudWatchMetricsSink } from './cloudwatch.js';
import { DynamoResultStore } from './dynamodb.js';
import { powertoolsLog } from './powertools-log.js';
import { AWS_REQUEST_HANDLER } from './request-timeouts.js';
import { SqsDispatchQueue } from './sqs.js';
import { stackVariable } from './stack-env.js';

/**
 * Options for a client of the home stack's services. A probe in another region than the home stack's
 * (`HOME_REGION`) writes to the home table, queue and metrics and reads the check secrets there: one
 * place decides, and the secrets are granted there (lib/locations.ts).
 */
export function homeClientOptions() {
  const home = process.env[STACK_ENV.homeRegion];
  return { requestHandler: AWS_REQUEST_HANDLER, ...(home ? { region: home } : {}) };
}

/** Reads the environment lib/vigil-function.ts `feedsIngest` sets. */
export function stackIngest(logger: Logger) {
  const options = homeClientOptions();
  const store = new DynamoResultStore(new DynamoDBClient(options), { tableName: stackVariable(STACK_ENV.tableName) });
  return {
    store,
    heartbeats: store,
    metrics: new CloudWatchMetricsSink(new CloudWatchClient(options)),
    dispatch: new SqsDispatchQueue(new SQSClient(options), stackVariable(STACK_ENV.dispatchQueueUrl)),
    log: powertoolsLog(logger),
    alertContext: { stackName: stackVariable(STACK_ENV.stackName), dashboardUrl: process.env[STACK_ENV.dashboardUrl] || null },
  };
}
