/** The batch webhook's delivery state on the batch item, and its place in the index of webhooks left to deliver. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchWebhookRepository } from '../../../domain/ports/batches';
import type { WebhookAttempt } from '../../../domain/ports/webhooks';
import { DynamoBatchReader } from './reader';
import { keys } from '../keys';
import { webhookAttemptUpdate } from '../webhook-attempt';
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
          ...webhookAttemptUpdate(attempt),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
