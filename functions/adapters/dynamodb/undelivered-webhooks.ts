/** Webhooks left to deliver, through the sparse `undelivered-webhooks` index: a Query per shard, never a Scan. */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueuedWebhook } from '../../domain/ports';
import { WEBHOOK_INDEX } from './keys';

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

async function queryShard(
  db: DynamoDBDocumentClient,
  tableName: string,
  shard: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: WEBHOOK_INDEX.name,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': WEBHOOK_INDEX.partitionKey },
        ExpressionAttributeValues: { ':shard': shard },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
