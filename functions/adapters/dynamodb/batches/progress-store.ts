/**
 * Ticking a batch's contacts off as they finish, and finishing the batch (README "Bulk enrichment"). Beside the
 * batch item live its completion shards (`#SHARD#<n>`: the ids of up to ten contacts not yet finished); only
 * the finish that empties a shard writes to the batch item. A finished batch with a webhook enters the index of
 * webhooks left to deliver; it leaves the pending index once its finish is handed over.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchRecord } from '../../../domain/batches/batch';
import type { BatchFinishOutcome, BatchProgressRepository } from '../../../domain/ports/batches';
import { DynamoBatchReader, toBatch } from './reader';
import { keys, PENDING_INDEX, shardOfKey, WEBHOOK_INDEX, webhookShardOf } from '../keys';
import { isConditionFailure } from '../transactions';

export class DynamoBatchProgressStore extends DynamoBatchReader implements BatchProgressRepository {
  async markMemberFinished(
    accountId: string,
    batchId: string,
    shard: number,
    enrichmentId: string,
  ): Promise<boolean> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batchShard(accountId, batchId, shard),
          // Deleting from a set is idempotent: a replayed finish ticks nothing twice. DynamoDB removes an
          // emptied set, so a shard with no attribute left has no unfinished contact.
          UpdateExpression: 'DELETE #pending :id',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#pending': 'pending' },
          ExpressionAttributeValues: { ':id': new Set([enrichmentId]) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return !(Attributes?.pending as Set<string> | undefined)?.size;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markShardFinished(accountId: string, batchId: string, shard: number): Promise<boolean> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batch(accountId, batchId),
          UpdateExpression: 'ADD shards_done :shard',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':shard': new Set([shard]) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const done = (Attributes?.shards_done as Set<number> | undefined)?.size ?? 0;
      return done >= (Attributes?.shard_count as number);
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async unfinishedMembers(batch: BatchRecord): Promise<Array<{ shard: number; enrichment_id: string }>> {
    const items = await this.getAll(
      Array.from({ length: batch.shard_count }, (_, shard) =>
        keys.batchShard(batch.account_id, batch.batch_id, shard),
      ),
    );
    return items.flatMap((item) => {
      const shard = shardOfKey(String(item.SK));
      return [...((item.pending as Set<string> | undefined) ?? [])].map((id) => ({
        shard,
        enrichment_id: id,
      }));
    });
  }

  async finishBatch(accountId: string, batchId: string, finishedAt: string): Promise<BatchFinishOutcome> {
    const finished =
      (await this.finishPending(accountId, batchId, finishedAt, true)) ??
      (await this.finishPending(accountId, batchId, finishedAt, false));
    if (finished) return { kind: 'finished', batch: toBatch(finished) };
    const batch = await this.getBatch(accountId, batchId);
    return batch ? { kind: 'already_finished', batch } : { kind: 'missing' };
  }

  /**
   * Flips a pending batch to finished, one with a webhook into the index of webhooks left to deliver (one with
   * a webhook, or one without: a write cannot set an attribute on a condition of its own). The item after it;
   * undefined when the batch is not pending or has (not) a webhook.
   */
  private async finishPending(
    accountId: string,
    batchId: string,
    finishedAt: string,
    withWebhook: boolean,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batch(accountId, batchId),
          UpdateExpression:
            'SET #status = :finished, finished_at = :at' +
            (withWebhook ? `, ${WEBHOOK_INDEX.partitionKey} = :shard` : ''),
          ConditionExpression:
            '#status = :pending AND ' +
            (withWebhook ? 'attribute_exists(webhook.#status)' : 'attribute_not_exists(webhook.#status)'),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':finished': 'finished',
            ':pending': 'pending',
            ':at': finishedAt,
            ...(withWebhook ? { ':shard': webhookShardOf(batchId) } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return undefined;
    }
  }

  async markHandedOver(accountId: string, batchId: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batch(accountId, batchId),
          UpdateExpression: `SET handed_over = :true REMOVE ${PENDING_INDEX.partitionKey}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':true': true },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }
}
