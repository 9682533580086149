/**
 * Whether a function's role, as the template writes it, allows each AWS call its bundle sent: the
 * action (wildcards as IAM matches them), the resource the call names (a table, queue, topic or secret
 * by its ARN) and the conditions Vigil's statements use (`cloudwatch:namespace`, `dynamodb:LeadingKeys`).
 * What the service does on the caller's behalf counts too: publishing to a topic encrypted with its own
 * KMS key needs that key. A condition key this file cannot read from a call fails loudly rather than pass.
 */
import { TABLE_KEYS } from '../../lambdas/core/contracts.js';
import type { AwsCall } from './aws-calls.js';
import type { Json, TemplateJson } from './moto-stack.js';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** What the evaluation needs from the deployment. */
export interface IamWorld {
  readonly template: TemplateJson;
  readonly region: string;
  readonly account: string;
  /** `Ref`, `Fn::GetAtt`, `Fn::Join` answered as deployed. */
  readonly resolve: (value: unknown) => string;
  /** A secret's ARN by its name (the ARN carries a suffix the name does not). */
  readonly secretArn: (name: string) => string;
  /** The ARN of the customer-managed KMS key a topic or queue (by ARN) is encrypted with, if any. */
  readonly keyOf: (arn: string) => string | undefined;
}

/** One thing IAM decides on: an action on a resource, with the condition keys the request sets. */
interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, readonly string[]>>;
}

/** Each call its caller's role does not allow, described; empty when every call was granted. */
export function ungrantedCalls(calls: readonly AwsCall[], world: IamWorld): string[] {
  const problems = new Set<string>();
  for (const call of calls) {
    const statements = roleStatements(world.template, call.caller);
    for (const request of requestsOf(call, world)) {
      const verdict = decide(statements, request, world);
      if (verdict !== 'allowed') problems.add(`${call.caller}: ${request.action} on ${request.resource} (${verdict})`);
    }
  }
  return [...problems];
}

/** Every statement of the function's role: its inline policies and each AWS::IAM::Policy attached to it. */
export function roleStatements(template: TemplateJson, functionId: string): Statement[] {
  const role = roleOf(template, functionId);
  const inline = (
    (template.Resources[role]?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((p) => p.PolicyDocument.Statement);
  const attached = Object.values(template.Resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        (r.Properties.Roles as unknown[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: role })),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** The logical id of the function's role. */
export function roleOf(template: TemplateJson, functionId: string): string {
  const fn = template.Resources[functionId];
  if (fn?.Type !== 'AWS::Lambda::Function')
    throw new Error(`a call signed by ${functionId}, which is no function of the template`);
  const role = (fn.Properties.Role as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
  if (!role) throw new Error(`${functionId}: its role is not one of the template's`);
  return role;
}

/** IAM's string matching: `*` any run of characters, `?` one. */
function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function decide(statements: readonly Statement[], request: Request, world: IamWorld): 'allowed' | 'denied' | 'not granted' {
  const applies = (s: Statement) =>
    [s.Action].flat().some((a) => glob(a, request.action, true)) &&
    [s.Resource].flat().some((r) => glob(world.resolve(r), request.resource)) &&
    conditionsHold(s.Condition ?? {}, request);
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return 'denied';
  return statements.some((s) => s.Effect === 'Allow' && applies(s)) ? 'allowed' : 'not granted';
}

function conditionsHold(condition: Record<string, Record<string, unknown>>, request: Request): boolean {
  return Object.entries(condition).every(([operator, block]) =>
    Object.entries(block).every(([key, expected]) => {
      const values = request.context[key];
      if (values === undefined) throw new Error(`condition ${key} of a statement is not read from ${request.action} here`);
      const patterns = [expected].flat().map(String);
      const [quantifier, test] = operator.includes(':') ? operator.split(':') : ['single', operator];
      const matches = (value: string) =>
        test === 'StringEquals' ? patterns.includes(value) : test === 'StringLike' ? patterns.some((p) => glob(p, value)) : null;
      if (matches('') === null) throw new Error(`condition operator ${operator} is not evaluated here`);
      if (quantifier === 'ForAnyValue') return values.some((v) => matches(v));
      // ForAllValues, and a single-valued key (which has exactly one value).
      return (quantifier === 'ForAllValues' || values.length === 1) && values.every((v) => matches(v));
    }),
  );
}

/** The `pk` values of DynamoDB items a call names, which `dynamodb:LeadingKeys` is about. */
function leadingKeys(call: AwsCall): string[] {
  const p = call.params as Json & {
    Key?: Json;
    Item?: Json;
    RequestItems?: Record<string, { Keys?: Json[] } | { PutRequest?: { Item: Json }; DeleteRequest?: { Key: Json } }[]>;
    KeyConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Json;
  };
  const pkOf = (item: Json | undefined) => (item?.[TABLE_KEYS.partitionKey] as { S?: string } | undefined)?.S;
  const keys: (string | undefined)[] = [];
  if (p.Key) keys.push(pkOf(p.Key));
  if (p.Item) keys.push(pkOf(p.Item));
  for (const entry of Object.values(p.RequestItems ?? {})) {
    if (Array.isArray(entry)) for (const w of entry) keys.push(pkOf(w.PutRequest?.Item ?? w.DeleteRequest?.Key));
    else for (const key of entry.Keys ?? []) keys.push(pkOf(key));
  }
  if (p.KeyConditionExpression) {
    const names = Object.entries(p.ExpressionAttributeNames ?? {}).flatMap(([alias, name]) =>
      name === TABLE_KEYS.partitionKey ? [alias] : [],
    );
    for (const name of [TABLE_KEYS.partitionKey, ...names]) {
      const placeholder = new RegExp(`(?:^|[\\s(])${name.replace('#', '\\#')}\\s*=\\s*(:\\w+)`).exec(
        p.KeyConditionExpression,
      )?.[1];
      if (placeholder) keys.push(pkOf({ [TABLE_KEYS.partitionKey]: p.ExpressionAttributeValues?.[placeholder] }));
    }
  }
  if (keys.length === 0 || keys.some((k) => k === undefined)) throw new Error(`no partition key read from ${call.action}`);
  return keys as string[];
}

/** What IAM decides on for one call: its own action on what it names, and what the service does for it. */
function requestsOf(call: AwsCall, world: IamWorld): Request[] {
  const arn = (service: string, rest: string) => `arn:aws:${service}:${world.region}:${world.account}:${rest}`;
  const p = call.params as Json & { TableName?: string; RequestItems?: Json; QueueUrl?: string; TopicArn?: string };
  const one = (resource: string, context: Request['context'] = {}): Request[] => [{ action: call.action, resource, context }];
  switch (call.service) {
    case 'dynamodb': {
      const tables = p.TableName ? [p.TableName] : Object.keys(p.RequestItems ?? {});
      const context = { 'dynamodb:LeadingKeys': leadingKeys(call) };
      return tables.flatMap((table) => one(arn('dynamodb', `table/${table}`), context));
    }
    case 'sqs': {
      const queue = arn('sqs', new URL(String(p.QueueUrl)).pathname.split('/').pop() ?? '');
      const key = world.keyOf(queue);
      const kms = key && call.action === 'sqs:SendMessage' ? [{ action: 'kms:GenerateDataKey', resource: key, context: {} }] : [];
      return [...one(queue), ...kms];
    }
    case 'sns': {
      const topic = String(p.TopicArn);
      const key = world.keyOf(topic);
      const kms = key ? ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ action, resource: key, context: {} })) : [];
      return [...one(topic), ...kms];
    }
    case 'secretsmanager': {
      const id = String(p.SecretId);
      return one(id.startsWith('arn:') ? id : world.secretArn(id));
    }
    case 'cloudwatch':
      // PutMetricData has no resource-level permissions: `*`, scoped by the namespace condition.
      return one('*', { 'cloudwatch:namespace': [String(p.Namespace)] });
    default:
      throw new Error(`${call.action}: a service this check does not read`);
  }
}
