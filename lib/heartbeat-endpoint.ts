import { Duration } from 'aws-cdk-lib';
import { type FunctionUrl, FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type IngestTargets, VigilFunction } from './vigil-function.js';

export interface HeartbeatEndpointProps extends IngestTargets {
  readonly configDocument: unknown;
  /** Secrets Manager names of the heartbeat tokens. */
  readonly secretNames: readonly string[];
  /** Reports handled at once; past it the URL answers 429. @default 5 */
  readonly reservedConcurrency?: number;
}

/**
 * The heartbeat API in AWS (DESIGN "Heartbeat checks"): a Lambda Function URL rather than an HTTP API.
 * A URL costs nothing beyond the function's invocations (an HTTP API adds $1 per million requests and
 * a stage to configure); the token check is per check and lives in the function, so neither IAM auth
 * nor an authorizer would add to it; and a URL answers 429 by itself once the function's reserved
 * concurrency is taken, which bounds what a flood can cost. The function records a run in the table
 * and decides on it through ingest like a probed result; lateness is the probe schedule's (a
 * heartbeat check is in its shard like any other).
 */
export class HeartbeatEndpoint extends Construct {
  readonly function: VigilFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: HeartbeatEndpointProps) {
    super(scope, id);
    this.function = new VigilFunction(this, 'Heartbeat', {
      entry: 'lambdas/heartbeat/handler.ts',
      description: 'Vigil: record heartbeat reports (POST /ping/<check-id>) and decide on them',
      configDocument: props.configDocument,
      secretNames: props.secretNames,
      timeout: Duration.seconds(15),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      environment: { POWERTOOLS_SERVICE_NAME: 'vigil-heartbeat' },
    });
    const fn = this.function.fn;
    // Anyone may call it; each check's token is checked inside, before anything is written.
    this.url = fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    // Exactly what a report takes: the heartbeat item, the run, the result, the state and an incident.
    this.function.feedsIngest(props, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  }
}
