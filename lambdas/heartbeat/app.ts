/**
 * The heartbeat endpoint's one job: turn a Lambda Function URL request into a `PingRequest` for the
 * ping API (lambdas/checks/heartbeat/receive-ping.ts) and its answer back into a response. A failure of our own
 * (the table, a secret) is a 503 the job's wrapper retries, never a 4xx that reads as the job's fault.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { type PingDeps, type PingRequest, receivePing } from '../checks/heartbeat/receive-ping.js';

/** A Function URL's event is API Gateway's payload version 2.0. */
export type FunctionUrlEvent = Pick<
  APIGatewayProxyEventV2,
  'rawPath' | 'rawQueryString' | 'headers' | 'body' | 'isBase64Encoded'
> & {
  readonly requestContext: { readonly http: { readonly method: string } };
};

export function createHeartbeatApp(deps: () => PingDeps) {
  return async (event: FunctionUrlEvent): Promise<APIGatewayProxyResultV2> => {
    const pingDeps = deps();
    let answer: Awaited<ReturnType<typeof receivePing>>;
    try {
      answer = await receivePing(toRequest(event), pingDeps);
    } catch (error) {
      pingDeps.log.error('heartbeat report failed', { error: String(error), stack: (error as Error)?.stack });
      answer = { status: 503, headers: { 'retry-after': '5' }, body: { ok: false, error: 'not recorded: try again' } };
    }
    return {
      statusCode: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
      body: JSON.stringify(answer.body),
    };
  };
}

function toRequest(event: FunctionUrlEvent): PingRequest {
  // Lambda has already read the whole body (at most 6 MB); the ping API refuses one over its limit.
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString),
    authorization: event.headers?.authorization,
    body,
  };
}
