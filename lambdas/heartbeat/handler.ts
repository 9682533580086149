import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import { AWS_REQUEST_HANDLER } from '../adapters/request-timeouts.js';
import { createSecretResolver } from '../adapters/secrets.js';
import { secretsManagerSource } from '../adapters/secrets-manager.js';
import { stackIngest } from '../adapters/stack-ingest.js';
import { bundledConfig } from '../bundled-config.js';
import { SERVICE_NAMES } from '../core/contracts.js';
import type { SecretResolver } from '../core/ports.js';
import { createHeartbeatApp, type FunctionUrlEvent } from './app.js';

/** Tokens are read again after this long, so a rotated secret is taken within minutes. */
const TOKEN_CACHE_MS = 5 * 60_000;

const logger = new Logger({ serviceName: SERVICE_NAMES.heartbeat });
const config = bundledConfig();
const secrets = new SecretsManagerClient({ requestHandler: AWS_REQUEST_HANDLER });
const common = {
  ...stackIngest(logger),
  checks: config.checks,
  maintenance: config.maintenance,
  now: () => new Date(),
};
let resolver: { resolve: SecretResolver; until: number } | undefined;

const app = createHeartbeatApp(() => {
  if (!resolver || resolver.until < Date.now()) {
    resolver = { resolve: createSecretResolver(secretsManagerSource(secrets)), until: Date.now() + TOKEN_CACHE_MS };
  }
  return { ...common, resolveSecret: resolver.resolve };
});

export const handler = middy(async (event: FunctionUrlEvent) => app(event)).use(injectLambdaContext(logger, { resetKeys: true }));
