/** The local stack on the run's DynamoDB Local, its waits shortened, with one account: the integrations' tests. */
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack } from '../../local/stack';

export interface StackWithAccount {
  stack: LocalStack;
  admin: AccountAdministration;
  account: { account_id: string; api_key: string; webhook_secret: string };
  stop(): Promise<void>;
}

export async function startStackWithAccount(
  name: string,
  account: { credits: number; personalEmailConsent?: boolean } = { credits: 1000 },
): Promise<StackWithAccount> {
  const stack = await startLocalStack({
    port: 0,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    tableName: `e2e-${name}-${Date.now()}`,
    fastWaitsMs: 5,
    webhookRetrySchedule: [0.1, 0.1, 0.1],
  });
  const db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
  const admin = new AccountAdministration(new DynamoAccountAdminStore(db, stack.tableName), systemClock);
  const created = await admin.create({
    name,
    credits: account.credits,
    personalEmailConsent: account.personalEmailConsent ?? false,
    phoneCountryCodes: null,
  });
  return {
    stack,
    admin,
    account: created,
    async stop() {
      // What a test started and did not wait for (a batch left behind by a stopped run) ends first.
      await stack.idle();
      await stack.stop();
      db.destroy();
    },
  };
}
