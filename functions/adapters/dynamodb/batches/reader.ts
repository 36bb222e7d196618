/**
 * Reading batches in DynamoDB (README "Bulk enrichment"): the batch item (`BATCH#<id>`) and its contacts'
 * records, consistently. The batch stores of each use case (accepting, ticking off and finishing, the batch
 * webhook) read through it.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { BatchRecord } from '../../../domain/batches/batch';
import type { ContactRecord } from '../../../domain/enrichment/contact';
import type { BatchReader } from '../../../domain/ports/batches';
import { toRecord } from '../contact-records';
import { keys, PENDING_INDEX, TTL_ATTRIBUTE } from '../keys';

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;

const TABLE_ONLY_ATTRIBUTES = ['PK', 'SK', 'type', TTL_ATTRIBUTE, PENDING_INDEX.partitionKey, 'shards_done'];

export function toBatch(item: Record<string, unknown>): BatchRecord {
  const batch: Record<string, unknown> = { handed_over: false, ...item };
  for (const attribute of TABLE_ONLY_ATTRIBUTES) delete batch[attribute];
  return batch as unknown as BatchRecord;
}

export class DynamoBatchReader implements BatchReader {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async getBatch(accountId: string, batchId: string): Promise<BatchRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.batch(accountId, batchId),
        ConsistentRead: true,
      }),
    );
    return Item ? toBatch(Item) : undefined;
  }

  async getMembers(batch: BatchRecord): Promise<ContactRecord[]> {
    const items = await this.getAll(batch.enrichment_ids.map((id) => keys.contact(batch.account_id, id)));
    const byId = new Map(items.map((item) => [item.enrichment_id as string, toRecord(item)]));
    return batch.enrichment_ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Consistent BatchGetItem of any number of keys; unprocessed keys are asked for again. */
  protected async getAll(wanted: Array<{ PK: string; SK: string }>): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (let start = 0; start < wanted.length; start += BATCH_GET_LIMIT) {
      let pending: Array<Record<string, unknown>> | undefined = wanted.slice(start, start + BATCH_GET_LIMIT);
      for (let round = 0; pending?.length; round++) {
        if (round) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** round)));
        const answer: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        found.push(...(answer.Responses?.[this.tableName] ?? []));
        pending = answer.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }
}
