/** GET /account/ledger: the handler over DynamoDB Local, after real accepts and finishes. */
import type { LedgerEntry, LedgerPage } from '../../../functions/domain/credits/ledger';
import { apiEvent, lambdaContext } from '../../support/api-events';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

describe('Handler: ledger', () => {
  let product: TestProduct;
  let account: TestAccount;
  let other: TestAccount;

  const BODY = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] };

  beforeAll(async () => {
    product = await createTestProduct();
    account = await product.createAccount({ balance: 50 });
    other = await product.createAccount({ balance: 7 });
    for (const lastname of ['Doe', 'Nobody', 'Roe', 'Nobodyelse', 'Poe']) {
      const accepted = await product.post(account.accountId, { ...BODY, lastname });
      expect(accepted.statusCode).toBe(202);
    }
    await product.product.workflow.idle();
  });

  afterAll(() => product.close());

  async function page(accountId: string, query: Record<string, string> | null) {
    const event = apiEvent({
      method: 'GET',
      path: '/account/ledger',
      resource: '/account/ledger',
      accountId,
    });
    const response = await product.product.handlers['ledger'](
      { ...event, queryStringParameters: query },
      lambdaContext,
    );
    return { status: response.statusCode, body: JSON.parse(response.body) as LedgerPage & { code?: string } };
  }

  it('pages newest first, one page per cursor, summing to the balance and the reservation across pages', async () => {
    // Prepare
    const entries: LedgerEntry[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;

    // Act
    do {
      const answer = await page(account.accountId, cursor ? { limit: '3', cursor } : { limit: '3' });
      expect(answer.status).toBe(200);
      entries.push(...answer.body.entries);
      sizes.push(answer.body.entries.length);
      cursor = answer.body.next_cursor;
    } while (cursor);

    // Assess
    const credits = await product.credits(account.accountId);
    expect(credits).toEqual({ balance: 47, reserved: 0, available: 47 });
    expect(entries.reduce((sum, entry) => sum + entry.balance_delta, 0)).toBe(credits.balance);
    expect(entries.reduce((sum, entry) => sum + entry.reserved_delta, 0)).toBe(credits.reserved);
    // One grant, five reserves, three charges (found) and five releases.
    expect(entries).toHaveLength(14);
    expect(sizes).toEqual([3, 3, 3, 3, 2]);
    const times = entries.map((entry) => entry.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(entries[entries.length - 1]).toMatchObject({
      kind: 'grant',
      balance_delta: 50,
      enrichment_id: null,
    });
    expect(new Set(entries.map((e) => `${e.enrichment_id}#${e.kind}`)).size).toBe(entries.length);
  });

  it('answers 50 entries at most by default, and the last page with a null cursor', async () => {
    // Act
    const answer = await page(other.accountId, null);

    // Assess
    expect(answer).toEqual({
      status: 200,
      body: {
        entries: [
          { at: expect.any(String), kind: 'grant', balance_delta: 7, reserved_delta: 0, enrichment_id: null },
        ],
        next_cursor: null,
      },
    });
  });

  it.each(['0', '201', 'ten', '1.5', '', '0x10', '1e1', '+5', ' 5', '10.0'])(
    'answers 400 validation_error for limit=%j',
    async (limit) => {
      // Act
      const answer = await page(account.accountId, { limit });

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'validation_error', errors: [{ path: 'limit' }] });
    },
  );

  it("answers 400 for a tampered cursor and for another account's, never showing that account's entries", async () => {
    // Prepare
    const first = await page(account.accountId, { limit: '2' });
    const cursor = first.body.next_cursor!;
    const [pk, sk] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const foreign = Buffer.from(
      JSON.stringify([pk.replace(account.accountId, other.accountId), sk]),
    ).toString('base64url');

    // Act
    const answers = await Promise.all([
      page(other.accountId, { cursor }),
      page(account.accountId, { cursor: foreign }),
      page(account.accountId, { cursor: `${cursor.slice(0, -2)}!!` }),
      page(account.accountId, { cursor: Buffer.from('{"PK":"x"}').toString('base64url') }),
    ]);

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'validation_error', errors: [{ path: 'cursor' }] });
    }
  });
});
