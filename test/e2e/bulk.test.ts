/**
 * Bulk enrichment end to end, over real HTTP against a started local stack: POST /contacts/enrich/bulk,
 * GET /batches/{id}, each contact an ordinary enrichment, and the batch webhook verified as a receiver would.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ApiClient, type HttpAnswer } from '../support/http-client';
import { WebhookReceiver } from '../integration/webhooks/receiver';

interface Created {
  account_id: string;
  api_key: string;
  webhook_secret: string;
}

interface Batch {
  batch_id: string;
  status: 'pending' | 'finished';
  custom: Record<string, unknown>;
  finished_at: string | null;
  counts: { total: number; pending: number; finished: number };
  credits_used: number;
  contacts: Array<
    Record<string, unknown> & { enrichment_id: string; lastname: string; credits_used: number }
  >;
}

interface Accepted {
  batch_id: string;
  status: string;
  custom: Record<string, unknown>;
  contacts: Array<{ enrichment_id: string; firstname: string; lastname: string; status: string }>;
}

const contact = (lastname: string, extra: Record<string, unknown> = {}) => ({
  firstname: 'Jane',
  lastname,
  domain: 'acme.com',
  enrichment_type: ['email'],
  ...extra,
});

describe('Local stack: bulk enrichment over HTTP', () => {
  let stack: LocalStack;
  let admin: AccountAdministration;
  let db: ReturnType<typeof createDocumentClient>;
  let receiver: WebhookReceiver;
  let api: ApiClient;
  let account: Created;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      tableName: `e2e-bulk-${Date.now()}`,
      fastWaitsMs: 5,
      webhookRetrySchedule: [0.2, 0.2, 0.2],
    });
    db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
    admin = new AccountAdministration(new DynamoAccountAdminStore(db, stack.tableName), systemClock);
    account = await newAccount(1_000, true);
    api = new ApiClient(stack.apiUrl, account.api_key);
    receiver = new WebhookReceiver();
    receiver.secret = account.webhook_secret;
    await receiver.start();
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
    await receiver.stop();
    db.destroy();
  });

  beforeEach(() => receiver.reset());

  function newAccount(credits: number, personalEmailConsent = false): Promise<Created> {
    return admin.create({ name: 'E2E bulk', credits, personalEmailConsent, phoneCountryCodes: null });
  }

  const bulk = (client: ApiClient, body: unknown, headers?: Record<string, string>) =>
    client.bulk<Accepted>(body, headers);

  const batch = (client: ApiClient, id: string) => client.batch<Batch>(id);

  /** Polls GET /batches/{id} as its Retry-After suggests (scaled down) until the batch is finished. */
  async function untilFinished(client: ApiClient, id: string) {
    const pending: Array<HttpAnswer<Batch>> = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await batch(client, id);
      if (answer.body.status === 'finished') return { finished: answer, pending };
      pending.push(answer);
      if (Date.now() > deadline) throw new Error(`batch ${id} still pending`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Every item of the account's partition, by kind (the SK prefix). */
  async function itemsOf(accountId: string): Promise<Record<string, Array<Record<string, unknown>>>> {
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}` },
        ConsistentRead: true,
      }),
    );
    const groups: Record<string, Array<Record<string, unknown>>> = {};
    for (const item of Items) (groups[String(item.SK).split('#')[0] || 'ACCOUNT'] ??= []).push(item);
    return groups;
  }

  it('accepts a batch in request order and finishes each contact as an ordinary enrichment', async () => {
    // Prepare
    const own = await newAccount(100, true);
    const client = api.withKey(own.api_key);
    const contacts = [
      contact('Found', {
        enrichment_type: ['email', 'phone'],
        linkedin_url: 'linkedin.com/in/jane-found',
        phone_country_codes: ['FR'],
      }),
      contact('Nobody'),
      contact('Flaky', { custom: { row: 3 } }),
      contact('Slowpoke'),
      contact('Personal', { enrichment_type: ['personal_email'], linkedin_url: 'linkedin.com/in/jane-p' }),
    ];

    // Act
    const accepted = await bulk(client, { contacts, custom: { import: 'november' } });
    const { finished, pending } = await untilFinished(client, accepted.body.batch_id);

    // Assess
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/batches/${accepted.body.batch_id}`);
    expect(accepted.body.contacts.map((c) => c.lastname)).toEqual(contacts.map((c) => c.lastname));
    expect(pending.length).toBeGreaterThan(0);
    for (const answer of pending) expect(answer.headers.get('retry-after')).toBe('2');
    expect(finished.headers.get('retry-after')).toBeNull();
    expect(finished.body).toMatchObject({
      status: 'finished',
      custom: { import: 'november' },
      counts: { total: 5, pending: 0, finished: 5 },
    });
    // Credits settled per contact (found types only), summed on the batch.
    expect(finished.body.contacts.map((c) => [c.lastname, c.credits_used])).toEqual([
      ['Found', 11],
      ['Nobody', 0],
      ['Flaky', 1],
      ['Slowpoke', 1],
      ['Personal', 3],
    ]);
    expect(finished.body.credits_used).toBe(16);
    for (const [index, { enrichment_id: id }] of accepted.body.contacts.entries()) {
      expect((await client.contact(id)).body).toEqual(finished.body.contacts[index]);
    }
    expect((await client.credits()).body).toEqual({ balance: 84, reserved: 0, available: 84 });
    const ledger = await client.ledger({ limit: 200 });
    expect(ledger.body.entries.reduce((sum, e) => sum + Number(e.balance_delta), 0)).toBe(84);
    expect(ledger.body.entries.reduce((sum, e) => sum + Number(e.reserved_delta), 0)).toBe(0);
  });

  it('sends the batch webhook once every contact has finished, signed, its body GET /batches/{id}', async () => {
    // Act
    const accepted = await bulk(api, {
      contacts: [contact('Doe'), contact('Nobody'), contact('Roe')],
      webhook_url: receiver.url('/batch'),
    });
    const { finished } = await untilFinished(api, accepted.body.batch_id);
    await stack.idle();

    // Assess
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(delivery!.path).toBe('/batch');
    expect(delivery!.headers['webhook-id']).toBe(`msg_${accepted.body.batch_id}`);
    expect(delivery!.verified).toEqual({ ok: true, payload: finished.body });
  });

  it('sends the batch webhook exactly once when 100 contacts finish at once, each with its own webhook too', async () => {
    // Prepare
    const contacts = Array.from({ length: 100 }, (_, i) =>
      contact(`Doe${i}`, i % 10 === 0 ? { webhook_url: receiver.url(`/contact/${i}`) } : {}),
    );

    // Act
    const started = Date.now();
    const accepted = await bulk(api, { contacts, webhook_url: receiver.url('/batch') });
    const { finished } = await untilFinished(api, accepted.body.batch_id);
    await stack.idle();

    // Assess
    expect(accepted.status).toBe(202);
    expect(finished.body.counts).toEqual({ total: 100, pending: 0, finished: 100 });
    expect(finished.body.credits_used).toBe(100);
    const toBatch = receiver.deliveries.filter((d) => d.path === '/batch');
    expect(toBatch).toHaveLength(1);
    expect(toBatch[0]!.verified.ok).toBe(true);
    expect(receiver.deliveries.filter((d) => d.path.startsWith('/contact/'))).toHaveLength(10);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('leaves nothing in the table for a rejected batch: 400, 422, 402, 413', async () => {
    // Prepare
    const poor = await newAccount(2);
    const client = api.withKey(poor.api_key);

    // Act
    const invalid = await bulk(client, {
      contacts: [contact('A'), contact('B', { linkedin_url: 'example.com/in/b' }), contact('C')],
    });
    const consent = await bulk(client, {
      contacts: [
        contact('A', { enrichment_type: ['personal_email'], linkedin_url: 'linkedin.com/in/jane-a' }),
      ],
    });
    const credits = await bulk(client, { contacts: [contact('A'), contact('B'), contact('C')] });
    const tooLarge = await bulk(client, {
      contacts: [contact('A', { custom: { pad: 'x'.repeat(1024 * 1024) } })],
    });

    // Assess
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      code: 'validation_error',
      errors: [{ path: 'contacts[1].linkedin_url', message: expect.any(String) }],
    });
    expect(consent.status).toBe(422);
    expect(credits.status).toBe(402);
    expect(tooLarge.status).toBe(413);
    const items = await itemsOf(poor.account_id);
    expect(items.CONTACT ?? []).toHaveLength(0);
    expect(items.BATCH ?? []).toHaveLength(0);
    expect(items.IDEMPOTENCY ?? []).toHaveLength(0);
    expect((items.LEDGER ?? []).filter((entry) => entry.kind !== 'grant')).toHaveLength(0);
    expect((await client.credits()).body).toEqual({ balance: 2, reserved: 0, available: 2 });
  });

  it('replays the first answer for the same Idempotency-Key and body, and answers 409 for another body', async () => {
    // Prepare
    const body = { contacts: [contact('Doe'), contact('Roe')] };
    const first = await bulk(api, body, { 'Idempotency-Key': 'bulk-import-1' });

    // Act
    const again = await bulk(api, body, { 'Idempotency-Key': 'bulk-import-1' });
    const other = await bulk(api, { contacts: [contact('Poe')] }, { 'Idempotency-Key': 'bulk-import-1' });

    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.text).toBe(first.text);
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'idempotency_conflict' });
    const batches = ((await itemsOf(account.account_id)).BATCH ?? []).filter(
      (item) => item.batch_id === first.body.batch_id && item.type === 'batch',
    );
    expect(batches).toHaveLength(1);
  });

  it("answers 404 for another account's batch and its contacts", async () => {
    // Prepare
    const accepted = await bulk(api, { contacts: [contact('Doe')] });
    const other = api.withKey((await newAccount(10)).api_key);

    // Act
    const foreignBatch = await batch(other, accepted.body.batch_id);
    const foreignContact = await other.contact(accepted.body.contacts[0]!.enrichment_id);

    // Assess
    expect(foreignBatch.status).toBe(404);
    expect(foreignBatch.body).toMatchObject({ code: 'not_found' });
    expect(foreignContact.status).toBe(404);
  });

  it('answers 401 without an API key on both routes', async () => {
    // Act
    const post = await bulk(api.withKey(undefined), { contacts: [contact('Doe')] });
    const get = await batch(api.withKey(undefined), '01M8DP46VW2M7V64XE7RRVRKP9');

    // Assess
    expect(post.status).toBe(401);
    expect(get.status).toBe(401);
  });
});
