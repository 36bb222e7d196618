/**
 * SQS consumer of the webhook queue: one delivery attempt per message, the receive count being the attempt
 * number. A message to retry is hidden until its backoff ends and reported failed (partial batch response);
 * the last failed attempt lets the queue's redrive policy dead-letter it. The function never sleeps.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliverWebhook, DeliveryOutcome } from '../domain/webhooks/deliver-webhook';
import type { DeliveryQueue } from '../domain/ports/webhooks';
import { emitMetric, logger } from './observability';
import { isBatchWebhook, type QueuedWebhook } from '../domain/webhooks/webhook-message';

export interface DeliverWebhookHandlerDependencies {
  deliverWebhook: Pick<DeliverWebhook, 'execute'>;
  queue: DeliveryQueue;
}

function parseMessage(body: string): QueuedWebhook | undefined {
  try {
    const value = JSON.parse(body) as Record<string, unknown> | null;
    if (typeof value?.account_id !== 'string') return undefined;
    if (value.kind === 'batch' && typeof value.batch_id === 'string') {
      return { kind: 'batch', account_id: value.account_id, batch_id: value.batch_id };
    }
    if (value.kind === undefined && typeof value.enrichment_id === 'string') {
      return { account_id: value.account_id, enrichment_id: value.enrichment_id };
    }
  } catch {
    // Falls through: an unreadable message is dead-lettered below.
  }
  return undefined;
}

/** What a message is about, for logs and for telling deliveries apart. */
function referenceOf(message: QueuedWebhook): { batch_id: string } | { enrichment_id: string } {
  return isBatchWebhook(message) ? { batch_id: message.batch_id } : { enrichment_id: message.enrichment_id };
}

/** The log line the `WebhookAttempt` metric filter counts, by its `result`. */
export const ATTEMPT_LOG_MESSAGE = 'webhook attempt';

/**
 * Logs one attempt. `result` is what the attempt metric counts: a 410 Gone is the receiver's answer, not a failed
 * delivery.
 */
export function logAttempt(message: QueuedWebhook, outcome: DeliveryOutcome): void {
  const result = outcome.kind === 'failed' && outcome.reason === 'gone' ? 'gone' : outcome.kind;
  logger.info(ATTEMPT_LOG_MESSAGE, { ...referenceOf(message), ...outcome, result });
}

export function createDeliverWebhookHandler({ deliverWebhook, queue }: DeliverWebhookHandlerDependencies) {
  async function hide(record: SQSRecord, seconds: number): Promise<void> {
    try {
      await queue.changeVisibility(record.receiptHandle, seconds);
    } catch (error) {
      // The queue's own visibility timeout then decides when the next attempt comes.
      logger.warn('could not set the retry delay', { messageId: record.messageId, error: error as Error });
    }
  }

  /** One attempt for one message; true when the message is done with (acknowledged). */
  async function attempt(record: SQSRecord, message: QueuedWebhook): Promise<boolean> {
    const outcome = await deliverWebhook.execute({
      message,
      attempt: Number(record.attributes.ApproximateReceiveCount) || 1,
    });
    logAttempt(message, outcome);
    switch (outcome.kind) {
      case 'skipped':
      case 'delivered':
        return true;
      case 'retry':
        await hide(record, outcome.delaySeconds);
        return false;
      case 'failed':
        if (outcome.reason === 'attempts_exhausted') {
          // Visible again at once: the next receive exceeds maxReceiveCount and SQS dead-letters it.
          await hide(record, 0);
          return false;
        }
        await queue.deadLetter(record.body);
        return true;
    }
  }

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      // Two copies of one delivery in a batch would POST twice: the first carries it, the others are dropped.
      const firstOfEach = new Map<string, SQSRecord>();
      const results = await Promise.all(
        event.Records.map(async (record) => {
          try {
            const message = parseMessage(record.body);
            if (!message) {
              logger.error('unreadable webhook message dead-lettered', { messageId: record.messageId });
              await queue.deadLetter(record.body);
              return true;
            }
            const key = `${message.account_id}/${JSON.stringify(referenceOf(message))}`;
            if (firstOfEach.has(key)) return true;
            firstOfEach.set(key, record);
            return await attempt(record, message);
          } catch (error) {
            // Our own failure, not the receiver's: counted (and alarmed), and the queue tries the message again.
            emitMetric('deliveryErrors', 1, {});
            logger.error('webhook attempt errored', { messageId: record.messageId, error: error as Error });
            return false;
          }
        }),
      );
      return {
        batchItemFailures: event.Records.filter((_, index) => !results[index]).map((record) => ({
          itemIdentifier: record.messageId,
        })),
      };
    });
}
