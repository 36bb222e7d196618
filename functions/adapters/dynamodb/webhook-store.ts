/** Webhook delivery's view of the table: the record to send, and each attempt recorded on it. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookAttempt, WebhookRepository } from '../../domain/ports';
import { DynamoContacts } from './contact-records';
import { keys } from './keys';

export class DynamoWebhookStore extends DynamoContacts implements WebhookRepository {
  async recordWebhookAttempt(
    accountId: string,
    enrichmentId: string,
    attempt: WebhookAttempt,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contact(accountId, enrichmentId),
          UpdateExpression:
            'SET webhook.attempts = webhook.attempts + :one, webhook.last_attempt_at = :at, webhook.last_response_status = :code, webhook.#status = :status',
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
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}
