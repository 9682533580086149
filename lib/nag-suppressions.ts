import { Validations } from 'aws-cdk-lib';
import type { VigilStack } from './vigil-stack.js';

/** cdk-nag findings we accept, each scoped as tightly as it goes and with its reason. Anything else fails synth. */
export function acknowledgeNagFindings(stack: VigilStack): void {
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'AWSLambdaBasicExecutionRole only lets the functions write their own CloudWatch Logs.',
  });
  Validations.of(stack).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'These queues are the dead-letter queues.' });
  const probe = Validations.of(stack.probes.function.fn);
  probe.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'cloudwatch:PutMetricData has no resource-level permissions; the statement is limited to the Vigil namespace.',
  });
  probe.acknowledge({
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason: 'Publishing to the KMS-encrypted alert topic needs data keys from its own key only (resource is that key).',
  });
}
