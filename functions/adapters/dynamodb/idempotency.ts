/** Idempotency records as the accept stores read them: by key hash, and only while they have not expired. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, TTL_ATTRIBUTE } from './keys';

/** The account's unexpired idempotency item for `keyHash` (consistent read), or undefined. */
export async function readIdempotency(
  db: DynamoDBDocumentClient,
  tableName: string,
  accountId: string,
  keyHash: string,
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName, Key: keys.idempotency(accountId, keyHash), ConsistentRead: true }),
  );
  // DynamoDB's TTL deletes expired items eventually, not at once: an expired one still read counts as gone.
  if (!Item || (Item[TTL_ATTRIBUTE] as number) < Math.floor(now.getTime() / 1000)) return undefined;
  return Item;
}
