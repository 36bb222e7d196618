/**
 * The counters of usage (per account and UTC day, added to in the finish transaction: `finish-store.ts`) and of
 * provider stats (per provider, UTC day and part, added to after a first finish by plain updates). Reading either
 * is one Query per partition over a range of days, page after page; never a scan.
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counters } from '../../domain/usage/counters';
import type {
  ProviderStatsReader,
  ProviderStatsRecorder,
  UsageRange,
  UsageReader,
} from '../../domain/ports/usage';
import { counterAdds, countersOf } from './counters';
import { keys } from './keys';

/** The highest sort key of a day's items, its parts included (`STATS#<day>#<part>` sorts after `STATS#<day>`). */
const AFTER_PARTS = '#\uffff';

async function queryRange(
  db: DynamoDBDocumentClient,
  tableName: string,
  range: { PK: string; low: string; high: string },
): Promise<Counters[]> {
  const items: Counters[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': range.PK, ':low': range.low, ':high': range.high },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []).map(countersOf));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export class DynamoUsage implements UsageReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  usageOf(accountId: string, range: UsageRange): Promise<Counters[]> {
    const low = keys.usage(accountId, range.from);
    return queryRange(this.db, this.tableName, {
      PK: low.PK,
      low: low.SK,
      high: keys.usage(accountId, range.to).SK,
    });
  }
}

export class DynamoProviderStats implements ProviderStatsRecorder, ProviderStatsReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(provider: string, day: string, part: string, counters: Counters): Promise<void> {
    if (!Object.keys(counters).length) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.providerStats(provider, day, part),
        ...counterAdds(counters),
      }),
    );
  }

  statsOf(provider: string, range: UsageRange): Promise<Counters[]> {
    const low = keys.providerStats(provider, range.from);
    return queryRange(this.db, this.tableName, {
      PK: low.PK,
      low: low.SK,
      high: `${keys.providerStats(provider, range.to).SK}${AFTER_PARTS}`,
    });
  }
}
