/** DispatchQueue on SQS: each request is a message to the dispatcher Lambda, delayed until it is due. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DispatchQueue } from '../core/ports.js';

/** SQS delays a message by at most 15 minutes; a later revisit is booked again when this one arrives. */
const MAX_DELAY_S = 900;
/** Keeps a message far below SQS's 256 KiB with check ids of up to 64 characters. */
const IDS_PER_MESSAGE = 1_000;

/** What a dispatch message carries. */
export interface DispatchMessage {
  readonly checkIds: readonly string[];
}

export class SqsDispatchQueue implements DispatchQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async request(checkIds: readonly string[], at: Date): Promise<void> {
    const delay = Math.min(MAX_DELAY_S, Math.max(0, Math.ceil((at.getTime() - this.now().getTime()) / 1000)));
    for (let i = 0; i < checkIds.length; i += IDS_PER_MESSAGE) {
      const message: DispatchMessage = { checkIds: checkIds.slice(i, i + IDS_PER_MESSAGE) };
      await this.client.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message), DelaySeconds: delay }),
      );
    }
  }
}
