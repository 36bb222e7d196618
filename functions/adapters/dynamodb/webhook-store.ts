/**
 * Webhook delivery's view of the table: the record to send, each attempt recorded on it (with its entry in the
 * delivery log), and a resend's new round.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_DELIVERIES_KEPT, type WebhookDelivery } from '../../domain/enrichment/contact';
import type { WebhookAttempt, WebhookRepository, WebhookResendRepository } from '../../domain/ports/webhooks';
import { DynamoContacts } from './contact-records';
import { keys, WEBHOOK_INDEX, webhookShardOf } from './keys';
import { isConditionFailure } from './transactions';
import { webhookAttemptUpdate } from './webhook-attempt';

export class DynamoWebhookStore extends DynamoContacts implements WebhookRepository, WebhookResendRepository {
  async recordWebhookAttempt(
    accountId: string,
    enrichmentId: string,
    attempt: WebhookAttempt,
  ): Promise<void> {
    let deliveries: number;
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contact(accountId, enrichmentId),
          ...webhookAttemptUpdate(attempt, {
            set: 'webhook.deliveries = list_append(if_not_exists(webhook.deliveries, :none), :delivery)',
            values: { ':none': [], ':delivery': [attempt.delivery] },
          }),
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      deliveries = ((Attributes?.webhook as { deliveries?: WebhookDelivery[] } | undefined)?.deliveries ?? [])
        .length;
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
    if (deliveries > MAX_DELIVERIES_KEPT) await this.trimDeliveries(accountId, enrichmentId, deliveries);
  }

  /**
   * Drops the oldest entries beyond the log's size. Appending and trimming are separate writes (DynamoDB cannot
   * append to a list and remove from it in one expression), so the append never loses an attempt; the trim is
   * conditional on the length it saw, and a concurrent append leaves it to the next attempt.
   */
  private async trimDeliveries(accountId: string, enrichmentId: string, length: number): Promise<void> {
    const excess = length - MAX_DELIVERIES_KEPT;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contact(accountId, enrichmentId),
          UpdateExpression: `REMOVE ${Array.from({ length: excess }, (_, i) => `webhook.deliveries[${i}]`).join(', ')}`,
          ConditionExpression: 'size(webhook.deliveries) = :length',
          ExpressionAttributeValues: { ':length': length },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async reopenWebhook(accountId: string, enrichmentId: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contact(accountId, enrichmentId),
          UpdateExpression: `SET webhook.#status = :pending, ${WEBHOOK_INDEX.partitionKey} = :shard`,
          ConditionExpression: '#status = :finished AND attribute_exists(webhook.#status)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':finished': 'finished',
            ':shard': webhookShardOf(enrichmentId),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
