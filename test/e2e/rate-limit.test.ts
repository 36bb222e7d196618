/**
 * The per-account rate limit over real HTTP against a started local stack: the RateLimit headers on the accept
 * routes' 202 and 429, Retry-After on the 429, the deployment's rate from ACCOUNT_RATE_LIMIT and an account's own
 * rate set by the operator.
 */
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ApiClient, type HttpAnswer } from '../support/http-client';

const contact = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] };

/** The figures of the RateLimit headers, once checked that the draft's structured fields carry the same. */
function rateLimitOf(answer: HttpAnswer) {
  const figure = (name: string) => Number(answer.headers.get(name));
  const figures = {
    limit: figure('RateLimit-Limit'),
    remaining: figure('RateLimit-Remaining'),
    reset: figure('RateLimit-Reset'),
  };
  expect(answer.headers.get('RateLimit-Policy')).toBe(`"account";q=${figures.limit};w=1`);
  expect(answer.headers.get('RateLimit')).toBe(`"account";r=${figures.remaining};t=${figures.reset}`);
  return figures;
}

describe('Local stack: the account rate limit over HTTP', () => {
  let stack: LocalStack;
  let admin: AccountAdministration;
  let db: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    // The deployment's rate, as the local stack reads it: one contact a second, a bucket of two.
    const before = process.env.ACCOUNT_RATE_LIMIT;
    process.env.ACCOUNT_RATE_LIMIT = '1';
    try {
      stack = await startLocalStack({
        port: 0,
        dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
        tableName: `e2e-rate-limit-${Date.now()}`,
        fastWaitsMs: 5,
      });
    } finally {
      if (before === undefined) delete process.env.ACCOUNT_RATE_LIMIT;
      else process.env.ACCOUNT_RATE_LIMIT = before;
    }
    db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
    admin = new AccountAdministration(new DynamoAccountAdminStore(db, stack.tableName), systemClock);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
    db.destroy();
  });

  async function newClient(): Promise<{ api: ApiClient; accountId: string }> {
    const created = await admin.create({
      name: 'Rate limited',
      credits: 1_000,
      personalEmailConsent: false,
      phoneCountryCodes: null,
    });
    return { api: new ApiClient(stack.apiUrl, created.api_key), accountId: created.account_id };
  }

  it('answers a bulk larger than the bucket 202 with its debt, then 429 with Retry-After until it is paid', async () => {
    // Prepare
    const { api } = await newClient();

    // Act
    const bulk = await api.request('POST', '/contacts/enrich/bulk', {
      body: { contacts: Array.from({ length: 5 }, () => contact) },
    });
    const single = await api.enrich(contact);
    const secondBulk = await api.request('POST', '/contacts/enrich/bulk', { body: { contacts: [contact] } });

    // Assess
    expect(bulk.status).toBe(202);
    expect(rateLimitOf(bulk)).toEqual({ limit: 1, remaining: 0, reset: 5 });
    expect(bulk.headers.get('RateLimit-Policy')).toBe('"account";q=1;w=1');
    expect(bulk.headers.get('RateLimit')).toBe('"account";r=0;t=5');
    for (const refused of [single, secondBulk]) {
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'rate_limited' });
      const retryAfter = Number(refused.headers.get('Retry-After'));
      expect(retryAfter).toBeGreaterThanOrEqual(3);
      expect(retryAfter).toBeLessThanOrEqual(4);
      expect(rateLimitOf(refused)).toMatchObject({ limit: 1, remaining: 0 });
    }
  });

  it("carries an account's own rate, set by the operator, on every 202", async () => {
    // Prepare
    const { api, accountId } = await newClient();
    await admin.set(accountId, { rate_limit: 50 });

    // Act
    const first = await api.enrich(contact);
    const bulk = await api.request('POST', '/contacts/enrich/bulk', {
      body: { contacts: [contact, contact] },
    });

    // Assess
    expect(first.status).toBe(202);
    expect(rateLimitOf(first)).toEqual({ limit: 50, remaining: 99, reset: 1 });
    expect(bulk.status).toBe(202);
    expect(rateLimitOf(bulk)).toMatchObject({ limit: 50, reset: 1 });
    expect(rateLimitOf(bulk).remaining).toBeGreaterThanOrEqual(97);
  });
});
