/**
 * The batch webhook as the local stack delivers it (local queue with SQS semantics, the deployed deliver
 * handler, DynamoDB Local) to a receiver on 127.0.0.1 that verifies it with the Standard Webhooks library.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { keys } from '../../../functions/adapters/dynamodb/keys';
import { newApiKey, newWebhookSecret } from '../../../functions/domain/accounts/accounts';
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import { newId } from '../../../functions/domain/ids';
import { maxAttempts, retryScheduleFrom } from '../../../functions/domain/webhooks/retry-schedule';
import { redriveWebhooks } from '../../../functions/domain/webhooks/redrive-webhooks';
import { composeLocalProduct, composeWebhookDelivery, type LocalProduct } from '../../../local/compose';
import { LocalQueue } from '../../../local/local-queue';
import { apiEvent, lambdaContext } from '../../support/api-events';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { replies, WebhookReceiver } from '../webhooks/receiver';

const SCHEDULE = [0.05, 0.05, 0.05];

describe('Batch webhook delivery (local queue, deliver handler, DynamoDB Local, HTTP receiver)', () => {
  let table: TestTable;
  let queue: LocalQueue;
  let product: LocalProduct;
  let accountId: string;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    table = await createTestTable();
    queue = new LocalQueue({
      maxReceiveCount: maxAttempts(retryScheduleFrom(SCHEDULE)),
      visibilityTimeoutSeconds: 30,
    });
    product = composeLocalProduct({
      db: table.db,
      tableName: table.tableName,
      webhookQueue: queue,
      fastWaitsMs: 5,
    });
    queue.start(
      composeWebhookDelivery({
        db: table.db,
        tableName: table.tableName,
        queue,
        webhookRetrySchedule: SCHEDULE,
        timeoutMs: 1_000,
      }),
    );
    accountId = newId();
    const secret = newWebhookSecret();
    await product.accounts.createAccount(
      {
        account_id: accountId,
        name: 'Batch webhooks',
        balance: 1_000,
        reserved: 0,
        personal_email_consent: false,
        default_phone_country_codes: null,
        webhook_secret: secret,
        created_at: new Date().toISOString(),
        rate_limit: null,
        bucket_full_at: null,
      },
      newApiKey(),
    );
    receiver.secret = secret;
    await receiver.start();
  });

  afterAll(async () => {
    await queue.stop();
    await product.workflow.stop();
    await receiver.stop();
    await table.drop();
  });

  beforeEach(() => receiver.reset());

  const call = (handler: (e: never, c: never) => Promise<APIGatewayProxyResult>, event: unknown) =>
    handler(event as never, lambdaContext as never);

  async function runBatch(contacts: Array<Record<string, unknown>>): Promise<string> {
    const response = await call(
      product.handlers['accept-batch'],
      apiEvent({
        method: 'POST',
        path: '/contacts/enrich/bulk',
        resource: '/contacts/enrich/bulk',
        accountId,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ contacts, webhook_url: receiver.url('/batch') }),
      }),
    );
    expect(response.statusCode).toBe(202);
    await product.workflow.idle();
    await queue.whenIdle();
    return (JSON.parse(response.body) as { batch_id: string }).batch_id;
  }

  async function batchView(batchId: string) {
    const response = await call(
      product.handlers['get-batch'],
      apiEvent({
        method: 'GET',
        path: `/batches/${batchId}`,
        resource: '/batches/{id}',
        pathParameters: { id: batchId },
        accountId,
      }),
    );
    return JSON.parse(response.body) as { status: string; contacts: ContactView[] };
  }

  const batchWebhook = async (batchId: string) =>
    (
      await table.db.send(
        new GetCommand({
          TableName: table.tableName,
          Key: keys.batch(accountId, batchId),
          ConsistentRead: true,
        }),
      )
    ).Item?.webhook as Record<string, unknown>;

  const toBatch = () => receiver.deliveries.filter((delivery) => delivery.path === '/batch');

  const contact = (lastname: string, extra: Record<string, unknown> = {}) => ({
    firstname: 'Jane',
    lastname,
    domain: 'acme.com',
    enrichment_type: ['email'],
    ...extra,
  });

  it('delivers it once, signed with msg_<batch_id>, its body the batch as GET /batches/{id} shows it at its finish', async () => {
    // Act
    const batchId = await runBatch([
      contact('Doe'),
      contact('Nobody'),
      contact('Own', { webhook_url: receiver.url('/contact') }),
    ]);

    // Assess
    expect(toBatch()).toHaveLength(1);
    const [delivery] = toBatch();
    expect(delivery!.verified.ok).toBe(true);
    expect(delivery!.headers['webhook-id']).toBe(`msg_${batchId}`);
    const view = await batchView(batchId);
    // The contact's own webhook as it stood at its finish, as its own webhook body shows it.
    const atFinish = {
      ...view,
      contacts: view.contacts.map((c) =>
        c.webhook
          ? {
              ...c,
              webhook: {
                ...c.webhook,
                status: 'pending',
                attempts: 0,
                last_attempt_at: null,
                last_response_status: null,
                deliveries: [],
              },
            }
          : c,
      ),
    };
    expect(view.status).toBe('finished');
    expect(JSON.parse(delivery!.body)).toEqual(atFinish);
    expect(receiver.deliveries.filter((d) => d.path === '/contact')).toHaveLength(1);
    expect(await batchWebhook(batchId)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      last_response_status: 200,
    });
  });

  it('retries a refused delivery with the same webhook-id and the very same body', async () => {
    // Prepare
    receiver.respond = replies({ status: 503 }, { status: 500 });

    // Act
    const batchId = await runBatch([contact('Doe'), contact('Roe')]);

    // Assess
    const deliveries = toBatch();
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map((d) => d.headers['webhook-id']))).toEqual(new Set([`msg_${batchId}`]));
    expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
    expect(deliveries.every((d) => d.verified.ok)).toBe(true);
    expect(await batchWebhook(batchId)).toMatchObject({ status: 'delivered', attempts: 3 });
  });

  it('sends nothing more for a duplicate message once delivered', async () => {
    // Prepare
    const batchId = await runBatch([contact('Doe')]);

    // Act
    await queue.enqueue({ kind: 'batch', account_id: accountId, batch_id: batchId });
    await queue.whenIdle();

    // Assess
    expect(toBatch()).toHaveLength(1);
  });

  it('marks it failed after the last attempt, and a redrive starts a new round', async () => {
    // Prepare
    receiver.respond = () => ({ status: 500 });
    const batchId = await runBatch([contact('Doe')]);
    const failed = await batchWebhook(batchId);
    receiver.respond = replies();

    // Act
    const redriven = await redriveWebhooks(queue);
    await queue.whenIdle();

    // Assess
    expect(failed).toMatchObject({ status: 'failed', attempts: SCHEDULE.length + 1 });
    expect(redriven).toEqual({ redriven: 1 });
    expect(await batchWebhook(batchId)).toMatchObject({ status: 'delivered' });
    expect(toBatch()).toHaveLength(SCHEDULE.length + 2);
  });
});
