import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Vigil } from './vigil.js';

/** What every scope of Vigil's functions and queues accepts: the basic execution role, the dead-letter queues. */
export function acknowledgeFunctionsAndQueues(scope: IConstruct): void {
  const all = Validations.of(scope);
  all.acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'AWSLambdaBasicExecutionRole only lets the functions write their own CloudWatch Logs.',
  });
  all.acknowledge({ id: 'AwsSolutions-SQS3', reason: 'These queues are the dead-letter queues.' });
}

/** A function that puts metrics: PutMetricData takes no resource, so its statement is `*` within the namespace. */
export function acknowledgeMetricsStatement(fn: IConstruct): void {
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'cloudwatch:PutMetricData has no resource-level permissions; the statement is limited to the Vigil namespace.',
  });
}

/**
 * cdk-nag findings we accept, each scoped as tightly as it goes and with its reason. Anything else fails synth.
 * The widest scope is Vigil's own construct: a host stack's resources beside it are judged on their own.
 */
export function acknowledgeNagFindings(vigil: Vigil): void {
  acknowledgeFunctionsAndQueues(vigil);
  const probes = vigil.probeSchedule ? [vigil.probeSchedule.function.fn] : [];
  for (const fn of [...probes, ...(vigil.heartbeats ? [vigil.heartbeats.function.fn] : [])]) acknowledgeMetricsStatement(fn);
  if (vigil.statusPage) {
    Validations.of(vigil.statusPage.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The status page bucket is private: viewers reach the page through CloudFront or the team’s own hosting, which logs their requests; its one writer is the publisher, whose calls CloudTrail records.',
    });
  }
  Validations.of(vigil.dispatcher.function.fn).acknowledge({
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason: 'Publishing to the KMS-encrypted alert topic needs data keys from its own key only (resource is that key).',
  });
}
