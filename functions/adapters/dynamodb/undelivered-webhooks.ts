/** Webhooks left to deliver, through the sparse `undelivered-webhooks` index: a Query per shard, never a Scan. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueuedWebhook } from '../../domain/webhooks/webhook-message';
import { WEBHOOK_INDEX } from './keys';
import { queryAllPages } from './pending-store';

/** Every finished contact and batch whose webhook is still pending, as the queue message that delivers it. */
export async function listUndeliveredWebhooks(
  db: DynamoDBDocumentClient,
  tableName: string,
): Promise<QueuedWebhook[]> {
  const shards = Array.from({ length: WEBHOOK_INDEX.shards }, (_, shard) => `WEBHOOK#${shard}`);
  const items = (await Promise.all(shards.map((shard) => queryShard(db, tableName, shard)))).flat();
  return items.map((item): QueuedWebhook =>
    item.type === 'batch'
      ? {
          kind: 'batch',
          account_id: item.account_id as string,
          batch_id: String(item.SK).slice('BATCH#'.length),
        }
      : { account_id: item.account_id as string, enrichment_id: item.enrichment_id as string },
  );
}

function queryShard(db: DynamoDBDocumentClient, tableName: string, shard: string) {
  return queryAllPages(db, {
    TableName: tableName,
    IndexName: WEBHOOK_INDEX.name,
    KeyConditionExpression: '#shard = :shard',
    ExpressionAttributeNames: { '#shard': WEBHOOK_INDEX.partitionKey },
    ExpressionAttributeValues: { ':shard': shard },
  });
}
