/** AlertPublisher on SNS: the ★ alert event as the body, routing facts as message attributes. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher } from '../core/ports.js';
import type { AlertEvent } from '../core/types.js';

export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(event: AlertEvent): Promise<void> {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(event),
        MessageAttributes: {
          severity: attribute(event.severity),
          kind: attribute(event.kind),
          checkId: attribute(event.checkId),
        },
      }),
    );
  }
}
