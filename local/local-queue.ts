/**
 * An in-process queue with the SQS semantics webhook delivery relies on, for the local stack and the tests:
 * delay, visibility timeout, ChangeMessageVisibility, receive count, a dead-letter queue after maxReceiveCount,
 * and redrive. It drives the deployed deliver handler with SQS-shaped events and honours its partial batch
 * response, so the same code runs here and in Lambda. One batch is in flight at a time.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { WebhookQueue } from '../functions/domain/ports/webhooks';
import type { DeadLetterRedrive, DeliveryQueue } from '../functions/domain/ports/webhooks';
import { webhookMessageBody, type QueuedWebhook } from '../functions/domain/webhooks/webhook-message';

export type QueueConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface LocalQueueOptions {
  /** Receives after which a message goes to the dead-letter queue instead (the redrive policy). */
  maxReceiveCount: number;
  /** How long a received message stays hidden unless the consumer changes it; SQS's default is 30 s. */
  visibilityTimeoutSeconds?: number;
  batchSize?: number;
  name?: string;
  /** Called when the consumer throws (the whole batch then counts as failed, as in Lambda). */
  onConsumerError?: (error: unknown) => void;
}

interface StoredMessage {
  messageId: string;
  body: string;
  sentAt: number;
  firstReceivedAt: number | undefined;
  receiveCount: number;
  visibleAt: number;
  receiptHandle: string | undefined;
}

export class ReceiptHandleIsInvalidError extends Error {
  constructor() {
    super('The receipt handle does not belong to a message in flight.');
    this.name = 'ReceiptHandleIsInvalid';
  }
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export class LocalQueue implements WebhookQueue, DeliveryQueue, DeadLetterRedrive {
  private readonly messages: StoredMessage[] = [];
  private readonly deadLetters: StoredMessage[] = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly visibilityTimeoutMs: number;
  private readonly batchSize: number;
  private readonly arn: string;
  private consumer: QueueConsumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LocalQueueOptions) {
    this.visibilityTimeoutMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
    this.batchSize = options.batchSize ?? 10;
    this.arn = `arn:aws:sqs:local:000000000000:${options.name ?? 'webhooks'}`;
  }

  /** Starts handing visible messages to the consumer. */
  start(consumer: QueueConsumer): void {
    this.consumer = consumer;
    this.stopped = false;
    this.schedule();
  }

  /** Clears every timer and waits for the batch in flight; messages stay where they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    this.releaseIdleWaiters();
  }

  async enqueue(message: QueuedWebhook): Promise<void> {
    this.send(webhookMessageBody(message));
  }

  /** SendMessage, with an optional DelaySeconds. */
  send(body: string, delaySeconds = 0): string {
    const message = this.newMessage(body, Date.now() + delaySeconds * 1000);
    this.messages.push(message);
    this.schedule();
    return message.messageId;
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    const message = this.messages.find((m) => m.receiptHandle === receiptHandle);
    if (!message) throw new ReceiptHandleIsInvalidError();
    message.visibleAt = Date.now() + seconds * 1000;
    this.schedule();
  }

  async deadLetter(body: string): Promise<void> {
    this.deadLetters.push(this.newMessage(body, Date.now()));
  }

  /** Every dead-lettered message goes back as a new message: receive count 0, visible at once. */
  async redriveDeadLetters(): Promise<number> {
    const moved = this.deadLetters.splice(0);
    for (const message of moved) this.messages.push(this.newMessage(message.body, Date.now()));
    this.schedule();
    return moved.length;
  }

  /** The bodies waiting in the dead-letter queue, oldest first. */
  deadLetterBodies(): string[] {
    return this.deadLetters.map((message) => message.body);
  }

  /** How many messages the queue holds, in flight or not (ApproximateNumberOfMessages + NotVisible). */
  get depth(): number {
    return this.messages.length;
  }

  /** Resolves once the queue holds no message and no batch is in flight (or the queue is stopped). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.stopped || (this.messages.length === 0 && this.inFlight === undefined);
  }

  private releaseIdleWaiters(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private newMessage(body: string, visibleAt: number): StoredMessage {
    return {
      messageId: randomUUID(),
      body,
      sentAt: Date.now(),
      firstReceivedAt: undefined,
      receiveCount: 0,
      visibleAt,
      receiptHandle: undefined,
    };
  }

  /** Arms one timer for the earliest message to become visible; nothing while a batch is in flight. */
  private schedule(): void {
    this.releaseIdleWaiters();
    if (this.stopped || !this.consumer || this.inFlight) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.messages.length === 0) return;
    const next = Math.min(...this.messages.map((message) => message.visibleAt));
    this.timer = setTimeout(() => this.receive(), Math.max(0, next - Date.now()));
  }

  /** ReceiveMessage as SQS does it for Lambda, dead-lettering what was received maxReceiveCount times. */
  private receive(): void {
    this.timer = undefined;
    const now = Date.now();
    const records: SQSRecord[] = [];
    for (const message of [...this.messages]) {
      if (records.length === this.batchSize) break;
      if (message.visibleAt > now) continue;
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.messages.splice(this.messages.indexOf(message), 1);
        this.deadLetters.push({ ...message, receiptHandle: undefined });
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receiptHandle = randomUUID();
      message.visibleAt = now + this.visibilityTimeoutMs;
      records.push(this.toRecord(message));
    }
    if (records.length === 0) return this.schedule();
    this.inFlight = this.invoke(records).finally(() => {
      this.inFlight = undefined;
      this.schedule();
    });
  }

  private async invoke(records: SQSRecord[]): Promise<void> {
    let failed: Set<string>;
    try {
      const response = await this.consumer!({ Records: records }, localContext(this.options.name));
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.options.onConsumerError?.(error);
      failed = new Set(records.map((record) => record.messageId));
    }
    for (const record of records) {
      if (failed.has(record.messageId)) continue;
      // Deleting with a stale receipt handle is a no-op, as in SQS after a message was received again.
      const index = this.messages.findIndex((m) => m.receiptHandle === record.receiptHandle);
      if (index >= 0) this.messages.splice(index, 1);
    }
  }

  private toRecord(message: StoredMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle!,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
      },
      messageAttributes: {},
      md5OfBody: md5(message.body),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: 'local',
    };
  }
}

function localContext(name = 'webhooks'): Context {
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${name}-consumer`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${name}-consumer`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/local/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
