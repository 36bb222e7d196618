/**
 * Erasure and the suppression list end to end, over real HTTP against a started local stack, with the operator
 * CLI acting on the stack's table as it would on a deployed one.
 */
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { runAdmin } from '../../functions/admin/cli';
import { resolveTarget, type AdminTarget } from '../../functions/admin/target';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ApiClient } from '../support/http-client';
import { WebhookReceiver, replies } from '../integration/webhooks/receiver';

describe('Local stack: erasure and the suppression list over HTTP', () => {
  let stack: LocalStack;
  let db: ReturnType<typeof createDocumentClient>;
  let admin: AccountAdministration;
  let target: AdminTarget;
  let receiver: WebhookReceiver;
  let alice: ApiClient;
  let bob: ApiClient;

  async function client(): Promise<ApiClient> {
    const created = await admin.create({
      name: 'E2E privacy',
      credits: 100,
      personalEmailConsent: true,
      phoneCountryCodes: null,
    });
    receiver.secret = created.webhook_secret;
    return new ApiClient(stack.apiUrl, created.api_key);
  }

  async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      tableName: `e2e-privacy-${Date.now()}`,
      fastWaitsMs: 5,
      webhookRetrySchedule: [1, 1],
      authorizerCacheSeconds: 60,
    });
    db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
    admin = new AccountAdministration(new DynamoAccountAdminStore(db, stack.tableName), systemClock);
    target = resolveTarget({
      TABLE_NAME: stack.tableName,
      DYNAMODB_ENDPOINT: stack.dynamoEndpoint,
      AWS_REGION: 'local',
    });
    receiver = new WebhookReceiver();
    await receiver.start();
    bob = await client();
    alice = await client();
  });

  afterAll(async () => {
    await stack.stop();
    await receiver.stop();
    db.destroy();
  });

  beforeEach(() => receiver.reset());

  it("erases a finished enrichment: 204, then 404 to GET and DELETE; another account's DELETE is 404", async () => {
    // Prepare
    const accepted = await alice.enrich({
      firstname: 'Jane',
      lastname: 'Erased',
      domain: 'acme.com',
      enrichment_type: ['email'],
      webhook_url: receiver.url('/crm'),
    });
    const id = String(accepted.body.enrichment_id);
    await alice.untilFinished(id);
    await stack.idle();
    const credits = (await alice.credits()).body;

    // Act
    const foreign = await bob.erase(id);
    const erased = await alice.erase(id);

    // Assess
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ code: 'not_found', message: 'No enrichment with this id.' });
    expect(erased.status).toBe(204);
    expect(erased.text).toBe('');
    expect((await alice.contact(id)).status).toBe(404);
    expect((await alice.erase(id)).status).toBe(404);
    expect((await alice.credits()).body).toEqual(credits);
    const ledger = await alice.ledger({ limit: 200 });
    expect(ledger.body.entries.reduce((sum, entry) => sum + Number(entry.balance_delta), 0)).toBe(
      credits.balance,
    );
    expect(ledger.body.entries.reduce((sum, entry) => sum + Number(entry.reserved_delta), 0)).toBe(0);
  });

  it('cancels a pending enrichment: the reservation comes back, nothing is charged, no webhook is sent', async () => {
    // Prepare
    const before = (await alice.credits()).body;
    const accepted = await alice.enrich({
      firstname: 'Jane',
      lastname: 'Slow-Cancelled',
      domain: 'acme.com',
      linkedin_url: 'linkedin.com/in/jane-slow-cancelled',
      enrichment_type: ['email', 'phone'],
      webhook_url: receiver.url('/crm'),
    });
    expect(accepted.status).toBe(202);
    const id = String(accepted.body.enrichment_id);
    expect((await alice.credits()).body.reserved).toBe(11);

    // Act
    const erased = await alice.erase(id);
    await stack.idle();

    // Assess
    expect(erased.status).toBe(204);
    expect((await alice.contact(id)).status).toBe(404);
    expect((await alice.credits()).body).toEqual(before);
    expect(receiver.deliveries).toEqual([]);
  });

  it('never retries the webhook of an enrichment erased after a failed delivery', async () => {
    // Prepare
    receiver.respond = replies({ status: 503 });
    const accepted = await alice.enrich({
      firstname: 'Jane',
      lastname: 'Retried',
      domain: 'acme.com',
      enrichment_type: ['email'],
      webhook_url: receiver.url('/crm'),
    });
    const id = String(accepted.body.enrichment_id);
    await until(() => receiver.deliveries.length === 1);

    // Act
    expect((await alice.erase(id)).status).toBe(204);
    await stack.idle();

    // Assess
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('does not enrich a person the operator put on the suppression list, and charges nothing', async () => {
    // Prepare
    const listed = await runAdmin(
      ['suppressions', 'add', '--linkedin-url', 'https://www.LinkedIn.com/in/Jane-Objects/', '--by', 'dpo'],
      target,
    );
    expect(listed).toMatchObject({ value: 'https://www.linkedin.com/in/jane-objects', status: 'added' });
    const before = (await alice.credits()).body;

    // Act
    const accepted = await alice.enrich({
      firstname: 'Jane',
      lastname: 'Objects',
      domain: 'acme.com',
      linkedin_url: 'linkedin.com/in/jane-objects',
      enrichment_type: ['email'],
    });
    const { finished } = await alice.untilFinished(String(accepted.body.enrichment_id));

    // Assess
    expect(finished.body).toMatchObject({
      results: { email: null },
      credits_used: 0,
      waterfall: [
        {
          type: 'email',
          provider: 'suppression-list',
          outcome: 'not_found',
          duration_ms: 0,
          detail: 'suppressed',
        },
      ],
    });
    expect((await alice.credits()).body).toEqual(before);
    expect(await runAdmin(['suppressions', 'list'], target)).toEqual({
      count: 1,
      suppressions: [
        {
          kind: 'linkedin_url',
          value: 'https://www.linkedin.com/in/jane-objects',
          added_at: expect.any(String),
          added_by: 'dpo',
        },
      ],
    });
  });
});
