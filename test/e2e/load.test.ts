/**
 * 200 enrichments posted at once to the local stack: every one finishes, every webhook arrives exactly once
 * per webhook-id, and the credit ledger balances to the account's balance.
 */
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ApiClient } from '../support/http-client';
import { WebhookReceiver } from '../integration/webhooks/receiver';

const ENRICHMENTS = 200;

describe('Local stack: 200 concurrent enrichments', () => {
  let stack: LocalStack;
  let db: ReturnType<typeof createDocumentClient>;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      tableName: `load-${Date.now()}`,
      fastWaitsMs: 5,
      webhookRetrySchedule: [0.2, 0.2],
    });
    db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterAll(async () => {
    await stack.stop();
    await receiver.stop();
    db.destroy();
  });

  it('finishes every enrichment, delivers each webhook once, and balances the ledger', async () => {
    // Prepare
    const accounts = new DynamoAccountAdminStore(db, stack.tableName);
    const admin = new AccountAdministration(accounts, systemClock);
    const account = await admin.create({
      name: 'Load',
      credits: 10_000,
      personalEmailConsent: true,
      phoneCountryCodes: null,
    });
    receiver.secret = account.webhook_secret;
    const api = new ApiClient(stack.apiUrl, account.api_key);
    const bodies = Array.from({ length: ENRICHMENTS }, (_, i) => ({
      firstname: `Person${i}`,
      lastname: i % 10 === 0 ? 'Nobody' : i % 10 === 1 ? 'Flaky' : 'Doe',
      domain: 'acme.com',
      linkedin_url: `linkedin.com/in/person-${i}`,
      enrichment_type: i % 2 ? ['email'] : ['email', 'phone'],
      webhook_url: receiver.url(`/hook/${i}`),
    }));

    // Act
    const accepted = await Promise.all(bodies.map((body) => api.enrich(body)));
    const ids = accepted.map((answer) => String(answer.body.enrichment_id));
    await stack.idle();

    // Assess
    expect(accepted.every((answer) => answer.status === 202)).toBe(true);
    const records = await Promise.all(ids.map((id) => api.contact(id)));
    expect(records.every((record) => record.body.status === 'finished')).toBe(true);
    expect(
      records.every((record) => (record.body.webhook as { status: string }).status === 'delivered'),
    ).toBe(true);
    const deliveredIds = receiver.deliveries.map((d) => String(d.headers['webhook-id']));
    expect(deliveredIds).toHaveLength(ENRICHMENTS);
    expect(new Set(deliveredIds)).toEqual(new Set(ids.map((id) => `msg_${id}`)));
    expect(receiver.deliveries.every((d) => d.verified.ok)).toBe(true);

    const charged = records.reduce((sum, record) => sum + Number(record.body.credits_used), 0);
    const credits = (await api.credits()).body;
    expect(credits).toEqual({ balance: 10_000 - charged, reserved: 0, available: 10_000 - charged });
    const ledger = await accounts.ledger(account.account_id);
    expect(ledger.reduce((sum, entry) => sum + entry.balance_delta, 0)).toBe(credits.balance);
    expect(ledger.reduce((sum, entry) => sum + entry.reserved_delta, 0)).toBe(0);
    expect(ledger.filter((entry) => entry.kind === 'charge')).toHaveLength(
      records.filter((r) => Number(r.body.credits_used) > 0).length,
    );
  }, 120_000);
});
