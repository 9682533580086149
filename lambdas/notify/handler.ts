import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { powertoolsLog } from '../adapters/powertools-log.js';
import { AWS_REQUEST_HANDLER } from '../adapters/request-timeouts.js';
import { createSecretResolver } from '../adapters/secrets.js';
import { secretsManagerSource } from '../adapters/secrets-manager.js';
import { stackVariable } from '../adapters/stack-env.js';
import { bundledConfig } from '../bundled-config.js';
import { createPacer } from '../channels/pacer.js';
import { healthSourceOf } from '../core/alarm-event.js';
import { SERVICE_NAMES, STACK_ENV } from '../core/contracts.js';
import { probingLocations } from '../core/locations.js';
import { createNotifierApp } from './app.js';

const logger = new Logger({ serviceName: SERVICE_NAMES.notify });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const secrets = new SecretsManagerClient({ requestHandler: AWS_REQUEST_HANDLER });

const config = bundledConfig();
const stackName = stackVariable(STACK_ENV.stackName);
const app = createNotifierApp({
  config,
  channel: stackVariable(STACK_ENV.channelName),
  stackName,
  health: healthSourceOf(
    stackVariable(STACK_ENV.healthTopicArn),
    stackVariable(STACK_ENV.healthAlarmArns).split(','),
    stackName,
    probingLocations(config.locations, config.checks),
  ),
  dashboardUrl: process.env[STACK_ENV.dashboardUrl] || null,
  secretResolver: () => createSecretResolver(secretsManagerSource(secrets)),
  fetch: globalThis.fetch,
  sleep,
  pacer: createPacer(Date.now, sleep),
  log: powertoolsLog(logger),
  now: () => new Date(),
});

export const handler = middy(async (event: SNSEvent) => {
  const outcomes = await app(event);
  return { delivered: outcomes.length };
}).use(injectLambdaContext(logger, { resetKeys: true }));
