/**
 * A synthesized Vigil template deployed by hand onto moto (an AWS emulator; its CloudFormation cannot
 * deploy this stack): tables, queues, topics, alarms and subscriptions made from the template's own
 * properties (key schema, redrive policies, filter policies, alarm metrics and actions), and the bundles
 * from cdk.out run as Lambda would run them, with the template's environment resolved to what was made.
 * What is emulated here is what has no emulator: Lambda (a rule's Input, an SQS batch, an SNS envelope,
 * a Function URL request, asynchronous retries) and CloudWatch publishing an alarm's change of state.
 * Each function signs its calls with its logical id as access key, so the proxy in front of moto knows
 * whose call it noted (./iam.ts checks them against the function's role).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import type { IamWorld } from './iam.js';
import { HARNESS_KEY, type Moto, type RecordingProxy } from './moto.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
const CREDENTIALS = { accessKeyId: HARNESS_KEY, secretAccessKey: 'testing' };

export type Json = Record<string, unknown>;
export interface Resource {
  readonly Type: string;
  readonly Properties: Json;
}
export interface TemplateJson {
  readonly Resources: Record<string, Resource>;
}

/** What was made for each logical id: what `Ref` and `Fn::GetAtt` answer for it. */
interface Physical {
  readonly ref: string;
  readonly attributes: Record<string, string>;
}

/** An SQS queue standing in for a function's SNS subscription, read later as SNS would invoke. */
interface Inbox {
  readonly queueUrl: string;
  readonly subscription: string;
}

/** A Function URL's answer (buffered mode): what the caller sees. */
export interface UrlAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface DeployOptions {
  /** The stack's name: `AWS::StackName`, and the prefix of every name made on moto (one moto may hold several). */
  readonly name: string;
  /** The cloud assembly the template's assets are in. */
  readonly assetDir: string;
  readonly moto: Moto;
  /** Where the bundles' calls go. */
  readonly proxy: RecordingProxy;
}

export class MotoStack {
  /** Every line the functions logged, in order: shown when an invocation fails. */
  readonly logged: string[] = [];
  private readonly physical = new Map<string, Physical>();
  private readonly snsInbox = new Map<string, Inbox[]>();
  /** Each function's handler once its sandbox has started: Lambda reuses a sandbox for later invocations. */
  private readonly sandboxes = new Map<string, Handler>();

  private constructor(
    readonly template: TemplateJson,
    private readonly options: DeployOptions,
  ) {}

  /** Makes on moto what the template declares; Lambda functions get their ARN only (they run in this process). */
  static async deploy(template: TemplateJson, options: DeployOptions): Promise<MotoStack> {
    const stack = new MotoStack(template, options);
    await stack.make();
    return stack;
  }

  /** An SDK client of the harness's own (what AWS does for the stack), straight to moto. */
  client<T>(Client: new (config: Json) => T): T {
    // Queue URLs name the proxy (the bundles' endpoint); the harness's own calls still go to moto.
    return new Client({
      region: REGION,
      endpoint: this.options.moto.url,
      credentials: CREDENTIALS,
      useQueueUrlAsEndpoint: false,
    });
  }

  /** The logical id of the one resource of `type` whose id contains `name`. */
  idOf(type: string, name: string): string {
    const ids = Object.entries(this.template.Resources)
      .filter(([id, r]) => r.Type === type && id.includes(name))
      .map(([id]) => id);
    if (ids.length !== 1) throw new Error(`expected one ${type} named like ${name}, found ${ids.join(', ') || 'none'}`);
    return ids[0] as string;
  }

  functionId(name: string): string {
    return this.idOf('AWS::Lambda::Function', name);
  }

  /** A queue's URL, by its logical id or its ARN. */
  queueUrl(idOrArn: string): string {
    const found = this.physical.get(idOrArn) ?? [...this.physical.values()].find((p) => p.attributes.Arn === idOrArn);
    if (!found?.attributes.QueueUrl) throw new Error(`no queue made for ${idOrArn}`);
    return found.ref;
  }

  /** Each EventBridge rule that targets the probe function, invoked once with the rule's own Input. */
  async runProbeCycle(probe = this.functionId('Probe')): Promise<void> {
    const inputs = Object.values(this.template.Resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .flatMap((rule) =>
        (rule.Properties.Targets as { Arn: unknown; Input?: string }[])
          .filter((t) => JSON.stringify(t.Arn).includes(probe))
          .map((t) => JSON.parse(t.Input ?? 'null')),
      );
    if (inputs.length === 0) throw new Error('no rule of the template invokes the probe function');
    for (const input of inputs) await this.invoke(probe, input);
  }

  /**
   * What Lambda's SQS event source does: batches from the queue the mapping names, deleted on success.
   * A batch whose invocation failed stays; with `redeliver`, its visibility timeout is taken as passed
   * at once (it is visible again), so SQS's own redrive counts the receives. Answers the failed invocations.
   */
  async runDispatcher(options: { readonly redeliver?: boolean } = {}): Promise<number> {
    const dispatch = this.functionId('Dispatch');
    const mapping = Object.values(this.template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName).includes(dispatch),
    );
    if (!mapping) throw new Error('the template has no event source mapping for the dispatcher');
    const queueArn = this.resolve(mapping.Properties.EventSourceArn);
    const queueUrl = this.queueUrl(queueArn);
    const sqs = this.client(SQSClient);
    let failed = 0;
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Number(mapping.Properties.BatchSize ?? 10),
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return failed;
      try {
        await this.invoke(dispatch, sqsEvent(Messages, queueArn));
      } catch (error) {
        if (!options.redeliver) throw error;
        failed++;
        for (const m of Messages)
          await sqs.send(
            new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }),
          );
        continue;
      }
      for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }

  /**
   * What SNS's Lambda subscriptions do: each message the filter policy let through, one asynchronous
   * invocation per message, retried and then sent to the failure destination as the function's
   * EventInvokeConfig says. Answers how many invocations ended there.
   */
  async runNotifiers(): Promise<number> {
    const sqs = this.client(SQSClient);
    let failed = 0;
    for (const [fn, inboxes] of this.snsInbox)
      for (const inbox of inboxes)
        for (;;) {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: inbox.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
          );
          if (Messages.length === 0) break;
          for (const m of Messages) {
            if (!(await this.invokeAsync(fn, snsEvent(m, inbox.subscription)))) failed++;
            await sqs.send(new DeleteMessageCommand({ QueueUrl: inbox.queueUrl, ReceiptHandle: m.ReceiptHandle }));
          }
        }
    return failed;
  }

  /** Messages SNS let through to the function's subscriptions and not yet delivered. */
  async inboxDepth(fn: string): Promise<number> {
    let total = 0;
    for (const inbox of this.snsInbox.get(fn) ?? []) total += await this.queueDepth(inbox.queueUrl);
    return total;
  }

  /** Messages in a queue (by logical id, ARN or URL), delayed ones included. */
  async queueDepth(queue: string): Promise<number> {
    const { Attributes = {} } = await this.client(SQSClient).send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.startsWith('http') ? queue : this.queueUrl(queue),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesDelayed);
  }

  /** Takes every message in a queue (by logical id or ARN), received and deleted. */
  async drain(queue: string): Promise<Message[]> {
    const sqs = this.client(SQSClient);
    const url = this.queueUrl(queue);
    const taken: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return taken;
      taken.push(...Messages);
      for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }

  /**
   * A request to the function behind the template's Function URL, as the URL delivers it (payload
   * format 2.0), and its answer as the caller sees it. A URL whose auth type is not NONE refuses an
   * unsigned request itself (403), as AWS does, before any function runs.
   */
  async requestUrl(path: string, request: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
    const url = Object.values(this.template.Resources).find((r) => r.Type === 'AWS::Lambda::Url');
    if (!url) throw new Error('the template has no Function URL');
    if (url.Properties.AuthType !== 'NONE') return { statusCode: 403, headers: {}, body: '{"Message":"Forbidden"}' };
    const arn = this.resolve(url.Properties.TargetFunctionArn);
    const fn = [...this.physical].find(([, p]) => p.attributes.Arn === arn)?.[0];
    if (!fn) throw new Error(`the Function URL targets ${arn}, no function of the template`);
    const [rawPath = '/', rawQueryString = ''] = path.split('?');
    const method = request.method ?? 'POST';
    const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    // A URL passes text bodies as they are and anything else base64-encoded.
    const text = /^(text\/|application\/(json|xml|x-www-form-urlencoded))/.test(headers['content-type'] ?? '');
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString,
      headers: { host: `${fn.toLowerCase()}.lambda-url.${REGION}.on.aws`, 'x-forwarded-proto': 'https', ...headers },
      ...(rawQueryString ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) } : {}),
      requestContext: {
        accountId: 'anonymous',
        apiId: fn.toLowerCase(),
        domainName: `${fn.toLowerCase()}.lambda-url.${REGION}.on.aws`,
        domainPrefix: fn.toLowerCase(),
        http: {
          method,
          path: rawPath,
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.7',
          userAgent: headers['user-agent'] ?? 'vigil',
        },
        requestId: `url-${this.logged.length}`,
        routeKey: '$default',
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(request.body === undefined ? {} : { body: text ? request.body : Buffer.from(request.body).toString('base64') }),
      isBase64Encoded: request.body !== undefined && !text,
    };
    const answer = (await this.invoke(fn, event)) as { statusCode: number; headers?: Record<string, string>; body?: string };
    return { statusCode: answer.statusCode, headers: answer.headers ?? {}, body: answer.body ?? '' } satisfies UrlAnswer;
  }

  /**
   * What CloudWatch does when an alarm changes state: the state set on moto's alarm, and the
   * notification (CloudWatch's JSON, from the alarm as moto holds it) published to each SNS topic
   * among the alarm's actions for that state. Moto does not evaluate alarms or act on them itself.
   */
  async changeAlarm(alarmId: string, state: 'ALARM' | 'OK', reason: string): Promise<number> {
    const name = this.resolve({ Ref: alarmId });
    const cloudwatch = this.client(CloudWatchClient);
    const old = await this.alarm(alarmId);
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }));
    const alarm = await this.alarm(alarmId);
    const changedAt = new Date().toISOString().replace('Z', '+0000');
    const notification = {
      AlarmName: alarm.AlarmName,
      AlarmDescription: alarm.AlarmDescription ?? null,
      AWSAccountId: ACCOUNT,
      AlarmConfigurationUpdatedTimestamp: alarm.AlarmConfigurationUpdatedTimestamp,
      NewStateValue: state,
      NewStateReason: reason,
      StateChangeTime: changedAt,
      Region: 'US East (N. Virginia)',
      AlarmArn: alarm.AlarmArn,
      OldStateValue: old.StateValue,
      OKActions: alarm.OKActions ?? [],
      AlarmActions: alarm.AlarmActions ?? [],
      InsufficientDataActions: alarm.InsufficientDataActions ?? [],
      Trigger: {
        MetricName: alarm.MetricName,
        Namespace: alarm.Namespace,
        StatisticType: 'Statistic',
        Statistic: String(alarm.Statistic ?? '').toUpperCase(),
        Unit: null,
        Dimensions: (alarm.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })),
        Period: alarm.Period,
        EvaluationPeriods: alarm.EvaluationPeriods,
        ComparisonOperator: alarm.ComparisonOperator,
        Threshold: alarm.Threshold,
        TreatMissingData: alarm.TreatMissingData ?? '',
        EvaluateLowSampleCountPercentile: '',
      },
    };
    const actions = ((state === 'ALARM' ? alarm.AlarmActions : alarm.OKActions) ?? []).filter((a) =>
      a.startsWith('arn:aws:sns:'),
    );
    for (const topic of actions) {
      await this.client(SNSClient).send(
        new PublishCommand({
          TopicArn: topic,
          Subject: `${state}: "${alarm.AlarmName}" in US East (N. Virginia)`.slice(0, 100),
          Message: JSON.stringify(notification),
        }),
      );
    }
    return actions.length;
  }

  /** An alarm as moto holds it (made from the template). */
  async alarm(alarmId: string) {
    const { MetricAlarms = [] } = await this.client(CloudWatchClient).send(
      new DescribeAlarmsCommand({ AlarmNames: [this.resolve({ Ref: alarmId })] }),
    );
    const [alarm] = MetricAlarms;
    if (!alarm) throw new Error(`no alarm made for ${alarmId}`);
    return alarm;
  }

  /** What ./iam.ts needs to judge this deployment's calls. */
  iamWorld(secretArns: ReadonlyMap<string, string>): IamWorld {
    return {
      template: this.template,
      region: REGION,
      account: ACCOUNT,
      resolve: (value) => this.resolve(value),
      secretArn: (name) => {
        const arn = secretArns.get(name);
        if (!arn) throw new Error(`a call named secret ${name}, which was never made`);
        return arn;
      },
      keyOf: (arn) => {
        const made = [...this.physical].find(([, p]) => p.attributes.Arn === arn || p.attributes.TopicArn === arn);
        const key = made && this.template.Resources[made[0]]?.Properties.KmsMasterKeyId;
        // `alias/aws/sns` and friends are AWS managed: the service's own grant covers them.
        return key === undefined || (typeof key === 'string' && key.startsWith('alias/aws/')) ? undefined : this.resolve(key);
      },
    };
  }

  /**
   * An invocation of the function's bundle from cdk.out with the environment the template gives it
   * (references resolved to what was made on moto), the AWS SDK pointed at the recording proxy and
   * signing with the function's logical id. The first is a cold start: the module is loaded afresh, so
   * its clients take this environment; later ones reuse it, as Lambda reuses a warm sandbox. Nothing
   * carries over between functions (each has its own bundle) or between deployments.
   */
  async invoke(logicalId: string, event: unknown): Promise<unknown> {
    const fn = this.template.Resources[logicalId] as Resource;
    const variables = ((fn.Properties.Environment as { Variables?: Json } | undefined)?.Variables ?? {}) as Json;
    const env: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: logicalId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL: this.options.proxy.url,
      AWS_LAMBDA_FUNCTION_NAME: logicalId,
      ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, this.resolve(v)])),
    };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    // The functions log JSON lines to stdout, as in Lambda: kept to show when an invocation fails.
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => this.logged.push(String(chunk)) > 0);
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => this.logged.push(String(chunk)) > 0);
    try {
      const handler = this.sandboxes.get(logicalId) ?? this.coldStart(logicalId);
      const context = {
        functionName: logicalId,
        awsRequestId: `req-${this.logged.length}`,
        invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`,
        getRemainingTimeInMillis: () => Number(fn.Properties.Timeout ?? 3) * 1000,
      } as Context;
      return await handler(event, context);
    } catch (error) {
      throw new Error(`${logicalId} failed: ${(error as Error).message}\n${this.logged.slice(-20).join('')}`);
    } finally {
      write.mockRestore();
      warn.mockRestore();
      vi.unstubAllEnvs();
    }
  }

  private coldStart(logicalId: string): Handler {
    const code = this.template.Resources[logicalId]?.Properties.Code as Json | undefined;
    const key = String(code?.S3Key).replace(/\.zip$/, '');
    const path = join(this.options.assetDir, `asset.${key}`, 'index.js');
    const require = createRequire(import.meta.url);
    delete require.cache[require.resolve(path)];
    const handler = require(path).handler as Handler;
    this.sandboxes.set(logicalId, handler);
    return handler;
  }

  /** `Ref`, `Fn::GetAtt`, `Fn::Join` and the pseudo parameters, answered from what was made on moto. */
  resolve(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    const v = value as Json;
    if ('Ref' in v) {
      const pseudo: Record<string, string> = {
        'AWS::Region': REGION,
        'AWS::AccountId': ACCOUNT,
        'AWS::Partition': 'aws',
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': this.options.name,
      };
      const id = String(v.Ref);
      const found = pseudo[id] ?? this.physical.get(id)?.ref;
      if (found === undefined) throw new Error(`cannot resolve Ref ${id}: nothing was made for it on moto`);
      return found;
    }
    if ('Fn::GetAtt' in v) {
      const [id, attribute] = v['Fn::GetAtt'] as [string, string];
      const found = this.physical.get(id)?.attributes[attribute];
      if (found === undefined) throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
      return found;
    }
    if ('Fn::Join' in v) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => this.resolve(part)).join(separator);
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }

  /** Lambda's asynchronous invocation: the retries and the on-failure destination of the function's EventInvokeConfig. */
  private async invokeAsync(fn: string, event: unknown): Promise<boolean> {
    const config = Object.values(this.template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r.Properties.FunctionName).includes(fn),
    );
    const retries = Number(config?.Properties.MaximumRetryAttempts ?? 2);
    let error: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        await this.invoke(fn, event);
        return true;
      } catch (e) {
        error = e;
      }
    }
    const destination = (config?.Properties.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined)?.OnFailure;
    if (!destination) throw error;
    // The record shape Lambda sends to an on-failure destination.
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: `req-${this.logged.length}`,
        functionArn: this.physical.get(fn)?.attributes.Arn,
        condition: 'RetriesExhausted',
        approximateInvokeCount: retries + 1,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: String((error as Error).message).split('\n')[0] },
    };
    await this.client(SQSClient).send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl(this.resolve(destination.Destination)),
        MessageBody: JSON.stringify(record),
      }),
    );
    return false;
  }

  /** Independent resources are made at once, in the order their references need: tables and topics, queues, alarms, subscriptions. */
  private async make(): Promise<void> {
    const { name } = this.options;
    const entries = Object.entries(this.template.Resources);
    const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
    const made = (id: string, ref: string, attributes: Record<string, string>) => this.physical.set(id, { ref, attributes });
    const of = (...types: string[]) => entries.filter(([, r]) => types.includes(r.Type));
    for (const [id] of of('AWS::Lambda::Function')) made(id, id, { Arn: arn('lambda', `function:${id}`) });
    // Named only: topics name their key (./iam.ts asks who may use it), dashboards their log groups.
    for (const [id] of of('AWS::KMS::Key')) made(id, `${name}-${id}`, { Arn: arn('kms', `key/${name}-${id}`) });
    for (const [id] of of('AWS::Logs::LogGroup'))
      made(id, `/aws/lambda/${name}-${id}`, { Arn: arn('logs', `log-group:/aws/lambda/${name}-${id}:*`) });
    await Promise.all([
      ...of('AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table').map(async ([id, r]) => {
        const table = typeof r.Properties.TableName === 'string' ? r.Properties.TableName : `${name}-${id}`;
        await this.client(DynamoDBClient).send(new CreateTableCommand(tableInput(table, r.Properties)));
        made(id, table, { Arn: arn('dynamodb', `table/${table}`) });
      }),
      ...of('AWS::SNS::Topic').map(async ([id]) => {
        const { TopicArn = '' } = await this.client(SNSClient).send(new CreateTopicCommand({ Name: `${name}-${id}` }));
        made(id, TopicArn, { TopicArn, TopicName: `${name}-${id}` });
      }),
    ]);
    // Dead-letter queues first: a redrive policy names its DLQ's ARN.
    const queues = of('AWS::SQS::Queue');
    await Promise.all(queues.filter(([, r]) => !r.Properties.RedrivePolicy).map(([id, r]) => this.makeQueue(id, r)));
    await Promise.all(queues.filter(([, r]) => r.Properties.RedrivePolicy).map(([id, r]) => this.makeQueue(id, r)));
    await Promise.all(of('AWS::CloudWatch::Alarm').map(([id, r]) => this.makeAlarm(id, r)));
    const inboxes = await Promise.all(of('AWS::SNS::Subscription').map(([id, r]) => this.makeSubscription(id, r)));
    for (const { fn, inbox } of inboxes) this.snsInbox.set(fn, [...(this.snsInbox.get(fn) ?? []), inbox]);
  }

  private async makeQueue(id: string, r: Resource): Promise<void> {
    const p = r.Properties;
    const queueName = `${this.options.name}-${id}`.slice(0, 80);
    const attributes: Record<string, string> = {};
    if (p.VisibilityTimeout !== undefined) attributes.VisibilityTimeout = String(p.VisibilityTimeout);
    if (p.MessageRetentionPeriod !== undefined) attributes.MessageRetentionPeriod = String(p.MessageRetentionPeriod);
    if (p.RedrivePolicy) {
      const redrive = p.RedrivePolicy as Json;
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: this.resolve(redrive.deadLetterTargetArn),
        maxReceiveCount: redrive.maxReceiveCount,
      });
    }
    const created = await this.client(SQSClient).send(new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }));
    // The SDK sends a queue's calls to its URL's host: the proxy's, so the bundles' calls are noted.
    const QueueUrl = String(created.QueueUrl).replace(this.options.moto.url, this.options.proxy.url);
    this.physical.set(id, {
      ref: QueueUrl,
      attributes: { Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`, QueueName: queueName, QueueUrl },
    });
  }

  /** An alarm as the template defines it (metric, dimensions, threshold, actions), resolved to what was made. */
  private async makeAlarm(id: string, r: Resource): Promise<void> {
    const p = r.Properties;
    if (p.Metrics) throw new Error(`alarm ${id}: metric math is not made here`);
    const list = (value: unknown) => ((value ?? []) as unknown[]).map((v) => this.resolve(v));
    const alarmName = `${this.options.name}-${id}`;
    const cloudwatch = this.client(CloudWatchClient);
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName,
        AlarmDescription: p.AlarmDescription as string | undefined,
        Namespace: p.Namespace as string,
        MetricName: p.MetricName as string,
        Dimensions: ((p.Dimensions ?? []) as { Name: string; Value: unknown }[]).map((d) => ({
          Name: d.Name,
          Value: this.resolve(d.Value),
        })),
        Statistic: p.Statistic as never,
        ExtendedStatistic: p.ExtendedStatistic as string | undefined,
        Period: Number(p.Period),
        EvaluationPeriods: Number(p.EvaluationPeriods),
        Threshold: Number(p.Threshold),
        ComparisonOperator: p.ComparisonOperator as never,
        TreatMissingData: p.TreatMissingData as string | undefined,
        AlarmActions: list(p.AlarmActions),
        OKActions: list(p.OKActions),
        InsufficientDataActions: list(p.InsufficientDataActions),
      }),
    );
    // The ARN moto gave, which the notifiers must trust.
    const { MetricAlarms: [alarm] = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }));
    this.physical.set(id, { ref: alarmName, attributes: { Arn: alarm?.AlarmArn ?? '' } });
  }

  /** A subscription to a Lambda function as an SQS queue subscribed with the same filter policy. */
  private async makeSubscription(id: string, r: Resource): Promise<{ fn: string; inbox: Inbox }> {
    const p = r.Properties;
    if (p.Protocol !== 'lambda') throw new Error(`subscription ${id}: protocol ${String(p.Protocol)} is not emulated here`);
    const fn = (p.Endpoint as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const queueName = `${this.options.name}-inbox-${id}`.slice(0, 80);
    const { QueueUrl = '' } = await this.client(SQSClient).send(new CreateQueueCommand({ QueueName: queueName }));
    const attributes: Record<string, string> = { RawMessageDelivery: 'false' };
    if (p.FilterPolicy) attributes.FilterPolicy = JSON.stringify(p.FilterPolicy);
    if (p.FilterPolicyScope) attributes.FilterPolicyScope = String(p.FilterPolicyScope);
    const { SubscriptionArn = '' } = await this.client(SNSClient).send(
      new SubscribeCommand({
        TopicArn: this.resolve(p.TopicArn),
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`,
        Attributes: attributes,
        ReturnSubscriptionArn: true,
      }),
    );
    return { fn, inbox: { queueUrl: QueueUrl, subscription: SubscriptionArn } };
  }
}

function tableInput(name: string, p: Json) {
  return {
    TableName: name,
    KeySchema: p.KeySchema as never,
    AttributeDefinitions: p.AttributeDefinitions as never,
    BillingMode: 'PAY_PER_REQUEST' as const,
    ...(p.GlobalSecondaryIndexes
      ? {
          GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as Json[]).map((g) => ({
            IndexName: g.IndexName as string,
            KeySchema: g.KeySchema as never,
            Projection: g.Projection as never,
          })),
        }
      : {}),
  };
}

/** A batch as Lambda's SQS event source hands it over. */
function sqsEvent(messages: readonly Message[], queueArn: string) {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes: {},
      md5OfBody: m.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: REGION,
    })),
  };
}

/** An SQS message SNS delivered (not raw: the SNS JSON envelope), as the Lambda SNS event carries it. */
function snsEvent(message: Message, subscription: string) {
  const envelope = JSON.parse(message.Body ?? '{}') as Json;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscription,
        Sns: {
          Type: envelope.Type,
          MessageId: envelope.MessageId,
          TopicArn: envelope.TopicArn,
          Subject: envelope.Subject ?? null,
          Message: envelope.Message,
          Timestamp: envelope.Timestamp,
          SignatureVersion: envelope.SignatureVersion,
          Signature: envelope.Signature,
          SigningCertUrl: envelope.SigningCertURL,
          UnsubscribeUrl: envelope.UnsubscribeURL,
          MessageAttributes: envelope.MessageAttributes ?? {},
        },
      },
    ],
  };
}
