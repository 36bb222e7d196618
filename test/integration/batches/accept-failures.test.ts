/**
 * A batch accept that stops half-way, at each point of its course (README "Bulk enrichment"): before its commit
 * nothing exists; from the commit on, the sweeper or an Idempotency-Key replay carries it out, so every planned
 * contact is written once, run once and finished, the batch finishes with one webhook, and the ledger sums.
 */
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountStore } from '../../../functions/adapters/dynamodb/account-store';
import { DynamoBatchAcceptStore } from '../../../functions/adapters/dynamodb/batches/accept-store';
import { AcceptBatch } from '../../../functions/domain/batches/accept-batch';
import { PriceList } from '../../../functions/domain/credits/credits';
import type { BatchAcceptRepository } from '../../../functions/domain/ports/batches';
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import { itemsOfAccount } from '../../support/dynamo';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

class Stopped extends Error {
  constructor(where: string) {
    super(`the accept function stopped at ${where}`);
  }
}

/** Where the accept stops: the `call`-th call of `method`, before or after it reached DynamoDB or Step Functions. */
interface StopPoint {
  method: keyof BatchAcceptRepository | 'start';
  call: number;
  when: 'before' | 'after';
}

const POINTS: Array<[string, StopPoint]> = [
  ['the commit, after it was applied', { method: 'commitBatch', call: 1, when: 'after' }],
  ['the contact writes', { method: 'putContacts', call: 1, when: 'before' }],
  ['the contact writes, after they were applied', { method: 'putContacts', call: 1, when: 'after' }],
  ['the accepted mark', { method: 'markAccepted', call: 1, when: 'before' }],
  ['the accepted mark, after it was applied', { method: 'markAccepted', call: 1, when: 'after' }],
  ['the first workflow start', { method: 'start', call: 1, when: 'before' }],
  ['the sixth workflow start, five being started', { method: 'start', call: 6, when: 'before' }],
];

const CONTACTS = 12;
const body = {
  contacts: Array.from({ length: CONTACTS }, (_, i) => ({
    firstname: 'Jane',
    lastname: i % 4 === 1 ? `Nobody${i}` : `Doe${i}`,
    domain: 'acme.com',
    enrichment_type: ['email'],
    custom: { row: i },
  })),
  webhook_url: 'https://hooks.example.com/batch',
  custom: { job: 'import' },
};
/** Contacts whose lastname starts with "nobody" find nothing: 9 of the 12 are charged a credit. */
const CHARGED = 9;

describe('Class: AcceptBatch stopping half-way', () => {
  let product: TestProduct;

  beforeAll(async () => {
    product = await createTestProduct();
  });
  afterAll(() => product.close());

  /**
   * An accept whose function "dies" at `point`: the call there throws, and nothing after it runs. `db` is the
   * table's client unless said (`failingContactPart`).
   */
  function acceptStoppingAt(point: StopPoint, db: DynamoDBDocumentClient = product.table.db): AcceptBatch {
    const { runtime, workflow } = product.product;
    const calls: Record<string, number> = {};
    let dead = false;
    async function reach<T>(method: string, proceed: () => Promise<T>): Promise<T> {
      // Once it has stopped, nothing more of it reaches anything (calls in flight included).
      if (dead) throw new Stopped(method);
      calls[method] = (calls[method] ?? 0) + 1;
      const here = point.method === method && calls[method] === point.call;
      if (here) dead = point.when === 'before';
      if (dead) throw new Stopped(method);
      const result = await proceed();
      if (here) dead = true;
      if (dead) throw new Stopped(method);
      return result;
    }
    const store = new DynamoBatchAcceptStore(db, product.table.tableName, 90);
    const batches = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          reach(String(name), () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      },
    });
    const starter: WorkflowStarter = { start: (input) => reach('start', () => workflow.start(input)) };
    return new AcceptBatch({
      accounts: new DynamoAccountStore(product.table.db, product.table.tableName),
      batches,
      workflow: starter,
      clock: runtime.clock,
      targetPolicy: { allowPrivateTargets: true },
      prices: new PriceList(runtime.config.waterfall),
      accountRateLimit: runtime.config.accountRateLimit,
    });
  }

  async function expectCarriedOut(
    account: TestAccount,
    batchId: string,
    sent = body,
    { charged, balance } = { charged: CHARGED, balance: 100 },
  ) {
    const view = JSON.parse((await product.getBatch(account.accountId, batchId)).body) as {
      status: string;
      counts: Record<string, number>;
      credits_used: number;
      custom: unknown;
      contacts: Array<{ lastname: string; status: string; custom: unknown; enrichment_id: string }>;
    };
    const total = sent.contacts.length;
    expect(view).toMatchObject({
      status: 'finished',
      counts: { total, pending: 0, finished: total },
      credits_used: charged,
      custom: { job: 'import' },
    });
    // Every planned contact, in request order, each run exactly once.
    expect(view.contacts.map((c) => c.lastname)).toEqual(sent.contacts.map((c) => c.lastname));
    expect(view.contacts.map((c) => c.custom)).toEqual(sent.contacts.map((c) => c.custom));
    for (const { enrichment_id: id } of view.contacts) {
      expect(product.product.workflow.execution(id)?.status).toBe('succeeded');
    }
    const items = await itemsOfAccount(product.table, account.accountId);
    expect(items.CONTACT).toHaveLength(total);
    expect((items.BATCH ?? []).filter((item) => item.type === 'batch_staged')).toHaveLength(0);
    expect(await product.credits(account.accountId)).toEqual({
      balance: balance - charged,
      reserved: 0,
      available: balance - charged,
    });
    const ledger = items.LEDGER ?? [];
    expect(ledger.reduce((sum, entry) => sum + (entry.balance_delta as number), 0)).toBe(balance - charged);
    expect(ledger.reduce((sum, entry) => sum + (entry.reserved_delta as number), 0)).toBe(0);
    expect(product.webhooks.batchMessages.filter((m) => m.batch_id === batchId)).toHaveLength(1);
  }

  const batchIdOf = async (account: TestAccount) => {
    const batches = ((await itemsOfAccount(product.table, account.accountId)).BATCH ?? []).filter(
      (item) => item.type === 'batch',
    );
    expect(batches).toHaveLength(1);
    return batches[0]!.batch_id as string;
  };

  it('leaves nothing behind when it stops before its commit reached the table', async () => {
    // Prepare
    const account = await product.createAccount({ balance: 100 });
    const accept = acceptStoppingAt({ method: 'commitBatch', call: 1, when: 'before' });

    // Act
    await expect(accept.execute({ accountId: account.accountId, body })).rejects.toThrow(Stopped);
    await product.product.sweeper.execute({ olderThanSeconds: 0 });

    // Assess
    const items = await itemsOfAccount(product.table, account.accountId);
    expect(items.CONTACT ?? []).toHaveLength(0);
    expect(items.BATCH ?? []).toHaveLength(0);
    expect((items.LEDGER ?? []).filter((entry) => entry.kind !== 'grant')).toHaveLength(0);
    expect(await product.credits(account.accountId)).toEqual({ balance: 100, reserved: 0, available: 100 });
  });

  it.each(POINTS)('is carried out by the sweeper when it stops at %s', async (_where, point) => {
    // Prepare
    const account = await product.createAccount({ balance: 100 });
    await acceptStoppingAt(point)
      .execute({ accountId: account.accountId, body })
      .catch((error: unknown) => {
        if (!(error instanceof Stopped)) throw error;
      });
    const batchId = await batchIdOf(account);
    await product.product.workflow.idle();

    // Act
    await product.product.sweeper.execute({ olderThanSeconds: 0 });
    await product.product.workflow.idle();

    // Assess
    await expectCarriedOut(account, batchId);
  });

  it.each(POINTS)(
    'is carried out by an Idempotency-Key replay when it stops at %s',
    async (_where, point) => {
      // Prepare
      const account = await product.createAccount({ balance: 100 });
      const key = { 'Idempotency-Key': `import-${point.method}-${point.call}-${point.when}` };
      await acceptStoppingAt(point)
        .execute({ accountId: account.accountId, body, idempotencyKey: key['Idempotency-Key'] })
        .catch((error: unknown) => {
          if (!(error instanceof Stopped)) throw error;
        });
      const batchId = await batchIdOf(account);

      // Act
      const replay = await product.postBatch(account.accountId, body, key);
      await product.product.workflow.idle();

      // Assess
      expect(replay.statusCode).toBe(202);
      const accepted = JSON.parse(replay.body) as { batch_id: string; contacts: Array<{ lastname: string }> };
      expect(accepted.batch_id).toBe(batchId);
      expect(accepted.contacts.map((c) => c.lastname)).toEqual(body.contacts.map((c) => c.lastname));
      await expectCarriedOut(account, batchId);
    },
  );
  describe('a batch whose contacts take several transactions, one of them failing', () => {
    // Past one staged part (300 KB): its contacts are written in two transactions at once.
    const large = {
      ...body,
      contacts: Array.from({ length: 80 }, (_, i) => ({
        firstname: 'Jane',
        lastname: i % 4 === 1 ? `Nobody${i}` : `Doe${i}`,
        domain: 'acme.com',
        enrichment_type: ['email'],
        custom: { row: i, note: 'x'.repeat(4000) },
      })),
    };
    const outcome = { charged: 60, balance: 200 };

    /** The table's client, but the second transaction of contact writes fails before it reaches DynamoDB. */
    function failingContactPart(): DynamoDBDocumentClient {
      const db = product.table.db;
      let contactParts = 0;
      const send = (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const first = command instanceof TransactWriteCommand ? command.input.TransactItems?.[0] : undefined;
        if (first?.Put?.Item?.type === 'contact' && ++contactParts === 2) {
          return Promise.reject(new Stopped('the second contact transaction'));
        }
        return db.send(command as TransactWriteCommand);
      };
      return new Proxy(db, {
        get: (target, name, receiver) => (name === 'send' ? send : Reflect.get(target, name, receiver)),
      });
    }

    /** Accepts `large` with the second part failing: its first part is written, nothing is started. */
    async function acceptHalfWritten(account: TestAccount, idempotencyKey?: string): Promise<string> {
      const never: StopPoint = { method: 'start', call: Infinity, when: 'before' };
      await expect(
        acceptStoppingAt(never, failingContactPart()).execute({
          accountId: account.accountId,
          body: large,
          idempotencyKey,
        }),
      ).rejects.toThrow(Stopped);
      const items = await itemsOfAccount(product.table, account.accountId);
      const written = (items.CONTACT ?? []).length;
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(large.contacts.length);
      const [batch] = (items.BATCH ?? []).filter((item) => item.type === 'batch');
      expect(batch?.accept_state).toBe('accepting');
      return batch!.batch_id as string;
    }

    it('is carried out by the sweeper, the contacts already written kept', async () => {
      // Prepare
      const account = await product.createAccount({ balance: outcome.balance });
      const batchId = await acceptHalfWritten(account);

      // Act
      await product.product.sweeper.execute({ olderThanSeconds: 0 });
      await product.product.workflow.idle();

      // Assess
      await expectCarriedOut(account, batchId, large, outcome);
    });

    it('is carried out by an Idempotency-Key replay, answering as the first time would have', async () => {
      // Prepare
      const account = await product.createAccount({ balance: outcome.balance });
      const key = 'import-large';
      const batchId = await acceptHalfWritten(account, key);

      // Act
      const replay = await product.postBatch(account.accountId, large, { 'Idempotency-Key': key });
      await product.product.workflow.idle();

      // Assess
      expect(replay.statusCode).toBe(202);
      expect((JSON.parse(replay.body) as { batch_id: string }).batch_id).toBe(batchId);
      await expectCarriedOut(account, batchId, large, outcome);
    });
  });
});
