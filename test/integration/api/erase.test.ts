/**
 * DELETE /contacts/{id} on the real waterfall and DynamoDB Local: every copy of the person's data goes, a
 * pending enrichment is cancelled (nothing charged, reservation released, no webhook), the ledger stays.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountStore } from '../../../functions/adapters/dynamodb/account-store';
import { DynamoWebhookStore } from '../../../functions/adapters/dynamodb/webhook-store';
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import { DeliverWebhook } from '../../../functions/domain/webhooks/deliver-webhook';
import type { SendOutcome } from '../../../functions/domain/ports/webhooks';
import { retryScheduleFrom } from '../../../functions/domain/webhooks/retry-schedule';
import type { WaterfallSettings } from '../../../functions/domain/enrichment/waterfall-settings';
import type { ContactQuery, Provider, ProviderAnswer } from '../../../functions/providers/provider';
import { apiEvent, lambdaContext } from '../../support/api-events';
import type { TestTable } from '../../support/dynamo';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

/** A person no other test enriches: each value is searched for in every item of the table afterwards. */
const PERSON = {
  firstname: 'Zephyrine',
  lastname: 'Quillfeather',
  domain: 'zq-erasure.com',
  linkedin_url: 'https://www.linkedin.com/in/Zephyrine-Quillfeather/',
  custom: { crm_id: 'crm-zq-4711' },
};
const TRACES = [
  'zephyrine',
  'quillfeather',
  'zq-erasure.com',
  'crm-zq-4711',
  'hooks.example.com/zq',
  '"+33', // the sandbox's phone in France
];

function erase(product: TestProduct, accountId: string, id: string) {
  return product.product.handlers['erase-contact'](
    apiEvent({
      method: 'DELETE',
      path: `/contacts/${id}`,
      resource: '/contacts/{id}',
      pathParameters: { id },
      accountId,
    }),
    lambdaContext,
  );
}

/** Every item of the table, as text, that mentions any of the person's values. */
async function itemsMentioningThePerson(table: TestTable): Promise<string[]> {
  const found: string[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      const text = JSON.stringify(item).toLowerCase();
      if (TRACES.some((trace) => text.includes(trace))) found.push(text);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return found;
}

/** The account's ledger: the kinds of its entries, and what they sum to. */
async function ledgerOf(product: TestProduct, accountId: string) {
  const entries = await product.product.accounts.ledger(accountId);
  return {
    kinds: entries.map((entry) => entry.kind).sort(),
    balance: entries.reduce((sum, entry) => sum + entry.balance_delta, 0),
    reserved: entries.reduce((sum, entry) => sum + entry.reserved_delta, 0),
  };
}

async function accepted(response: { statusCode: number; body: string }): Promise<string> {
  expect(response.statusCode).toBe(202);
  return (JSON.parse(response.body) as { enrichment_id: string }).enrichment_id;
}

describe('Handler: erase contact (finished enrichments, results cache on)', () => {
  let product: TestProduct;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    product = await createTestProduct({ traffic: { resultCache: { days: 30, scope: 'account' } } });
    alice = await product.createAccount({ balance: 100, personal_email_consent: true });
    bob = await product.createAccount({ balance: 100, personal_email_consent: true });
  });
  afterAll(() => product.close());

  it('answers 204, then 404 to GET and to a second DELETE, and leaves no item holding the person’s data', async () => {
    // Prepare
    const id = await accepted(
      await product.post(
        alice.accountId,
        {
          ...PERSON,
          enrichment_type: ['email', 'phone', 'personal_email'],
          phone_country_codes: ['FR'],
          webhook_url: 'https://hooks.example.com/zq',
        },
        { 'Idempotency-Key': 'zq-first-request' },
      ),
    );
    await product.product.workflow.idle();
    const finished = JSON.parse((await product.get(alice.accountId, id)).body) as ContactView;
    expect(finished.status).toBe('finished');
    expect(finished.results?.email?.value).toBe('zephyrine.quillfeather@zq-erasure.com');
    // The record, its cached finds and the idempotency record all hold the person's data before the erasure.
    expect((await itemsMentioningThePerson(product.table)).length).toBeGreaterThanOrEqual(3);
    const before = await product.credits(alice.accountId);

    // Act
    const erased = await erase(product, alice.accountId, id);

    // Assess
    expect(erased.statusCode).toBe(204);
    expect(erased.body).toBe('');
    expect((await product.get(alice.accountId, id)).statusCode).toBe(404);
    expect((await erase(product, alice.accountId, id)).statusCode).toBe(404);
    expect(await itemsMentioningThePerson(product.table)).toEqual([]);
    expect(await product.credits(alice.accountId)).toEqual(before);
    expect(await ledgerOf(product, alice.accountId)).toEqual({
      kinds: ['charge', 'grant', 'release', 'reserve'],
      balance: before.balance,
      reserved: 0,
    });
  });

  it('skips a webhook still queued for an erased enrichment: its message carries ids only', async () => {
    // Prepare
    const id = await accepted(
      await product.post(alice.accountId, {
        ...PERSON,
        enrichment_type: ['email'],
        webhook_url: 'https://hooks.example.com/zq',
      }),
    );
    await product.product.workflow.idle();
    const message = product.webhooks.messages.find((queued) => queued.enrichment_id === id);
    expect(message).toEqual({ account_id: alice.accountId, enrichment_id: id });
    const send = jest.fn(async (): Promise<SendOutcome> => ({
      kind: 'response',
      status: 200,
      retryAfter: undefined,
    }));
    const deliver = new DeliverWebhook({
      webhooks: new DynamoWebhookStore(product.table.db, product.table.tableName),
      accounts: new DynamoAccountStore(product.table.db, product.table.tableName),
      sender: { send },
      clock: { now: () => new Date() },
      schedule: retryScheduleFrom([1]),
    });
    expect((await erase(product, alice.accountId, id)).statusCode).toBe(204);

    // Act
    const outcome = await deliver.execute({ message: message!, attempt: 1 });

    // Assess
    expect(outcome).toEqual({ kind: 'skipped', reason: 'missing' });
    expect(send).not.toHaveBeenCalled();
  });

  it('forgets the cached finds of the person whichever account made them', async () => {
    // Prepare
    const alices = await accepted(
      await product.post(alice.accountId, { ...PERSON, enrichment_type: ['email'] }),
    );
    const bobs = await accepted(await product.post(bob.accountId, { ...PERSON, enrichment_type: ['email'] }));
    await product.product.workflow.idle();

    // Act
    expect((await erase(product, alice.accountId, alices)).statusCode).toBe(204);
    const again = await accepted(
      await product.post(bob.accountId, { ...PERSON, enrichment_type: ['email'] }),
    );
    await product.product.workflow.idle();

    // Assess
    expect((await product.get(bob.accountId, bobs)).statusCode).toBe(200);
    const view = JSON.parse((await product.get(bob.accountId, again)).body) as ContactView;
    expect(view.waterfall.map((step) => step.provider)).toEqual(['sandbox-primary']);
    expect(view.results?.email?.value).toBe('zephyrine.quillfeather@zq-erasure.com');
  });

  it("answers 404 for another account's enrichment and leaves it untouched", async () => {
    // Prepare
    const id = await accepted(await product.post(alice.accountId, { ...PERSON, enrichment_type: ['email'] }));
    await product.product.workflow.idle();

    // Act
    const response = await erase(product, bob.accountId, id);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ code: 'not_found', message: 'No enrichment with this id.' });
    expect((await product.get(alice.accountId, id)).statusCode).toBe(200);
  });

  it.each(['garbage', '01ARZ3NDEKTSV4RRFFQ69G5FAV'])('answers 404 for the id %s', async (id) => {
    // Act & Assess
    expect((await erase(product, alice.accountId, id)).statusCode).toBe(404);
  });
});

/**
 * A provider that answers only once the test opens it, so an erasure can land while it is being asked; contacts
 * whose last name starts with `Quick` are answered at once.
 */
class GateProvider implements Provider {
  readonly name = 'gate';
  readonly types = ['email'] as const;
  calls = 0;
  private opened = false;
  private waiting: Array<() => void> = [];
  private askedListeners: Array<() => void> = [];

  /** Resolves once the provider has been asked (and is waiting to be opened). */
  asked(): Promise<void> {
    return this.calls > 0 ? Promise.resolve() : new Promise((resolve) => this.askedListeners.push(resolve));
  }

  open(): void {
    this.opened = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  async find(contact: ContactQuery): Promise<ProviderAnswer> {
    const email = `${contact.firstname}.${contact.lastname}@zq-erasure.com`.toLowerCase();
    if (contact.lastname.startsWith('Quick')) return { kind: 'email', email, verdict: 'valid' };
    this.calls += 1;
    for (const resolve of this.askedListeners.splice(0)) resolve();
    if (!this.opened) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return { kind: 'email', email, verdict: 'valid' };
  }
}

describe('Handler: erase contact (pending enrichments)', () => {
  const GATED: WaterfallSettings = {
    order: { email: ['gate', 'sandbox-secondary'], phone: [], personal_email: [] },
    prices: {},
    verifier: null,
  };
  let gate: GateProvider;
  const finishes = new Map<string, unknown>();
  let product: TestProduct;
  let account: TestAccount;

  beforeEach(async () => {
    gate = new GateProvider();
    product = await createTestProduct({
      waterfall: GATED,
      extraProviders: { gate },
      onTaskResult: (task, input, output) => {
        if (task === 'RecordResult') finishes.set((input as { enrichment_id: string }).enrichment_id, output);
      },
    });
    account = await product.createAccount({ balance: 100 });
  });
  afterEach(() => product.close());

  it('cancels it: the reservation is released, nothing is charged, no webhook is queued, the waterfall stops', async () => {
    // Prepare
    const id = await accepted(
      await product.post(account.accountId, {
        ...PERSON,
        enrichment_type: ['email'],
        webhook_url: 'https://hooks.example.com/zq',
      }),
    );
    await gate.asked();
    expect(await product.credits(account.accountId)).toEqual({ balance: 100, reserved: 1, available: 99 });

    // Act
    const erased = await erase(product, account.accountId, id);
    gate.open(); // the provider finds the email after the erasure
    await product.product.workflow.idle();

    // Assess
    expect(erased.statusCode).toBe(204);
    expect((await product.get(account.accountId, id)).statusCode).toBe(404);
    expect(gate.calls).toBe(1);
    expect(finishes.get(id)).toEqual({ status: 'missing', credits_used: 0 });
    expect(product.webhooks.messages.filter((message) => message.enrichment_id === id)).toEqual([]);
    expect(await product.credits(account.accountId)).toEqual({ balance: 100, reserved: 0, available: 100 });
    expect(await ledgerOf(product, account.accountId)).toEqual({
      kinds: ['grant', 'release', 'reserve'],
      balance: 100,
      reserved: 0,
    });
    expect(await itemsMentioningThePerson(product.table)).toEqual([]);
  });

  it('answers 404 to a second DELETE while the waterfall is still running', async () => {
    // Prepare
    const id = await accepted(
      await product.post(account.accountId, { ...PERSON, enrichment_type: ['email'] }),
    );
    await gate.asked();
    expect((await erase(product, account.accountId, id)).statusCode).toBe(204);

    // Act
    const again = await erase(product, account.accountId, id);
    gate.open();
    await product.product.workflow.idle();

    // Assess
    expect(again.statusCode).toBe(404);
    expect(await product.credits(account.accountId)).toEqual({ balance: 100, reserved: 0, available: 100 });
  });

  it('finishes the batch of a cancelled contact without it, queuing the batch webhook once', async () => {
    // Prepare
    const response = await product.postBatch(account.accountId, {
      contacts: [
        { firstname: 'Jane', lastname: 'Quick', domain: 'acme.com', enrichment_type: ['email'] },
        { ...PERSON, enrichment_type: ['email'] },
      ],
      webhook_url: 'https://hooks.example.com/batch',
    });
    expect(response.statusCode).toBe(202);
    const batch = JSON.parse(response.body) as {
      batch_id: string;
      contacts: Array<{ enrichment_id: string }>;
    };
    const [quick, gated] = batch.contacts.map((contact) => contact.enrichment_id) as [string, string];
    await gate.asked();
    while (JSON.parse((await product.get(account.accountId, quick)).body).status !== 'finished') {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    // Act
    const erased = await erase(product, account.accountId, gated);
    gate.open();
    await product.product.workflow.idle();

    // Assess
    expect(erased.statusCode).toBe(204);
    const view = JSON.parse((await product.getBatch(account.accountId, batch.batch_id)).body);
    expect(view).toMatchObject({
      status: 'finished',
      counts: { total: 1, pending: 0, finished: 1 },
      credits_used: 1,
      contacts: [{ enrichment_id: quick }],
    });
    expect(product.webhooks.batchMessages).toEqual([
      { kind: 'batch', account_id: account.accountId, batch_id: batch.batch_id },
    ]);
    expect(await product.credits(account.accountId)).toEqual({ balance: 99, reserved: 0, available: 99 });
  });
});
