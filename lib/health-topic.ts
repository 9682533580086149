import { Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * Where Vigil's own alarms go (probe runs failing or stopped, alerts that could not be delivered): an
 * encrypted topic every channel subscribes to, so people hear of a broken monitor the way they hear of
 * an outage, and again when it is fixed.
 */
export class HealthTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { readonly topicName?: string } = {}) {
    super(scope, id);
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } };
    const key = new Key(this, 'Key', { enableKeyRotation: true, description: 'Vigil health topic encryption' });
    // Without these CloudWatch cannot publish to an encrypted topic, and alarm notifications vanish unseen.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
    // Its own id: a function's subscriptions are named after their topics'.
    this.topic = new Topic(this, 'HealthTopic', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'Vigil health',
      ...(props.topicName ? { topicName: props.topicName } : {}),
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccount,
      }),
    );
  }

  /** Publishes when each alarm fires and when it clears. */
  watch(...alarms: Alarm[]): void {
    const action = new SnsAction(this.topic);
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
