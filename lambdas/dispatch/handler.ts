import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { DynamoResultStore } from '../adapters/dynamodb.js';
import { powertoolsLog } from '../adapters/powertools-log.js';
import { AWS_REQUEST_HANDLER } from '../adapters/request-timeouts.js';
import { SnsAlertPublisher } from '../adapters/sns.js';
import { SqsDispatchQueue } from '../adapters/sqs.js';
import { stackVariable } from '../adapters/stack-env.js';
import { bundledConfig } from '../bundled-config.js';
import { SERVICE_NAMES, STACK_ENV } from '../core/contracts.js';
import { createDispatcherApp } from './app.js';

const logger = new Logger({ serviceName: SERVICE_NAMES.dispatch });
const app = createDispatcherApp({
  config: bundledConfig(),
  store: new DynamoResultStore(new DynamoDBClient({ requestHandler: AWS_REQUEST_HANDLER }), {
    tableName: stackVariable(STACK_ENV.tableName),
  }),
  publisher: new SnsAlertPublisher(new SNSClient({ requestHandler: AWS_REQUEST_HANDLER }), stackVariable(STACK_ENV.topicArn)),
  queue: new SqsDispatchQueue(new SQSClient({ requestHandler: AWS_REQUEST_HANDLER }), stackVariable(STACK_ENV.dispatchQueueUrl)),
  log: powertoolsLog(logger),
  now: () => new Date(),
});

export const handler = middy(async (event: SQSEvent) => {
  const report = await app(event);
  return { published: report.published.length, revisits: report.revisit.length };
}).use(injectLambdaContext(logger, { resetKeys: true }));
