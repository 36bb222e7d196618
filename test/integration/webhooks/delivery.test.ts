import { toContactView } from '../../../functions/domain/enrichment/contact';
import type { Account } from '../../../functions/domain/accounts/accounts';
import { redriveWebhooks } from '../../../functions/domain/webhooks/redrive-webhooks';
import type { LocalQueue } from '../../../local/local-queue';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { createAccount, finishedContact, storesOf, type Stores } from './fixtures';
import { replies, WebhookReceiver } from './receiver';
import { startDelivery } from './rig';

const SCHEDULE = [0.05, 0.05, 0.05];

describe('Class: DeliverWebhook (local queue, deliver handler, DynamoDB Local, HTTP receiver)', () => {
  let table: TestTable;
  let stores: Stores;
  let account: Account;
  let queue: LocalQueue;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    table = await createTestTable();
    stores = storesOf(table);
    account = await createAccount(stores);
    receiver.secret = account.webhook_secret;
    await receiver.start();
    queue = startDelivery(stores, {
      policy: { allowPrivateTargets: true },
      schedule: SCHEDULE,
      timeoutMs: 200,
    });
  });

  afterAll(async () => {
    await queue.stop();
    await receiver.stop();
    await table.drop();
  });

  beforeEach(() => receiver.reset());

  async function deliver(enrichmentId: string): Promise<void> {
    await queue.enqueue({ account_id: account.account_id, enrichment_id: enrichmentId });
    await queue.whenIdle();
  }

  const webhookOf = async (enrichmentId: string) =>
    (await stores.webhooks.getContact(account.account_id, enrichmentId))?.webhook;

  it('delivers a signed body equal to the contact view at finish', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(delivery!.verified).toEqual({ ok: true, payload: toContactView(record) });
    expect(JSON.parse(delivery!.body)).toEqual(toContactView(record));
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['webhook-id']).toBe(`msg_${record.enrichment_id}`);
    expect(delivery!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(await webhookOf(record.enrichment_id)).toEqual({
      url: receiver.url(),
      status: 'delivered',
      attempts: 1,
      last_attempt_at: expect.any(String),
      last_response_status: 200,
      deliveries: [
        {
          attempt: 1,
          at: expect.any(String),
          response_status: 200,
          duration_ms: expect.any(Number),
          error: null,
        },
      ],
    });
  });

  it('logs every attempt on the record after 500, 500, 200, oldest first', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = replies({ status: 500 }, { status: 500 }, { status: 200 });

    // Act
    await deliver(record.enrichment_id);

    // Assess
    const webhook = await webhookOf(record.enrichment_id);
    expect(webhook?.deliveries?.map((d) => [d.attempt, d.response_status, d.error])).toEqual([
      [1, 500, null],
      [2, 500, null],
      [3, 200, null],
    ]);
    const times = webhook!.deliveries!.map((d) => d.at);
    expect([...times].sort()).toEqual(times);
    expect(webhook!.deliveries!.every((d) => d.duration_ms >= 0)).toBe(true);
    expect(webhook!.last_attempt_at).toBe(times[2]);
  });

  it('keeps only the last 20 attempts in the log', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    const at = new Date().toISOString();

    // Act
    for (let attempt = 1; attempt <= 23; attempt++) {
      await stores.webhooks.recordWebhookAttempt(account.account_id, record.enrichment_id, {
        at,
        responseStatus: 500,
        status: 'pending',
        delivery: { attempt, at, response_status: 500, duration_ms: 1, error: null },
      });
    }

    // Assess
    const webhook = await webhookOf(record.enrichment_id);
    expect(webhook?.attempts).toBe(23);
    expect(webhook?.deliveries?.map((d) => d.attempt)).toEqual(Array.from({ length: 20 }, (_, i) => i + 4));
  });

  it('delivers on the third attempt after two 500s, with the same webhook-id and the same body', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = replies({ status: 500 }, { status: 500 }, { status: 200 });

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(receiver.deliveries).toHaveLength(3);
    expect(receiver.deliveries.every((d) => d.verified.ok)).toBe(true);
    expect(new Set(receiver.deliveries.map((d) => d.headers['webhook-id']))).toEqual(
      new Set([`msg_${record.enrichment_id}`]),
    );
    for (const delivery of receiver.deliveries)
      expect(JSON.parse(delivery.body)).toEqual(toContactView(record));
    expect(await webhookOf(record.enrichment_id)).toMatchObject({
      status: 'delivered',
      attempts: 3,
      last_response_status: 200,
    });
  });

  it('keeps the webhook pending between failed attempts', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    const seen: unknown[] = [];
    receiver.respond = async (_delivery, index) => {
      if (index > 0) seen.push(await webhookOf(record.enrichment_id));
      return { status: index === 0 ? 502 : 204 };
    };

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(seen).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 1, last_response_status: 502 }),
    ]);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('dead-letters after the last attempt, marks it failed, and delivers it once redriven', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = () => ({ status: 500 });

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(receiver.deliveries).toHaveLength(SCHEDULE.length + 1);
    expect(queue.deadLetterBodies()).toEqual([
      JSON.stringify({ account_id: account.account_id, enrichment_id: record.enrichment_id }),
    ]);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({
      status: 'failed',
      attempts: 4,
      last_response_status: 500,
    });

    // Prepare: the receiver recovers after one more failure; the new round sees the webhook pending again.
    const seen: unknown[] = [];
    receiver.reset();
    receiver.respond = async (_delivery, index) => {
      if (index > 0) seen.push((await webhookOf(record.enrichment_id))?.status);
      return { status: index === 0 ? 500 : 200 };
    };

    // Act
    const summary = await redriveWebhooks(queue);
    await queue.whenIdle();

    // Assess
    expect(summary).toEqual({ redriven: 1 });
    expect(queue.deadLetterBodies()).toEqual([]);
    expect(seen).toEqual(['pending']);
    expect(receiver.deliveries.map((d) => d.headers['webhook-id'])).toEqual([
      `msg_${record.enrichment_id}`,
      `msg_${record.enrichment_id}`,
    ]);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({
      status: 'delivered',
      attempts: 6,
      last_response_status: 200,
    });
  });

  it('stops at 410 Gone: one attempt, failed, dead-lettered', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = () => ({ status: 410 });

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(receiver.deliveries).toHaveLength(1);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_response_status: 410,
    });
    expect(queue.deadLetterBodies()).toContain(
      JSON.stringify({ account_id: account.account_id, enrichment_id: record.enrichment_id }),
    );
  });

  it('makes the next attempt no sooner than a 429 Retry-After asks', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = replies({ status: 429, headers: { 'Retry-After': '1' } }, { status: 200 });

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(receiver.deliveries).toHaveLength(2);
    const [first, second] = receiver.deliveries;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1000);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('counts a receiver slower than the timeout as a failed attempt, with no response status', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    const seen: unknown[] = [];
    receiver.respond = async (_delivery, index) => {
      if (index === 0) return { status: 200, delayMs: 1_000 };
      seen.push(await webhookOf(record.enrichment_id));
      return { status: 200 };
    };

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(seen).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 1, last_response_status: null }),
    ]);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    receiver.respond = replies(
      { status: 307, headers: { Location: receiver.url('/elsewhere') } },
      { status: 200 },
    );

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(receiver.deliveries.map((d) => d.path)).toEqual(['/hook', '/hook']);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('delivers at most once when the same message arrives twice in one batch', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    const message = { account_id: account.account_id, enrichment_id: record.enrichment_id };

    // Act
    await Promise.all([queue.enqueue(message), queue.enqueue(message)]);
    await queue.whenIdle();

    // Assess
    expect(receiver.deliveries).toHaveLength(1);
    expect(await webhookOf(record.enrichment_id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('acknowledges a message repeated after delivery without sending again', async () => {
    // Prepare
    const record = await finishedContact(stores, account.account_id, receiver.url());
    await deliver(record.enrichment_id);
    const before = await webhookOf(record.enrichment_id);

    // Act
    await deliver(record.enrichment_id);

    // Assess
    expect(receiver.deliveries).toHaveLength(1);
    expect(await webhookOf(record.enrichment_id)).toEqual(before);
    expect(before).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('acknowledges a message whose record is missing', async () => {
    // Prepare
    const dead = queue.deadLetterBodies().length;

    // Act
    await deliver('01J0000000000000000000000Z');

    // Assess
    expect(receiver.deliveries).toHaveLength(0);
    expect(queue.deadLetterBodies()).toHaveLength(dead);
  });
});
