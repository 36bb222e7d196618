/** The table's shape, shared by the CDK storage construct's expectations, the local stack and the tests. */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { PENDING_INDEX, TTL_ATTRIBUTE, WEBHOOK_INDEX } from './keys';

export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: PENDING_INDEX.partitionKey, AttributeType: 'S' },
        { AttributeName: PENDING_INDEX.sortKey, AttributeType: 'S' },
        { AttributeName: WEBHOOK_INDEX.partitionKey, AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: PENDING_INDEX.name,
          KeySchema: [
            { AttributeName: PENDING_INDEX.partitionKey, KeyType: 'HASH' },
            { AttributeName: PENDING_INDEX.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...PENDING_INDEX.projected] },
        },
        {
          IndexName: WEBHOOK_INDEX.name,
          KeySchema: [{ AttributeName: WEBHOOK_INDEX.partitionKey, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...WEBHOOK_INDEX.projected] },
        },
      ],
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

export async function deleteTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}
