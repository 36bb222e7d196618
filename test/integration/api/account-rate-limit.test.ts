/**
 * The per-account rate limit against DynamoDB Local, through API Gateway-shaped events: the bucket is taken in the
 * reservation's transaction, so concurrent requests never admit more than it holds, and a request refused for
 * any reason writes nothing. The clock is frozen: the bucket does not refill while a test runs.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../../../functions/domain/clock';
import { itemsOfAccount } from '../../support/dynamo';
import { createTestProduct, type TestProduct } from '../../support/product';

const valid = { firstname: 'Jane', lastname: 'Doe', enrichment_type: ['email'], domain: 'acme.com' };
const bulkOf = (size: number) => ({ contacts: Array.from({ length: size }, () => valid) });

const RATE_LIMIT_HEADERS = [
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
  'RateLimit',
];

function headersOf(response: APIGatewayProxyResult): Record<string, string> {
  return response.headers as Record<string, string>;
}

describe('Account rate limit: accept routes against DynamoDB Local', () => {
  let product: TestProduct;
  let now = new Date('2026-12-07T10:00:00.000Z');
  const clock: Clock = { now: () => now };

  beforeAll(async () => {
    product = await createTestProduct({ clock, wrapWorkflow: () => ({ start: async () => undefined }) });
  });
  afterAll(() => product.close());

  async function bucketOf(accountId: string) {
    return (await product.product.accounts.getAccount(accountId))!.bucket_full_at;
  }

  it('admits exactly what the bucket holds out of 50 concurrent requests, and writes nothing for the others', async () => {
    // Prepare: 10 contacts a second, a bucket of 20
    const account = await product.createAccount({ balance: 100, rate_limit: 10 });

    // Act
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => product.post(account.accountId, valid)),
    );

    // Assess
    const accepted = responses.filter((response) => response.statusCode === 202);
    const refused = responses.filter((response) => response.statusCode === 429);
    expect(accepted).toHaveLength(20);
    expect(refused).toHaveLength(30);
    const items = await itemsOfAccount(product.table, account.accountId);
    expect(items.CONTACT).toHaveLength(20);
    expect((items.LEDGER ?? []).filter((entry) => entry.kind === 'reserve')).toHaveLength(20);
    expect(await product.credits(account.accountId)).toEqual({ balance: 100, reserved: 20, available: 80 });
    for (const response of refused) {
      expect(JSON.parse(response.body)).toMatchObject({ code: 'rate_limited' });
      expect(headersOf(response)).toMatchObject({
        'Retry-After': '1',
        'RateLimit-Limit': '10',
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': '2',
        'RateLimit-Policy': '"account";q=10;w=1',
        RateLimit: '"account";r=0;t=2',
      });
    }
    // Each 202 reports the bucket as its own request found it: concurrent ones cannot see each other.
    const remaining = accepted.map((response) => Number(headersOf(response)['RateLimit-Remaining']));
    expect(Math.max(...remaining)).toBeLessThanOrEqual(19);
    for (const response of accepted)
      expect(Object.keys(headersOf(response))).toEqual(expect.arrayContaining(RATE_LIMIT_HEADERS));
  });

  it('counts each contact of a bulk, and refuses one that does not fit without writing anything', async () => {
    // Prepare: 2 contacts a second, a bucket of 4
    const account = await product.createAccount({ balance: 100, rate_limit: 2 });

    // Act
    const first = await product.postBatch(account.accountId, bulkOf(3));
    const bucketAfterFirst = await bucketOf(account.accountId);
    const itemsAfterFirst = await itemsOfAccount(product.table, account.accountId);
    const second = await product.postBatch(account.accountId, bulkOf(2));
    const itemsAfterSecond = await itemsOfAccount(product.table, account.accountId);
    const single = await product.post(account.accountId, valid);

    // Assess
    expect(first.statusCode).toBe(202);
    expect(headersOf(first)).toMatchObject({
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '1',
      'RateLimit-Reset': '2',
    });
    expect(second.statusCode).toBe(429);
    expect(headersOf(second)).toMatchObject({ 'Retry-After': '1', 'RateLimit-Remaining': '1' });
    expect(itemsAfterSecond).toEqual(itemsAfterFirst);
    expect(single.statusCode).toBe(202);
    expect(headersOf(single)).toMatchObject({ 'RateLimit-Remaining': '0' });
    expect(await bucketOf(account.accountId)).toBe(bucketAfterFirst! + 500_000);
  });

  it('accepts a bulk larger than the bucket from a full one, and the debt refuses the next until paid', async () => {
    // Prepare: 1 contact a second, a bucket of 2
    const account = await product.createAccount({ balance: 100, rate_limit: 1 });

    // Act
    const bulk = await product.postBatch(account.accountId, bulkOf(5));
    const next = await product.post(account.accountId, valid);

    // Assess
    expect(bulk.statusCode).toBe(202);
    expect(headersOf(bulk)).toMatchObject({ 'RateLimit-Remaining': '0', 'RateLimit-Reset': '5' });
    expect(next.statusCode).toBe(429);
    expect(headersOf(next)).toMatchObject({ 'Retry-After': '4' });
  });

  it('costs nothing for a request refused for another reason (400, 402, 422)', async () => {
    // Prepare
    const broke = await product.createAccount({ balance: 0, rate_limit: 1 });

    // Act
    const invalid = await product.post(broke.accountId, { ...valid, enrichment_type: [] });
    const unaffordable = await product.post(broke.accountId, valid);
    const withoutConsent = await product.post(broke.accountId, {
      ...valid,
      linkedin_url: 'linkedin.com/in/jane-doe',
      enrichment_type: ['personal_email'],
    });
    const bulkUnaffordable = await product.postBatch(broke.accountId, bulkOf(2));

    // Assess
    expect([invalid, unaffordable, withoutConsent, bulkUnaffordable].map((r) => r.statusCode)).toEqual([
      400, 402, 422, 402,
    ]);
    expect(await bucketOf(broke.accountId)).toBeNull();
  });

  it('refills at the account rate as time passes', async () => {
    // Prepare
    const account = await product.createAccount({ balance: 100, rate_limit: 1 });
    await product.post(account.accountId, valid);
    await product.post(account.accountId, valid);
    const refused = await product.post(account.accountId, valid);

    // Act
    now = new Date(now.getTime() + Number(headersOf(refused)['Retry-After']) * 1000);
    const later = await product.post(account.accountId, valid);

    // Assess
    expect(refused.statusCode).toBe(429);
    expect(later.statusCode).toBe(202);
  });
});
