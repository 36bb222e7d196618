/**
 * The results cache in the table. A find is kept under each identity of the person (hashes, see
 * functions/domain/enrichment/result-cache.ts) as `CACHE#<identity>` / `<owner>#<type>`, with the table's TTL, so a lookup
 * is one GetItem per identity and erasure finds every copy of a person with one Query per identity.
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { EnrichmentType } from '../../domain/enrichment/enrichment-request';
import type { BadResultCache, CachedFind } from '../../domain/ports/feedback';
import type { ResultCache } from '../../domain/ports/progress';
import { holdsAnyOf, type CachedResult } from '../../domain/enrichment/result-cache';
import { keys, TTL_ATTRIBUTE } from './keys';
import { isConditionFailure } from './transactions';

/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25;

export class DynamoResultCache implements ResultCache, BadResultCache {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async lookup(
    owner: string,
    identities: readonly string[],
    type: EnrichmentType,
    notBefore: Date,
  ): Promise<CachedResult | undefined> {
    for (const identity of identities) {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: keys.cache(identity, owner, type) }),
      );
      // TTL deletes expired items late: the find's own date decides.
      if (Item && (Item.found_at as string) >= notBefore.toISOString()) {
        return { type, result: Item.result as CachedResult['result'], found_at: Item.found_at as string };
      }
    }
    return undefined;
  }

  async store(
    owner: string,
    identities: readonly string[],
    found: CachedResult,
    expiresAt: Date,
  ): Promise<void> {
    const items = identities.map((identity) => ({
      PutRequest: {
        Item: {
          ...keys.cache(identity, owner, found.type),
          type: 'cache',
          result: found.result,
          found_at: found.found_at,
          [TTL_ATTRIBUTE]: Math.floor(expiresAt.getTime() / 1000),
        },
      },
    }));
    await this.write(items);
  }

  /**
   * Reads the item and, when its result holds a value reported bad, deletes it on condition that it is still the
   * find that was read (`found_at`): a newer find stored in between is kept.
   */
  async forgetBad({ identity, owner, type, values }: CachedFind): Promise<boolean> {
    const Key = keys.cache(identity, owner, type);
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
    );
    if (!Item || !holdsAnyOf(Item.result as CachedResult['result'], values)) return false;
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key,
          ConditionExpression: 'found_at = :found_at',
          ExpressionAttributeValues: { ':found_at': Item.found_at as string },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async forget(identities: readonly string[]): Promise<void> {
    for (const identity of identities) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.cachePartition(identity) },
            ProjectionExpression: 'PK, SK',
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        await this.write(
          (page.Items ?? []).map((item) => ({ DeleteRequest: { Key: { PK: item.PK, SK: item.SK } } })),
        );
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
  }

  private async write(requests: Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH) {
      let pending: Record<string, unknown>[] | undefined = requests.slice(start, start + BATCH);
      for (let attempt = 0; pending?.length; attempt++) {
        const { UnprocessedItems } = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
        );
        pending = UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
        if (pending?.length)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }
}
