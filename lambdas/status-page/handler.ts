import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoResultStore } from '../adapters/dynamodb.js';
import { powertoolsLog } from '../adapters/powertools-log.js';
import { AWS_REQUEST_HANDLER } from '../adapters/request-timeouts.js';
import { s3PagePutter } from '../adapters/s3-pages.js';
import { stackVariable } from '../adapters/stack-env.js';
import { bundledConfig } from '../bundled-config.js';
import { SERVICE_NAMES, STACK_ENV } from '../core/contracts.js';
import { createStatusPageApp } from './app.js';

const logger = new Logger({ serviceName: SERVICE_NAMES.statusPage });
const app = createStatusPageApp({
  config: bundledConfig(),
  store: new DynamoResultStore(new DynamoDBClient({ requestHandler: AWS_REQUEST_HANDLER }), {
    tableName: stackVariable(STACK_ENV.tableName),
  }),
  put: s3PagePutter(new S3Client({ requestHandler: AWS_REQUEST_HANDLER }), stackVariable(STACK_ENV.statusPageBucket)),
  now: () => new Date(),
  log: powertoolsLog(logger),
});

/** Invoked by the schedule's rule and by the alert topic: either way the whole page is drawn again. */
export const handler = async (): Promise<void> => {
  await app();
};
