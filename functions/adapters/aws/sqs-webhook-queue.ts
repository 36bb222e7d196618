/**
 * The webhook queue on SQS: enqueue a delivery (a reference, never contact data), hold a received message back
 * until its next attempt, dead-letter a delivery that gave up early, and redrive the dead-letter queue.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Runtime } from '../../composition';
import { required } from '../../config';
import type { WebhookQueue } from '../../domain/ports/webhooks';
import type { DeadLetterRedrive, DeliveryQueue } from '../../domain/ports/webhooks';
import { MAX_RETRY_DELAY_SECONDS } from '../../domain/webhooks/retry-schedule';
import { webhookMessageBody, type QueuedWebhook } from '../../domain/webhooks/webhook-message';

/**
 * SQS refuses a visibility timeout that would keep a message hidden beyond 12 hours after its receive (it does
 * not cut it down), so a bare 12 hours is refused once any time has passed; the retry schedule's cap leaves room.
 */
const MAX_VISIBILITY_TIMEOUT_SECONDS = MAX_RETRY_DELAY_SECONDS;
/** How long a message being redriven stays hidden in the dead-letter queue should its move fail midway. */
const REDRIVE_VISIBILITY_TIMEOUT_SECONDS = 60;

export class SqsWebhookQueue implements WebhookQueue, DeliveryQueue, DeadLetterRedrive {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterQueueUrl?: string,
  ) {}

  async enqueue(message: QueuedWebhook): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: webhookMessageBody(message) }),
    );
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    const timeout = Math.min(MAX_VISIBILITY_TIMEOUT_SECONDS, Math.max(0, Math.ceil(seconds)));
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: timeout,
      }),
    );
  }

  async deadLetter(body: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.deadLetterUrl(), MessageBody: body }));
  }

  /**
   * Receive, send, delete rather than StartMessageMoveTask: each delivery comes back as a new message, so its
   * receive count (the attempt number) starts again at 1, and the count of messages moved is exact. A delivery
   * that returns to the dead-letter queue while the redrive runs (a quick 410) ends the run instead of looping.
   */
  async redriveDeadLetters(): Promise<number> {
    const deadLetterUrl = this.deadLetterUrl();
    const moved = new Set<string>();
    let count = 0;
    for (;;) {
      const { Messages = [] } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: deadLetterUrl,
          MaxNumberOfMessages: 10,
          // Long polling asks every SQS server, so an empty answer means an empty queue.
          WaitTimeSeconds: 1,
          VisibilityTimeout: REDRIVE_VISIBILITY_TIMEOUT_SECONDS,
        }),
      );
      if (Messages.length === 0) return count;
      const fresh = Messages.filter((message) => !moved.has(message.Body ?? ''));
      const seenAgain = Messages.filter((message) => moved.has(message.Body ?? ''));
      for (const message of seenAgain) {
        await this.client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: deadLetterUrl,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
      if (fresh.length) {
        const sent = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: fresh.map((message, index) => ({ Id: String(index), MessageBody: message.Body ?? '' })),
          }),
        );
        const done = (sent.Successful ?? []).map((entry) => fresh[Number(entry.Id)]!);
        if (done.length) {
          await this.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: deadLetterUrl,
              Entries: done.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
              })),
            }),
          );
        }
        for (const message of done) moved.add(message.Body ?? '');
        count += done.length;
        // What failed to send stays hidden for a minute; it is for the next run, not this loop.
        if ((sent.Failed ?? []).length) return count;
      }
      if (seenAgain.length) return count;
    }
  }

  private deadLetterUrl(): string {
    if (!this.deadLetterQueueUrl) throw new Error('The webhook dead-letter queue URL is not configured.');
    return this.deadLetterQueueUrl;
  }
}

/** The webhook queue on SQS, for a deployed function that asks for it. */
export function webhookQueueOnSqs({ config }: Runtime): SqsWebhookQueue {
  return new SqsWebhookQueue(new SQSClient({ region: config.region }), required(config, 'webhookQueueUrl'));
}

/** The webhook queue as its consumer uses it: with its dead-letter queue. */
export function deliveriesOnSqs({ config }: Runtime): SqsWebhookQueue {
  return new SqsWebhookQueue(
    new SQSClient({ region: config.region }),
    required(config, 'webhookQueueUrl'),
    required(config, 'webhookDeadLetterQueueUrl'),
  );
}
