/** A fresh table on the run's DynamoDB Local for one test file. */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { createTable, deleteTable } from '../../functions/adapters/dynamodb/table';

export interface TestTable {
  db: DynamoDBDocumentClient;
  tableName: string;
  endpoint: string;
  drop(): Promise<void>;
}

export async function createTestTable(): Promise<TestTable> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint)
    throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local.');
  const db = createDocumentClient({ endpoint });
  const tableName = `test-${randomUUID()}`;
  await createTable(db, tableName);
  return {
    db,
    tableName,
    endpoint,
    drop: async () => {
      await deleteTable(db, tableName);
      db.destroy();
    },
  };
}

/** Every item under an account's partition, grouped by kind (the SK prefix). */
export async function itemsOfAccount(
  table: TestTable,
  accountId: string,
): Promise<Record<string, Record<string, unknown>[]>> {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const groups: Record<string, Record<string, unknown>[]> = {};
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}` },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const kind = String(item.SK).split('#')[0] || 'ACCOUNT';
      (groups[kind] ??= []).push(item);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return groups;
}
