/**
 * Pending enrichments and batches through the sparse `pending` index: a Query per shard, never a Scan of the
 * table. A batch carries the index's key (its own shards, `PENDING#BATCH#<n>`) until its finish is handed over,
 * so the sweeper finds one left half-way.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PendingBatches, PendingBatchReference } from '../../domain/ports/batches';
import type { PendingEnrichments, PendingReference } from '../../domain/ports/sweep';
import { batchIdOfKey, PENDING_BATCH_SHARDS, PENDING_INDEX, PENDING_SHARDS } from './keys';

export class DynamoPendingEnrichments implements PendingEnrichments {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listPending(before: Date): Promise<PendingReference[]> {
    const pages = await Promise.all(
      PENDING_SHARDS.map((shard) => this.queryShard(shard, before.toISOString())),
    );
    return pages.flat().sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async backlog(): Promise<{ count: number; oldestCreatedAt: string | null }> {
    const shards = await Promise.all(PENDING_SHARDS.map((shard) => this.shardBacklog(shard)));
    const oldest = shards
      .map((shard) => shard.oldest)
      .filter((at): at is string => at !== null)
      .sort()[0];
    return { count: shards.reduce((sum, shard) => sum + shard.count, 0), oldestCreatedAt: oldest ?? null };
  }

  private async shardBacklog(shard: string): Promise<{ count: number; oldest: string | null }> {
    const byShard = {
      TableName: this.tableName,
      IndexName: PENDING_INDEX.name,
      KeyConditionExpression: '#shard = :shard',
      ExpressionAttributeNames: { '#shard': PENDING_INDEX.partitionKey },
      ExpressionAttributeValues: { ':shard': shard },
    };
    const first = await this.db.send(new QueryCommand({ ...byShard, Limit: 1, ScanIndexForward: true }));
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...byShard, Select: 'COUNT', ExclusiveStartKey }));
      count += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return { count, oldest: (first.Items?.[0]?.[PENDING_INDEX.sortKey] as string | undefined) ?? null };
  }

  private async queryShard(shard: string, before: string): Promise<PendingReference[]> {
    return (await queryPendingShard(this.db, this.tableName, shard, before)).map((item) => ({
      account_id: item.account_id as string,
      enrichment_id: item.enrichment_id as string,
      enrichment_type: item.enrichment_type as PendingReference['enrichment_type'],
      created_at: item.created_at as string,
    }));
  }
}

export class DynamoPendingBatches implements PendingBatches {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listPendingBatches(before: Date): Promise<PendingBatchReference[]> {
    const pages = await Promise.all(
      PENDING_BATCH_SHARDS.map((shard) => this.queryShard(shard, before.toISOString())),
    );
    return pages.flat().sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  private async queryShard(shard: string, before: string): Promise<PendingBatchReference[]> {
    return (await queryPendingShard(this.db, this.tableName, shard, before)).map((item) => ({
      account_id: item.account_id as string,
      batch_id: batchIdOfKey(String(item.SK)),
      created_at: item.created_at as string,
    }));
  }
}

/** Every item of one shard of the sparse pending index created before `before` (ISO time), all pages. */
export async function queryPendingShard(
  db: DynamoDBDocumentClient,
  tableName: string,
  shard: string,
  before: string,
): Promise<Record<string, unknown>[]> {
  return queryAllPages(db, {
    TableName: tableName,
    IndexName: PENDING_INDEX.name,
    KeyConditionExpression: '#shard = :shard AND #created < :before',
    ExpressionAttributeNames: { '#shard': PENDING_INDEX.partitionKey, '#created': PENDING_INDEX.sortKey },
    ExpressionAttributeValues: { ':shard': shard, ':before': before },
  });
}

/** Every item a query of an index answers, all pages. */
export async function queryAllPages(
  db: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...query, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
