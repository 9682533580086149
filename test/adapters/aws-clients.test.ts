import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchMetricsSink } from '../../lambdas/adapters/cloudwatch.js';
import { createSecretResolver, localSecretVariable } from '../../lambdas/adapters/secrets.js';
import { secretsManagerSource } from '../../lambdas/adapters/secrets-manager.js';
import { SnsAlertPublisher } from '../../lambdas/adapters/sns.js';
import { alertEvent, failingResult } from '../support/events.js';

const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  cloudwatch.reset();
  sns.reset();
  secrets.reset();
});

describe('CloudWatchMetricsSink', () => {
  it('puts Availability per result and Latency per answered one, dimension CheckId only, at most 1000 datums a call', async () => {
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const results = Array.from(
      { length: 800 },
      (_, i) => ({ ...failingResult, checkId: `c${i}`, status: i % 4 ? 'up' : 'down' }) as const,
    );
    await new CloudWatchMetricsSink(new CloudWatchClient({})).put(results);
    const calls = cloudwatch.commandCalls(PutMetricDataCommand);
    // 800 Availability, and Latency for the 600 that were not down.
    expect(calls.map((c) => c.args[0].input.MetricData?.length)).toEqual([1000, 400]);
    expect(calls.every((c) => c.args[0].input.Namespace === 'Vigil')).toBe(true);
    const [down, availability, latency] = calls[0]?.args[0].input.MetricData ?? [];
    expect(down).toEqual({
      MetricName: 'Availability',
      Dimensions: [{ Name: 'CheckId', Value: 'c0' }],
      Timestamp: new Date(failingResult.startedAt),
      Unit: 'None',
      Value: 0,
    });
    // A down run's time is how fast it failed: no Latency for it.
    expect(availability).toMatchObject({ MetricName: 'Availability', Dimensions: [{ Name: 'CheckId', Value: 'c1' }], Value: 1 });
    expect(latency).toMatchObject({
      MetricName: 'Latency',
      Dimensions: [{ Name: 'CheckId', Value: 'c1' }],
      Unit: 'Milliseconds',
      Value: 25,
    });
  });

  it('makes no call for no results', async () => {
    await new CloudWatchMetricsSink(new CloudWatchClient({})).put([]);
    expect(cloudwatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });
});

describe('SnsAlertPublisher', () => {
  it('publishes the event as JSON with severity, kind and checkId attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const event = alertEvent();
    await new SnsAlertPublisher(new SNSClient({}), 'arn:aws:sns:eu-west-1:123456789012:alerts').publish(event);
    const [call] = sns.commandCalls(PublishCommand);
    expect(call?.args[0].input).toEqual({
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      Message: JSON.stringify(event),
      Subject: 'DOWN: Public API health: expected status 200, got 503',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        kind: { DataType: 'String', StringValue: 'down' },
        checkId: { DataType: 'String', StringValue: 'api' },
      },
    });
  });

  it('lets a publish failure surface to the cycle (which keeps the event for the next one)', async () => {
    sns.on(PublishCommand).rejects(new Error('Throttling'));
    await expect(new SnsAlertPublisher(new SNSClient({}), 'arn:x').publish(alertEvent())).rejects.toThrow('Throttling');
  });
});

describe('secret resolution', () => {
  it('reads each Secrets Manager secret once per resolver', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'vigil/pd' }).resolves({ SecretString: 'routing-key' });
    const resolve = createSecretResolver(secretsManagerSource(new SecretsManagerClient({})));
    expect(await resolve({ secret: 'vigil/pd' })).toBe('routing-key');
    expect(await resolve({ secret: 'vigil/pd' })).toBe('routing-key');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('names the secret and the failure, never a value', async () => {
    secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const resolve = createSecretResolver(secretsManagerSource(new SecretsManagerClient({})));
    await expect(resolve({ secret: 'vigil/pd' })).rejects.toThrow('secret vigil/pd could not be read: AccessDeniedException');
  });

  it('tries again after a failure instead of caching it', async () => {
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: 'ok' });
    const resolve = createSecretResolver(secretsManagerSource(new SecretsManagerClient({})));
    await expect(resolve({ secret: 'vigil/x' })).rejects.toThrow();
    expect(await resolve({ secret: 'vigil/x' })).toBe('ok');
  });

  it('resolves plain values and { env } references', async () => {
    const resolve = createSecretResolver(async () => 'unused', { SLACK_URL: 'https://hooks.example/x' });
    expect(await resolve('plain')).toBe('plain');
    expect(await resolve({ env: 'SLACK_URL' })).toBe('https://hooks.example/x');
    await expect(resolve({ env: 'MISSING' })).rejects.toThrow('environment variable MISSING is not set');
  });

  it('maps a secret name to the variable that supplies it locally', () => {
    expect(localSecretVariable('vigil/ops-slack')).toBe('VIGIL_SECRET_VIGIL_OPS_SLACK');
  });
});
