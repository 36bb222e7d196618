/** Reading contact records: the item is the record, less the attributes that only serve the table. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ContactRecord } from '../../domain/enrichment/contact';
import type { ContactReader } from '../../domain/ports/contacts';
import { IDEMPOTENCY_KEY_ATTRIBUTE, keys, PENDING_INDEX, TTL_ATTRIBUTE } from './keys';

const TABLE_ONLY_ATTRIBUTES = [
  'PK',
  'SK',
  'type',
  TTL_ATTRIBUTE,
  PENDING_INDEX.partitionKey,
  IDEMPOTENCY_KEY_ATTRIBUTE,
];

/** The record an item holds; every attribute the accept wrote comes back, none has to be listed here. */
export function toRecord(item: Record<string, unknown>): ContactRecord {
  const record: Record<string, unknown> = { ...item };
  for (const attribute of TABLE_ONLY_ATTRIBUTES) delete record[attribute];
  return record as unknown as ContactRecord;
}

export class DynamoContacts implements ContactReader {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async getContact(accountId: string, enrichmentId: string): Promise<ContactRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.contact(accountId, enrichmentId),
        ConsistentRead: true,
      }),
    );
    return Item ? toRecord(Item) : undefined;
  }
}
