/** The product composed for tests: a fresh table on DynamoDB Local, the real ASL run locally, real handlers. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { newApiKey, newWebhookSecret, type Account } from '../../functions/domain/accounts/accounts';
import { newId } from '../../functions/domain/ids';
import type { WebhookQueue } from '../../functions/domain/ports/webhooks';
import { composeLocalProduct, type LocalProduct, type LocalProductOptions } from '../../local/compose';
import { apiEvent, lambdaContext } from './api-events';
import { createTestTable, type TestTable } from './dynamo';
import {
  isBatchWebhook,
  type BatchWebhookMessage,
  type QueuedWebhook,
  type WebhookMessage,
} from '../../functions/domain/webhooks/webhook-message';

export class RecordingWebhookQueue implements WebhookQueue {
  readonly messages: WebhookMessage[] = [];
  /** Batch webhooks (`kind: "batch"`), apart from the enrichments' ones. */
  readonly batchMessages: BatchWebhookMessage[] = [];
  async enqueue(message: QueuedWebhook): Promise<void> {
    if (isBatchWebhook(message)) this.batchMessages.push(message);
    else this.messages.push(message);
  }
}

export interface TestAccount {
  accountId: string;
  apiKey: string;
  webhookSecret: string;
}

export interface TestProduct {
  table: TestTable;
  product: LocalProduct;
  webhooks: RecordingWebhookQueue;
  createAccount(
    settings?: Partial<
      Pick<Account, 'balance' | 'personal_email_consent' | 'default_phone_country_codes' | 'rate_limit'>
    >,
  ): Promise<TestAccount>;
  post(accountId: string, body: unknown, headers?: Record<string, string>): Promise<APIGatewayProxyResult>;
  get(accountId: string, enrichmentId: string): Promise<APIGatewayProxyResult>;
  /** POST /contacts/enrich/bulk. */
  postBatch(
    accountId: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<APIGatewayProxyResult>;
  /** GET /batches/{id}. */
  getBatch(accountId: string, batchId: string): Promise<APIGatewayProxyResult>;
  credits(accountId: string): Promise<{ balance: number; reserved: number; available: number }>;
  close(): Promise<void>;
}

export async function createTestProduct(
  options: Omit<LocalProductOptions, 'db' | 'tableName' | 'webhookQueue'> = {},
): Promise<TestProduct> {
  const table = await createTestTable();
  const webhooks = new RecordingWebhookQueue();
  const product = composeLocalProduct({
    fastWaitsMs: 5,
    ...options,
    db: table.db,
    tableName: table.tableName,
    webhookQueue: webhooks,
  });
  return {
    table,
    product,
    webhooks,
    async createAccount(settings = {}) {
      const key = newApiKey();
      const account: Account = {
        account_id: newId(),
        name: 'Test account',
        balance: settings.balance ?? 100,
        reserved: 0,
        personal_email_consent: settings.personal_email_consent ?? false,
        default_phone_country_codes: settings.default_phone_country_codes ?? null,
        webhook_secret: newWebhookSecret(),
        created_at: new Date().toISOString(),
        rate_limit: settings.rate_limit ?? null,
        bucket_full_at: null,
      };
      await product.accounts.createAccount(account, key);
      return { accountId: account.account_id, apiKey: key.apiKey, webhookSecret: account.webhook_secret };
    },
    post(accountId, body, headers = {}) {
      return product.handlers['accept'](
        apiEvent({
          method: 'POST',
          path: '/contacts/enrich/async',
          resource: '/contacts/enrich/async',
          accountId,
          headers: { 'Content-Type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
        lambdaContext,
      );
    },
    get(accountId, enrichmentId) {
      return product.handlers['get-contact'](
        apiEvent({
          method: 'GET',
          path: `/contacts/${enrichmentId}`,
          resource: '/contacts/{id}',
          pathParameters: { id: enrichmentId },
          accountId,
        }),
        lambdaContext,
      );
    },
    postBatch(accountId, body, headers = {}) {
      return product.handlers['accept-batch'](
        apiEvent({
          method: 'POST',
          path: '/contacts/enrich/bulk',
          resource: '/contacts/enrich/bulk',
          accountId,
          headers: { 'Content-Type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
        lambdaContext,
      );
    },
    getBatch(accountId, batchId) {
      return product.handlers['get-batch'](
        apiEvent({
          method: 'GET',
          path: `/batches/${batchId}`,
          resource: '/batches/{id}',
          pathParameters: { id: batchId },
          accountId,
        }),
        lambdaContext,
      );
    },
    async credits(accountId) {
      const response = await product.handlers['credits'](
        apiEvent({ method: 'GET', path: '/account/credits', resource: '/account/credits', accountId }),
        lambdaContext,
      );
      return JSON.parse(response.body) as { balance: number; reserved: number; available: number };
    },
    async close() {
      await product.workflow.stop();
      await table.drop();
    },
  };
}
