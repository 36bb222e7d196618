import type { DynamoDbLocal } from '../../local/dynamodb-local';
import type { Moto } from './moto';

export default async function globalTeardown(): Promise<void> {
  const servers = globalThis as { __DYNAMO__?: DynamoDbLocal; __MOTO__?: Moto };
  await Promise.all([servers.__DYNAMO__?.stop(), servers.__MOTO__?.stop()]);
}
