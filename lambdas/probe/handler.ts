import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { createSecretResolver } from '../adapters/secrets.js';
import { secretsManagerSource } from '../adapters/secrets-manager.js';
import { homeClientOptions, stackIngest } from '../adapters/stack-ingest.js';
import { bundledConfig } from '../bundled-config.js';
import { warmUp } from '../checks/warm-up.js';
import { SERVICE_NAMES, STACK_ENV } from '../core/contracts.js';
import { createProbeApp, type ProbeEvent } from './app.js';

const logger = new Logger({ serviceName: SERVICE_NAMES.probe });
const secrets = new SecretsManagerClient(homeClientOptions());
const ingest = stackIngest(logger);
const app = createProbeApp({
  ...ingest,
  rollups: ingest.store,
  config: bundledConfig(),
  secretResolver: () => createSecretResolver(secretsManagerSource(secrets)),
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  monotonicMs: () => performance.now(),
  // One probe: more makes the JIT compile on background threads during the first cycle, which a
  // fraction of a vCPU pays for in throttled periods (bench/results/lambda.md).
  warmUp: async (checks) => void (await warmUp(checks, () => new Date(), { rounds: 1, width: 1 })),
  // Set by a location's probe stack (lib/locations.ts).
  ...(process.env[STACK_ENV.location] ? { location: process.env[STACK_ENV.location] } : {}),
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
