/** Accounts and finished contact records with a webhook, written through the real DynamoDB adapters. */
import { DynamoAccountAdminStore } from '../../../functions/adapters/dynamodb/account-admin-store';
import { DynamoAcceptStore } from '../../../functions/adapters/dynamodb/accept-store';
import { DynamoFinishStore } from '../../../functions/adapters/dynamodb/finish-store';
import { DynamoWebhookStore } from '../../../functions/adapters/dynamodb/webhook-store';
import { newApiKey, newWebhookSecret, type Account } from '../../../functions/domain/accounts/accounts';
import type { ContactRecord } from '../../../functions/domain/enrichment/contact';
import { newId } from '../../../functions/domain/ids';
import type { TestTable } from '../../support/dynamo';

export interface Stores {
  accounts: DynamoAccountAdminStore;
  accepts: DynamoAcceptStore;
  finishes: DynamoFinishStore;
  webhooks: DynamoWebhookStore;
}

export function storesOf(table: TestTable): Stores {
  return {
    accounts: new DynamoAccountAdminStore(table.db, table.tableName),
    accepts: new DynamoAcceptStore(table.db, table.tableName, 90),
    finishes: new DynamoFinishStore(table.db, table.tableName),
    webhooks: new DynamoWebhookStore(table.db, table.tableName),
  };
}

export async function createAccount({ accounts }: Stores): Promise<Account> {
  const account: Account = {
    account_id: newId(),
    name: 'Webhook Tester',
    balance: 100,
    reserved: 0,
    personal_email_consent: false,
    default_phone_country_codes: null,
    webhook_secret: newWebhookSecret(),
    created_at: new Date().toISOString(),
    rate_limit: null,
    bucket_full_at: null,
  };
  const key = newApiKey();
  await accounts.createAccount(account, { keyHash: key.keyHash, keyPrefix: key.keyPrefix });
  return account;
}

/** A contact accepted with `webhookUrl` and finished with a found email, as the record-result step leaves it. */
export async function finishedContact(
  { accepts, finishes }: Stores,
  accountId: string,
  webhookUrl: string,
): Promise<ContactRecord> {
  const createdAt = new Date().toISOString();
  const pending: ContactRecord = {
    account_id: accountId,
    enrichment_id: newId(),
    status: 'pending',
    firstname: 'Jane',
    lastname: 'Doe',
    company_name: 'Acme',
    domain: 'acme.com',
    linkedin_url: null,
    enrichment_type: ['email'],
    phone_country_codes: null,
    custom_json: JSON.stringify({ crm_id: 'c-42', tags: ['webhook'] }),
    use_cache: null,
    providers: null,
    max_credits: null,
    accept_catch_all: null,
    created_at: createdAt,
    finished_at: null,
    results: null,
    credits_reserved: 1,
    credits_used: 0,
    waterfall: [],
    webhook: {
      url: webhookUrl,
      status: 'pending',
      attempts: 0,
      last_attempt_at: null,
      last_response_status: null,
    },
  };
  await accepts.accept(pending, {
    enrichment_id: pending.enrichment_id,
    firstname: pending.firstname,
    lastname: pending.lastname,
    status: 'pending',
    custom: JSON.parse(pending.custom_json) as Record<string, unknown>,
  });
  const outcome = await finishes.finish({
    record: pending,
    results: { email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' } },
    appendSteps: [
      { type: 'email', provider: 'sandbox-primary', outcome: 'found', duration_ms: 12, detail: null },
    ],
    settlement: { charged: 1, released: 1 },
    charges: { email: 1 },
    usage: { day: new Date().toISOString().slice(0, 10), counters: { enrichments: 1, credits_charged: 1 } },
    finishedAt: new Date().toISOString(),
  });
  if (outcome.kind !== 'finished') throw new Error(`finish returned ${outcome.kind}`);
  return outcome.record;
}
