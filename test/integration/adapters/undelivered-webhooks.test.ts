/**
 * The index of webhooks left to deliver on DynamoDB Local: a finished contact or batch with a webhook enters it
 * at its finish, leaves it once the webhook is delivered or given up on, and a resend puts it back.
 */
import { DynamoBatchWebhookStore } from '../../../functions/adapters/dynamodb/batches/webhook-store';
import { listUndeliveredWebhooks } from '../../../functions/adapters/dynamodb/undelivered-webhooks';
import { DynamoWebhookStore } from '../../../functions/adapters/dynamodb/webhook-store';
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import { lambdaContext } from '../../support/api-events';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

const contact = (lastname: string) => ({
  firstname: 'Jane',
  lastname,
  domain: 'acme.com',
  enrichment_type: ['email'],
});

const attempt = (status: 'pending' | 'delivered' | 'failed') => ({
  at: '2026-01-01T00:00:00.000Z',
  responseStatus: status === 'delivered' ? 200 : 500,
  status,
  delivery: {
    attempt: 1,
    at: '2026-01-01T00:00:00.000Z',
    response_status: status === 'delivered' ? 200 : 500,
    duration_ms: 0,
    error: null,
  },
});

describe('Function: listUndeliveredWebhooks', () => {
  let product: TestProduct;
  let account: TestAccount;
  const idle: WorkflowStarter = { start: async () => undefined };

  beforeAll(async () => {
    product = await createTestProduct({ wrapWorkflow: () => idle });
    account = await product.createAccount({ balance: 100 });
  });
  afterAll(() => product.close());

  const accept = async (lastname: string, webhook: boolean) => {
    const response = await product.post(account.accountId, {
      ...contact(lastname),
      ...(webhook ? { webhook_url: 'https://hooks.example.com/contact' } : {}),
    });
    return (JSON.parse(response.body) as { enrichment_id: string }).enrichment_id;
  };
  const finish = (enrichmentId: string) =>
    product.product.tasks.RecordResult(
      { account_id: account.accountId, enrichment_id: enrichmentId } as never,
      lambdaContext,
    );
  const undelivered = () => listUndeliveredWebhooks(product.table.db, product.table.tableName);

  it('lists finished contacts and batches whose webhook is pending, and nothing else', async () => {
    // Prepare
    const pending = await accept('Pending', true);
    const finished = await accept('Finished', true);
    const silent = await accept('Silent', false);
    const batch = JSON.parse(
      (
        await product.postBatch(account.accountId, {
          contacts: [contact('Batched')],
          webhook_url: 'https://hooks.example.com/batch',
        })
      ).body,
    ) as { batch_id: string; contacts: Array<{ enrichment_id: string }> };

    // Act
    await finish(finished);
    await finish(silent);
    await finish(batch.contacts[0]!.enrichment_id);
    const listed = await undelivered();

    // Assess
    expect(listed).toEqual(
      expect.arrayContaining([
        { account_id: account.accountId, enrichment_id: finished },
        { kind: 'batch', account_id: account.accountId, batch_id: batch.batch_id },
      ]),
    );
    const ids = listed.map((message) => ('batch_id' in message ? message.batch_id : message.enrichment_id));
    expect(ids).not.toContain(pending);
    expect(ids).not.toContain(silent);
  });

  it('drops a webhook once delivered or given up on, keeps it while retried, and takes a resend back', async () => {
    // Prepare
    const webhooks = new DynamoWebhookStore(product.table.db, product.table.tableName);
    const batches = new DynamoBatchWebhookStore(product.table.db, product.table.tableName);
    const [delivered, failed] = [await accept('Delivered', true), await accept('Failed', true)];
    await finish(delivered);
    await finish(failed);
    const before = (await undelivered()).filter((message) => 'batch_id' in message);

    // Act
    await webhooks.recordWebhookAttempt(account.accountId, delivered, attempt('pending'));
    const retried = await undelivered();
    await webhooks.recordWebhookAttempt(account.accountId, delivered, attempt('delivered'));
    await webhooks.recordWebhookAttempt(account.accountId, failed, attempt('failed'));
    for (const message of before)
      if ('batch_id' in message)
        await batches.recordBatchWebhookAttempt(account.accountId, message.batch_id, attempt('delivered'));
    const after = await undelivered();
    await webhooks.reopenWebhook(account.accountId, failed);
    const resent = await undelivered();

    // Assess
    const idsOf = (messages: Awaited<ReturnType<typeof undelivered>>) =>
      messages.map((message) => ('batch_id' in message ? message.batch_id : message.enrichment_id));
    expect(idsOf(retried)).toEqual(expect.arrayContaining([delivered, failed]));
    expect(idsOf(after)).not.toContain(delivered);
    expect(idsOf(after)).not.toContain(failed);
    expect(after.some((message) => 'batch_id' in message)).toBe(false);
    expect(idsOf(resent)).toContain(failed);
  });
});
