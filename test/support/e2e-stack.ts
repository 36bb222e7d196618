/**
 * The local stack an end-to-end test file runs against: started on a free port over the run's DynamoDB Local,
 * with its own table and one account, and the API client holding that account's key.
 */
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { ApiClient } from './http-client';

export interface E2eStack {
  stack: LocalStack;
  /** The client holding the account's key. */
  api: ApiClient;
  /** The operator's account administration over the stack's table (more accounts, grants). */
  admin: AccountAdministration;
  account: { account_id: string; api_key: string; webhook_secret: string };
  stop(): Promise<void>;
}

export async function startE2eStack(
  name: string,
  account: { credits: number; personalEmailConsent?: boolean },
  options: Partial<LocalStackOptions> = {},
): Promise<E2eStack> {
  const stack = await startLocalStack({
    port: 0,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    tableName: `e2e-${name}-${Date.now()}`,
    fastWaitsMs: 5,
    ...options,
  });
  const db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
  const admin = new AccountAdministration(new DynamoAccountAdminStore(db, stack.tableName), systemClock);
  const created = await admin.create({
    name: `E2E ${name}`,
    credits: account.credits,
    personalEmailConsent: account.personalEmailConsent ?? false,
    phoneCountryCodes: null,
  });
  return {
    stack,
    api: new ApiClient(stack.apiUrl, created.api_key),
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
