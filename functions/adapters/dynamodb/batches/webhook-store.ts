/** The batch webhook's delivery state on the batch item, and its place in the index of webhooks left to deliver. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchWebhookRepository } from '../../../domain/ports/batches';
import type { WebhookAttempt } from '../../../domain/ports/webhooks';
import { DynamoBatchReader } from './reader';
import { keys, WEBHOOK_INDEX } from '../keys';
import { isConditionFailure } from '../transactions';

export class DynamoBatchWebhookStore extends DynamoBatchReader implements BatchWebhookRepository {
  async recordBatchWebhookAttempt(
    accountId: string,
    batchId: string,
    attempt: Pick<WebhookAttempt, 'at' | 'responseStatus' | 'status'>,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batch(accountId, batchId),
          UpdateExpression:
            'SET webhook.attempts = webhook.attempts + :one, webhook.last_attempt_at = :at, ' +
            'webhook.last_response_status = :code, webhook.#status = :status' +
            // Delivered or given up on: it leaves the index of webhooks left to deliver.
            (attempt.status === 'pending' ? '' : ` REMOVE ${WEBHOOK_INDEX.partitionKey}`),
          // A delivered webhook stays delivered, whatever a late duplicate attempt reports.
          ConditionExpression: 'attribute_exists(webhook.#status) AND webhook.#status <> :delivered',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':at': attempt.at,
            ':code': attempt.responseStatus,
            ':status': attempt.status,
            ':delivered': 'delivered',
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
