/**
 * POST /contacts/{id}/feedback on the real waterfall and DynamoDB Local: concurrent identical feedbacks refund
 * once, the ledger still sums to the balance, a transaction cancelled half-way leaves nothing written, and a bad
 * result leaves the results cache only while the cache still holds it.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoFeedbackStore } from '../../../functions/adapters/dynamodb/feedback-store';
import { DynamoLedger } from '../../../functions/adapters/dynamodb/ledger';
import { keys } from '../../../functions/adapters/dynamodb/keys';
import { DynamoResultCache } from '../../../functions/adapters/dynamodb/result-cache-store';
import { feedbackHandler } from '../../../functions/composition';
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import { cacheIdentities, cacheOwner } from '../../../functions/domain/enrichment/result-cache';
import { localRuntime } from '../../../local/compose';
import { apiEvent, lambdaContext } from '../../support/api-events';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

const PERSON = {
  firstname: 'Oriane',
  lastname: 'Bellefeuille',
  domain: 'ob-feedback.com',
  linkedin_url: 'https://www.linkedin.com/in/oriane-bellefeuille',
  phone_country_codes: ['FR'],
};

type Handler = (event: ReturnType<typeof apiEvent>, context: typeof lambdaContext) => Promise<unknown>;

function sendFeedback(handler: Handler, accountId: string, id: string, body: unknown) {
  return handler(
    apiEvent({
      method: 'POST',
      path: `/contacts/${id}/feedback`,
      resource: '/contacts/{id}/feedback',
      pathParameters: { id },
      accountId,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
    lambdaContext,
  ) as Promise<{ statusCode: number; body: string }>;
}

/** Every entry of the account's ledger, read page by page as a client reads it. */
async function ledgerEntries(product: TestProduct, accountId: string) {
  const ledger = new DynamoLedger(product.table.db, product.table.tableName);
  const entries = [];
  let cursor: string | undefined;
  do {
    const page = await ledger.ledgerPage(accountId, { limit: 2, ...(cursor ? { cursor } : {}) });
    entries.push(...page.entries);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return entries;
}

async function item(db: DynamoDBDocumentClient, tableName: string, key: Record<string, string>) {
  return (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

describe('Handler: feedback (DynamoDB Local, results cache on)', () => {
  let product: TestProduct;
  let account: TestAccount;

  beforeAll(async () => {
    product = await createTestProduct({ traffic: { resultCache: { days: 30, scope: 'account' } } });
    account = await product.createAccount({ balance: 100 });
  });
  afterAll(() => product.close());

  async function finishedEnrichment(): Promise<ContactView> {
    const accepted = await product.post(account.accountId, {
      ...PERSON,
      enrichment_type: ['email', 'phone'],
    });
    expect(accepted.statusCode).toBe(202);
    const { enrichment_id: id } = JSON.parse(accepted.body) as { enrichment_id: string };
    await product.product.workflow.idle();
    const view = JSON.parse((await product.get(account.accountId, id)).body) as ContactView;
    expect(view.status).toBe('finished');
    return view;
  }

  const feedback = (id: string, body: unknown) =>
    sendFeedback(product.product.handlers['feedback'] as Handler, account.accountId, id, body);

  it('refunds exactly once for 10 concurrent identical feedbacks, and the ledger still sums to the balance', async () => {
    // Prepare
    const view = await finishedEnrichment();
    const emailCharge = view.credits_used - 10; // the phone list costs 10 at the sandbox's default prices
    expect(emailCharge).toBe(1);
    const before = await product.credits(account.accountId);
    const { db, tableName } = product.table;
    const owner = cacheOwner('account', account.accountId);
    const emailCache = cacheIdentities(view, 'email').map((identity) => keys.cache(identity, owner, 'email'));
    expect(await item(db, tableName, emailCache[0]!)).toBeDefined();

    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => feedback(view.enrichment_id, { email: 'bounced' })),
    );

    // Assess
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(10).fill(200));
    for (const answer of answers) {
      expect(JSON.parse(answer.body)).toMatchObject({
        feedback: { email: { outcome: 'bounced' } },
        credits_refunded: 1,
      });
    }
    const after = await product.credits(account.accountId);
    expect(after).toEqual({ balance: before.balance + 1, reserved: 0, available: before.available + 1 });
    const entries = await ledgerEntries(product, account.accountId);
    expect(entries.filter((entry) => entry.kind === 'refund')).toEqual([
      {
        at: expect.any(String),
        kind: 'refund',
        balance_delta: 1,
        reserved_delta: 0,
        enrichment_id: view.enrichment_id,
      },
    ]);
    expect(entries.reduce((sum, entry) => sum + entry.balance_delta, 0)).toBe(after.balance);
    expect(entries.reduce((sum, entry) => sum + entry.reserved_delta, 0)).toBe(0);
    const day = new Date().toISOString().slice(0, 10);
    expect(await item(db, tableName, keys.usage(account.accountId, day))).toMatchObject({
      credits_refunded: 1,
    });
    const stats = await item(
      db,
      tableName,
      keys.providerStats('sandbox-primary', view.finished_at!.slice(0, 10)),
    );
    expect(stats?.['bounces#email']).toBe(1);
    for (const key of emailCache) expect(await item(db, tableName, key)).toBeUndefined();
    // The phones were not reported on: their cached find stays.
    const phoneCache = keys.cache(cacheIdentities(view, 'phone')[0]!, owner, 'phone');
    expect(await item(db, tableName, phoneCache)).toBeDefined();
  });

  it('leaves nothing written when the transaction is cancelled, and refunds once when sent again', async () => {
    // Prepare: a ledger entry lands at the refund's key between the decision and its write.
    const view = await finishedEnrichment();
    const before = await product.credits(account.accountId);
    const { db, tableName } = product.table;
    let injected = 0;
    let collision: Record<string, unknown> | undefined;
    const faulty = {
      send: async (command: {
        input: { TransactItems?: Array<Record<string, { Item?: Record<string, unknown> }>> };
      }) => {
        const refundPut = command.input.TransactItems?.find(
          (entry) => entry.Put?.Item?.kind === 'refund',
        )?.Put;
        if (refundPut && injected === 0) {
          injected++;
          collision = { PK: refundPut.Item!.PK, SK: refundPut.Item!.SK };
          await db.send(new PutCommand({ TableName: tableName, Item: { ...collision, type: 'collision' } }));
        }
        return db.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const handler = feedbackHandler(localRuntime({ db: faulty, tableName })) as unknown as Handler;
    const body = {
      phones: view.results!.phones!.map((p) => ({ number: p.number, outcome: 'wrong_number' })),
    };

    // Act
    const failed = await sendFeedback(handler, account.accountId, view.enrichment_id, body);

    // Assess: a 500, and neither the record, the account, the ledger, the counters nor the cache moved.
    expect(failed.statusCode).toBe(500);
    expect(injected).toBe(1);
    const record = JSON.parse((await product.get(account.accountId, view.enrichment_id)).body) as ContactView;
    expect(record).toMatchObject({ feedback: null, credits_refunded: 0 });
    expect(await product.credits(account.accountId)).toEqual(before);
    const refunds = (await ledgerEntries(product, account.accountId)).filter(
      (entry) => entry.kind === 'refund' && entry.enrichment_id === view.enrichment_id,
    );
    expect(refunds).toEqual([]);
    const stats = await item(
      db,
      tableName,
      keys.providerStats('sandbox-primary', view.finished_at!.slice(0, 10)),
    );
    expect(stats?.['bounces#phone']).toBeUndefined();
    const phoneCache = keys.cache(
      cacheIdentities(view, 'phone')[0]!,
      cacheOwner('account', account.accountId),
      'phone',
    );
    expect(await item(db, tableName, phoneCache)).toBeDefined();
    await db.send(new DeleteCommand({ TableName: tableName, Key: collision }));

    // Act: sent again, the fault gone.
    const retried = await sendFeedback(handler, account.accountId, view.enrichment_id, body);

    // Assess
    expect(retried.statusCode).toBe(200);
    expect(JSON.parse(retried.body)).toMatchObject({ credits_refunded: 10 });
    expect(await product.credits(account.accountId)).toMatchObject({ balance: before.balance + 10 });
    const entries = await ledgerEntries(product, account.accountId);
    const balance = entries.reduce((sum, entry) => sum + entry.balance_delta, 0);
    expect(entries.filter((e) => e.kind === 'refund' && e.enrichment_id === view.enrichment_id)).toHaveLength(
      1,
    );
    expect(await item(db, tableName, phoneCache)).toBeUndefined();
    expect(balance).toBe(before.balance + 10);
  });

  it('drops a bad result from the cache only while the cache still holds it: a newer find stays', async () => {
    // Prepare: since the enrichment, a newer find of the email (under its LinkedIn identity) and of the phones
    // was cached; the name-at-domain identity still holds the email that will bounce.
    const view = await finishedEnrichment();
    const { db, tableName } = product.table;
    const cache = new DynamoResultCache(db, tableName);
    const owner = cacheOwner('account', account.accountId);
    const [linkedinEmail, nameEmail] = cacheIdentities(view, 'email');
    const [linkedinPhone] = cacheIdentities(view, 'phone');
    const foundAt = new Date().toISOString();
    const expires = new Date(Date.now() + 86_400_000);
    const newerEmail = { value: 'o.bellefeuille@ob-feedback.com', status: 'valid' as const, provider: 'x' };
    const newerPhones = [{ number: '+33611111111', country: 'FR', type: 'mobile' as const, provider: 'x' }];
    await cache.store(
      owner,
      [linkedinEmail!],
      { type: 'email', result: newerEmail, found_at: foundAt },
      expires,
    );
    await cache.store(
      owner,
      [linkedinPhone!],
      { type: 'phone', result: newerPhones, found_at: foundAt },
      expires,
    );
    const cached = (identity: string, type: 'email' | 'phone') =>
      item(db, tableName, keys.cache(identity, owner, type));
    expect((await cached(nameEmail!, 'email'))?.result).toMatchObject({ value: view.results!.email!.value });

    // Act: the late feedback on the older results.
    const answer = await feedback(view.enrichment_id, {
      email: 'bounced',
      phones: view.results!.phones!.map((p) => ({ number: p.number, outcome: 'wrong_number' })),
    });

    // Assess: the feedback is whole; the newer finds stay, the bounced email leaves.
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ credits_refunded: view.credits_used });
    expect((await cached(linkedinEmail!, 'email'))?.result).toEqual(newerEmail);
    expect((await cached(linkedinPhone!, 'phone'))?.result).toEqual(newerPhones);
    expect(await cached(nameEmail!, 'email')).toBeUndefined();
  });

  it('answers the feedback with its refund when the cache drop fails, the item left as it was', async () => {
    // Prepare: every read of the results cache fails.
    const view = await finishedEnrichment();
    const { db, tableName } = product.table;
    const failing = {
      send: async (command: { constructor: { name: string }; input: { Key?: { PK?: string } } }) => {
        if (command.constructor.name === 'GetCommand' && command.input.Key?.PK?.startsWith('CACHE#')) {
          throw Object.assign(new Error('internal'), { name: 'InternalServerError' });
        }
        return db.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const handler = feedbackHandler(localRuntime({ db: failing, tableName })) as unknown as Handler;
    const before = await product.credits(account.accountId);
    const owner = cacheOwner('account', account.accountId);
    const emailCache = cacheIdentities(view, 'email').map((identity) => keys.cache(identity, owner, 'email'));
    const cachedBefore = await Promise.all(emailCache.map((key) => item(db, tableName, key)));
    expect(cachedBefore.some((cached) => cached !== undefined)).toBe(true);

    // Act
    const answer = await sendFeedback(handler, account.accountId, view.enrichment_id, { email: 'bounced' });

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      feedback: { email: { outcome: 'bounced' } },
      credits_refunded: 1,
    });
    expect(await product.credits(account.accountId)).toMatchObject({ balance: before.balance + 1 });
    expect(await Promise.all(emailCache.map((key) => item(db, tableName, key)))).toEqual(cachedBefore);
  });

  it('keeps a find stored between its read and its delete', async () => {
    // Prepare: the bad email cached; a newer find replaces it right after the drop has read it.
    const { db, tableName } = product.table;
    const owner = cacheOwner('account', account.accountId);
    const identity = 'race-identity';
    const bad = { value: 'bad@ob-feedback.com', status: 'valid' as const, provider: 'x' };
    const newer = { value: 'good@ob-feedback.com', status: 'valid' as const, provider: 'x' };
    const expires = new Date(Date.now() + 86_400_000);
    const plain = new DynamoResultCache(db, tableName);
    await plain.store(
      owner,
      [identity],
      { type: 'email', result: bad, found_at: '2026-12-01T10:00:00.000Z' },
      expires,
    );
    const racing = {
      send: async (command: { constructor: { name: string } }) => {
        const answer = await db.send(command as never);
        if (command.constructor.name === 'GetCommand') {
          await plain.store(
            owner,
            [identity],
            { type: 'email', result: newer, found_at: '2026-12-02T10:00:00.000Z' },
            expires,
          );
        }
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    const find = { identity, owner, type: 'email' as const, values: [bad.value] };

    // Act
    const raced = await new DynamoResultCache(racing, tableName).forgetBad(find);
    const again = await plain.forgetBad(find);

    // Assess: nothing deleted, the newer find kept, and it does not hold the bad value.
    expect([raced, again]).toEqual([false, false]);
    expect((await item(db, tableName, keys.cache(identity, owner, 'email')))?.result).toEqual(newer);
  });

  it('adds the bounces of one provider and day in one update, and writes nothing from a stale version', async () => {
    // Prepare
    const view = await finishedEnrichment();
    const { db, tableName } = product.table;
    const store = new DynamoFeedbackStore(db, tableName);
    const day = '2026-11-30';
    const write = {
      accountId: account.accountId,
      enrichmentId: view.enrichment_id,
      version: 0,
      feedback: { email: { outcome: 'bounced' as const, at: new Date().toISOString(), counted: true } },
      refund: null,
      bounces: [
        { provider: 'stats-hunter', day, type: 'email' as const },
        { provider: 'stats-hunter', day, type: 'phone' as const },
        { provider: 'stats-hunter', day, type: 'phone' as const },
        { provider: 'stats-prospeo', day, type: 'phone' as const },
      ],
      uncache: [],
    };

    // Act
    const written = await store.recordFeedback(write);
    const stale = await store.recordFeedback(write);

    // Assess
    expect([written, stale]).toEqual([true, false]);
    expect(await item(db, tableName, keys.providerStats('stats-hunter', day))).toMatchObject({
      'bounces#email': 1,
      'bounces#phone': 2,
    });
    expect(await item(db, tableName, keys.providerStats('stats-prospeo', day))).toMatchObject({
      'bounces#phone': 1,
    });
    expect((await store.getContact(account.accountId, view.enrichment_id))?.feedback_version).toBe(1);
  });
});
