/** POST /contacts/{id}/webhook/resend: its handler over DynamoDB Local, the local queue and an HTTP receiver. */
import type { Account } from '../../../functions/domain/accounts/accounts';
import type { ContactRecord } from '../../../functions/domain/enrichment/contact';
import { newId } from '../../../functions/domain/ids';
import { ResendWebhook } from '../../../functions/domain/webhooks/resend-webhook';
import { createResendWebhookHandler } from '../../../functions/handlers/resend-webhook';
import type { LocalQueue } from '../../../local/local-queue';
import { apiEvent, lambdaContext } from '../../support/api-events';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { createAccount, finishedContact, storesOf, type Stores } from './fixtures';
import { replies, WebhookReceiver } from './receiver';
import { startDelivery } from './rig';

describe('Handler: resend webhook', () => {
  let table: TestTable;
  let stores: Stores;
  let account: Account;
  let queue: LocalQueue;
  let handler: ReturnType<typeof createResendWebhookHandler>;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    table = await createTestTable();
    stores = storesOf(table);
    account = await createAccount(stores);
    receiver.secret = account.webhook_secret;
    await receiver.start();
    queue = startDelivery(stores, { policy: { allowPrivateTargets: true }, schedule: [0.05, 0.05] });
    handler = createResendWebhookHandler(new ResendWebhook({ webhooks: stores.webhooks, queue }));
  });

  afterAll(async () => {
    await queue.stop();
    await receiver.stop();
    await table.drop();
  });

  beforeEach(() => receiver.reset());

  const resend = async (enrichmentId: string, accountId = account.account_id) => {
    const response = await handler(
      apiEvent({
        method: 'POST',
        path: `/contacts/${enrichmentId}/webhook/resend`,
        resource: '/contacts/{id}/webhook/resend',
        pathParameters: { id: enrichmentId },
        accountId,
      }),
      lambdaContext,
    );
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };

  /** A copy of a finished record, accepted under a new id and left pending (its waterfall still running). */
  async function pendingContact(template: ContactRecord, webhook: ContactRecord['webhook']): Promise<string> {
    const record: ContactRecord = {
      ...template,
      enrichment_id: newId(),
      status: 'pending',
      finished_at: null,
      results: null,
      waterfall: [],
      webhook,
    };
    await stores.accepts.accept(record, {
      enrichment_id: record.enrichment_id,
      firstname: record.firstname,
      lastname: record.lastname,
      status: 'pending',
      custom: {},
    });
    return record.enrichment_id;
  }

  it('answers 202 and delivers a verifiable webhook again, same webhook-id and body, after a delivered one', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    await queue.enqueue({ account_id: account.account_id, enrichment_id: record.enrichment_id });
    await queue.whenIdle();

    // Act
    const answer = await resend(record.enrichment_id);
    await queue.whenIdle();

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      enrichment_id: record.enrichment_id,
      webhook: { status: 'pending' },
    });
    expect(receiver.deliveries).toHaveLength(2);
    const [first, again] = receiver.deliveries;
    expect(again!.verified.ok).toBe(true);
    expect(again!.headers['webhook-id']).toBe(`msg_${record.enrichment_id}`);
    expect(again!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(again!.body).toBe(first!.body);
    expect(Number(again!.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(
      Number(first!.headers['webhook-timestamp']),
    );
    const webhook = (await stores.webhooks.getContact(account.account_id, record.enrichment_id))?.webhook;
    expect(webhook).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(webhook?.deliveries?.map((d) => [d.attempt, d.response_status])).toEqual([
      [1, 200],
      [2, 200],
    ]);
  });

  it('starts a full round again after a failed one', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = replies({ status: 500 }, { status: 500 }, { status: 500 });
    await queue.enqueue({ account_id: account.account_id, enrichment_id: record.enrichment_id });
    await queue.whenIdle();
    const failed = (await stores.webhooks.getContact(account.account_id, record.enrichment_id))?.webhook;

    // Act
    const answer = await resend(record.enrichment_id);
    await queue.whenIdle();

    // Assess
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(answer.status).toBe(202);
    const webhook = (await stores.webhooks.getContact(account.account_id, record.enrichment_id))?.webhook;
    expect(webhook).toMatchObject({ status: 'delivered', attempts: 4, last_response_status: 200 });
    expect(receiver.deliveries.every((d) => d.verified.ok)).toBe(true);
  });

  it('answers 409 invalid_state while the enrichment is pending, and sends nothing', async () => {
    // Prepare
    const template = await finishedContact(stores, account.account_id, receiver.url());
    receiver.reset();
    const pending = await pendingContact(template, template.webhook);

    // Act
    const answer = await resend(pending);
    await queue.whenIdle();

    // Assess
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({ code: 'invalid_state', message: expect.stringMatching(/pending/) });
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('answers 409 invalid_state for an enrichment without a webhook_url', async () => {
    // Prepare
    const template = await finishedContact(stores, account.account_id, receiver.url());
    const pending = await pendingContact(template, null);
    const record = (await stores.webhooks.getContact(account.account_id, pending))!;
    await stores.finishes.finish({
      record,
      results: { email: null },
      appendSteps: [],
      settlement: { charged: 0, released: 1 },
      charges: {},
      usage: { day: new Date().toISOString().slice(0, 10), counters: { enrichments: 1 } },
      finishedAt: new Date().toISOString(),
    });

    // Act
    const answer = await resend(pending);

    // Assess
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({ code: 'invalid_state', message: expect.stringMatching(/webhook_url/) });
  });

  it("answers 404 for another account's enrichment and for garbage", async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    const other = await createAccount(stores);

    // Act
    const foreign = await resend(record.enrichment_id, other.account_id);
    const garbage = await resend('not-an-id');

    // Assess
    expect(foreign).toEqual({
      status: 404,
      body: { code: 'not_found', message: 'No enrichment with this id.' },
    });
    expect(garbage.status).toBe(404);
  });
});
