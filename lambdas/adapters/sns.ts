/** AlertPublisher on SNS: the ★ alert event as the body, routing facts as message attributes. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { headline } from '../core/format.js';
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
        // E-mail subscribers see this as the subject line: SNS takes printable ASCII, at most 100 characters.
        Subject: headline(event)
          .replace(/[^\x20-\x7e]/g, '-')
          .slice(0, 100),
        MessageAttributes: {
          severity: attribute(event.severity),
          kind: attribute(event.kind),
          checkId: attribute(event.checkId),
        },
      }),
    );
  }
}
