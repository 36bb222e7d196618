/**
 * The Lambda SQS event source mapping (with `reportBatchItemFailures`) played against a real queue, so a consumer
 * handler runs on moto as it does in AWS: receive up to `batchSize` messages with their system attributes
 * (`ApproximateReceiveCount` is the attempt number), invoke the handler with them as one SQSEvent, delete the
 * messages it did not report in `batchItemFailures`, and leave the failed ones on the queue, to come back when
 * their visibility timeout ends; the queue's redrive policy dead-letters them after `maxReceiveCount` receives.
 * A handler that throws, or reports an id that is not in the batch, fails the whole batch.
 */
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './api-events';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface Invocation {
  records: SQSRecord[];
  /** The message ids left on the queue: those reported failed, or the whole batch. */
  failed: string[];
}

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** As the stack's `SqsEventSource`. */
  batchSize?: number;
}

export class SqsEventSource {
  readonly invocations: Invocation[] = [];
  private loop?: Promise<void>;
  private abort?: AbortController;

  constructor(private readonly options: SqsEventSourceOptions) {}

  /** Polls the queue until stopped, long-polling for a second at a time as the service does for 20. */
  start(): void {
    const abort = (this.abort = new AbortController());
    this.loop = (async () => {
      while (!abort.signal.aborted) {
        try {
          await this.pollOnce({ waitTimeSeconds: 1, signal: abort.signal });
        } catch (error) {
          if (!abort.signal.aborted) throw error;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
  }

  /** One receive and, when it brought messages, one invocation; returns the messages handed to the handler. */
  async pollOnce(options: { waitTimeSeconds?: number; signal?: AbortSignal } = {}): Promise<SQSRecord[]> {
    const { client, queueUrl, handler, batchSize = 10 } = this.options;
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: options.waitTimeSeconds ?? 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: options.signal },
    );
    if (Messages.length === 0) return [];
    const records = Messages.map((message) => this.toRecord(message));
    let failed: string[];
    try {
      const response = await handler({ Records: records }, lambdaContext);
      const reported = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
      const known = new Set(records.map((record) => record.messageId));
      failed = reported.every((id) => known.has(id)) ? reported : [...known];
    } catch {
      failed = records.map((record) => record.messageId);
    }
    this.invocations.push({ records, failed });
    const done = records.filter((record) => !failed.includes(record.messageId));
    if (done.length) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    return records;
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    const messageAttributes: SQSMessageAttributes = {};
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      messageAttributes[name] = {
        dataType: value.DataType ?? 'String',
        stringValue: value.StringValue,
        stringListValues: [],
        binaryListValues: [],
      };
    }
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? '0',
        SenderId: attributes.SenderId ?? '',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '0',
      },
      messageAttributes,
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.queueArn.split(':')[3] ?? 'us-east-1',
    };
  }
}

export interface RedrivenQueue {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes!.QueueArn!;
}

/** A queue and its dead-letter queue as the stack's `ResilientQueue` makes them (RedrivePolicy). */
export async function createRedrivenQueue(
  client: SQSClient,
  options: { name: string; visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<RedrivenQueue> {
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${options.name}-dlq` }));
  const deadLetterTargetArn = await queueArn(client, dlq.QueueUrl!);
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: options.name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: options.maxReceiveCount }),
      },
    }),
  );
  return {
    queueUrl: queue.QueueUrl!,
    queueArn: await queueArn(client, queue.QueueUrl!),
    deadLetterQueueUrl: dlq.QueueUrl!,
  };
}

/** Receives every message visible on a queue now (hiding them for a minute), with their attributes. */
export async function receiveAll(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}

/** Messages on a queue: visible, and received but not yet deleted (in flight). */
export async function queueDepth(
  client: SQSClient,
  queueUrl: string,
): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}

/** Waits until `check` returns something other than undefined or false, and returns it. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 15_000, everyMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
