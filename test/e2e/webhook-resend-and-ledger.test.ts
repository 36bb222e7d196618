/**
 * The integrator's toolbox over HTTP against a started local stack: the webhook delivery log and resend, and the
 * credits ledger, each response checked against the OpenAPI document by the client.
 */
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ApiClient } from '../support/http-client';
import { replies, WebhookReceiver } from '../integration/webhooks/receiver';

describe('Local stack: webhook delivery log, resend and the credits ledger over HTTP', () => {
  let stack: LocalStack;
  let db: ReturnType<typeof createDocumentClient>;
  let admin: AccountAdministration;
  let api: ApiClient;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      tableName: `e2e-toolbox-${Date.now()}`,
      fastWaitsMs: 5,
      webhookRetrySchedule: [0.1, 0.1, 0.1],
    });
    db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
    admin = new AccountAdministration(new DynamoAccountAdminStore(db, stack.tableName), systemClock);
    const account = await admin.create({
      name: 'Toolbox',
      credits: 100,
      personalEmailConsent: false,
      phoneCountryCodes: null,
    });
    api = new ApiClient(stack.apiUrl, account.api_key);
    receiver.secret = account.webhook_secret;
    await receiver.start();
  });

  afterAll(async () => {
    await stack.stop();
    await receiver.stop();
    db.destroy();
  });

  beforeEach(() => receiver.reset());

  const CONTACT = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] };

  it('shows the delivery log after 500, 500, 200, and resends a verifiable webhook with the same id', async () => {
    // Prepare
    receiver.respond = replies({ status: 500 }, { status: 500 }, { status: 200 });
    const accepted = await api.enrich({ ...CONTACT, webhook_url: receiver.url('/hook') });
    const id = String(accepted.body.enrichment_id);
    await api.untilFinished(id);
    await stack.idle();
    const logged = await api.contact(id);

    // Act
    const resent = await api.resendWebhook(id);
    await stack.idle();

    // Assess
    expect(
      (
        logged.body.webhook as { deliveries: Array<{ attempt: number; response_status: number }> }
      ).deliveries.map((d) => [d.attempt, d.response_status]),
    ).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(resent.status).toBe(202);
    expect(receiver.deliveries).toHaveLength(4);
    const [original, , , again] = receiver.deliveries;
    expect(again!.verified).toEqual({ ok: true, payload: JSON.parse(original!.body) });
    expect(again!.headers['webhook-id']).toBe(`msg_${id}`);
    expect(again!.body).toBe(original!.body);
    expect((await api.contact(id)).body.webhook).toMatchObject({ status: 'delivered', attempts: 4 });
  });

  it('answers 409 invalid_state to a resend while pending and without a webhook_url', async () => {
    // Prepare
    const slow = await api.enrich({ ...CONTACT, lastname: 'Slowpoke', webhook_url: receiver.url() });
    const plain = await api.enrich(CONTACT);
    await api.untilFinished(String(plain.body.enrichment_id));

    // Act
    const whilePending = await api.resendWebhook(String(slow.body.enrichment_id));
    const withoutUrl = await api.resendWebhook(String(plain.body.enrichment_id));

    // Assess
    expect(whilePending.status).toBe(409);
    expect(whilePending.body.code).toBe('invalid_state');
    expect(withoutUrl.status).toBe(409);
    expect(withoutUrl.body.code).toBe('invalid_state');
    await api.untilFinished(String(slow.body.enrichment_id), { timeoutMs: 30_000 });
    await stack.idle();
  });

  it('pages the ledger newest first; over all pages it sums to the balance and the reservation', async () => {
    // Prepare
    await api.untilFinished(
      String((await api.enrich({ ...CONTACT, lastname: 'Nobody' })).body.enrichment_id),
    );
    await stack.idle();
    const entries: Array<{ at: string; balance_delta: number; reserved_delta: number }> = [];

    // Act
    let answer = await api.ledger({ limit: 2 });
    entries.push(...(answer.body.entries as typeof entries));
    while (answer.body.next_cursor) {
      answer = await api.ledger({ limit: 2, cursor: answer.body.next_cursor });
      expect(answer.status).toBe(200);
      entries.push(...(answer.body.entries as typeof entries));
    }
    const credits = (await api.credits()).body;
    const tampered = await api.ledger({ cursor: 'bm90LWEtY3Vyc29y' });

    // Assess
    expect(entries.length).toBeGreaterThan(4);
    expect(entries.reduce((sum, e) => sum + e.balance_delta, 0)).toBe(credits.balance);
    expect(entries.reduce((sum, e) => sum + e.reserved_delta, 0)).toBe(credits.reserved);
    expect(entries.map((e) => e.at)).toEqual(
      entries
        .map((e) => e.at)
        .sort()
        .reverse(),
    );
    expect(tampered.status).toBe(400);
  });
});
