/**
 * What one request to AWS asks for, read as IAM reads it: who signed it (the access key id, which the
 * harness sets to the function's logical id), the IAM action (`dynamodb:PutItem`), and its parameters.
 * The SDK names the action in the `X-Amz-Target` header (JSON protocols: DynamoDB, SQS, CloudWatch,
 * Secrets Manager) or the `Action` form field (SNS's query protocol); the signing scope names the service.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface AwsCall {
  /** The access key id the request was signed with. */
  readonly caller: string;
  /** The IAM service prefix: `dynamodb`, `sqs`, `sns`, `cloudwatch`, `secretsmanager`. */
  readonly service: string;
  /** The IAM action: `<service>:<operation>`. */
  readonly action: string;
  readonly protocol: 'json' | 'query';
  readonly params: Readonly<Record<string, unknown>>;
}

/** Signing names whose IAM prefix differs. */
const IAM_PREFIX: Readonly<Record<string, string>> = { monitoring: 'cloudwatch' };

export function readCall(headers: IncomingHttpHeaders, body: Buffer): AwsCall {
  // Credential=<access key id>/<date>/<region>/<service>/aws4_request
  const scope = /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''));
  if (!scope) throw new Error(`an unsigned request reached the AWS proxy: ${String(headers['x-amz-target'] ?? body)}`);
  const [, caller = '', signingName = ''] = scope;
  const service = IAM_PREFIX[signingName] ?? signingName;
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const params = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    return { caller, service, action: `${service}:${operation}`, protocol: 'json', params };
  }
  const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  if (!form.Action) throw new Error(`no action in a ${service} request: ${body.toString('utf8').slice(0, 200)}`);
  return { caller, service, action: `${service}:${form.Action}`, protocol: 'query', params: form };
}
