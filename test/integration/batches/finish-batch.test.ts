/**
 * Finishing batches on DynamoDB Local: the batch finishes with its last contact and its webhook is queued
 * exactly once, whatever order and concurrency its contacts finish in, however often a finish is replayed, and
 * when a finish stopped half-way (the sweeper repairs it). Then a whole batch through the real state machine.
 */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoFinishStore } from '../../../functions/adapters/dynamodb/finish-store';
import { keys } from '../../../functions/adapters/dynamodb/keys';
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import { PriceList } from '../../../functions/domain/credits/credits';
import { FinishEnrichment } from '../../../functions/domain/enrichment/finish-enrichment';
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import { lambdaContext } from '../../support/api-events';
import { itemsOfAccount } from '../../support/dynamo';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';
import type { QueuedWebhook } from '../../../functions/domain/webhooks/webhook-message';

interface BatchView {
  batch_id: string;
  status: string;
  finished_at: string | null;
  counts: { total: number; pending: number; finished: number };
  credits_used: number;
  contacts: ContactView[];
}

const contact = (lastname: string, extra: Record<string, unknown> = {}) => ({
  firstname: 'Jane',
  lastname,
  domain: 'acme.com',
  enrichment_type: ['email'],
  ...extra,
});

describe('Class: FinishBatch (contacts finished by RecordResult, nothing else running)', () => {
  let product: TestProduct;
  let account: TestAccount;
  const idle: WorkflowStarter = { start: async () => undefined };

  beforeAll(async () => {
    product = await createTestProduct({ wrapWorkflow: () => idle });
    account = await product.createAccount({ balance: 10_000 });
  });
  afterAll(() => product.close());

  async function acceptBatch(count: number, extra: Record<string, unknown> = {}) {
    const response = await product.postBatch(account.accountId, {
      contacts: Array.from({ length: count }, (_, i) => contact(`Doe${i}`)),
      webhook_url: 'https://hooks.example.com/batch',
      ...extra,
    });
    const body = JSON.parse(response.body) as {
      batch_id: string;
      contacts: Array<{ enrichment_id: string }>;
    };
    return { batchId: body.batch_id, ids: body.contacts.map((c) => c.enrichment_id) };
  }

  const finish = (enrichmentId: string) =>
    product.product.tasks.RecordResult(
      { account_id: account.accountId, enrichment_id: enrichmentId } as never,
      lambdaContext,
    );

  const view = async (batchId: string) =>
    JSON.parse((await product.getBatch(account.accountId, batchId)).body) as BatchView;

  const batchMessages = (batchId: string) =>
    product.webhooks.batchMessages.filter((message) => message.batch_id === batchId);

  const batchItem = async (batchId: string) =>
    (
      await product.table.db.send(
        new GetCommand({
          TableName: product.table.tableName,
          Key: keys.batch(account.accountId, batchId),
          ConsistentRead: true,
        }),
      )
    ).Item!;

  it('finishes the batch with its last contact, queues its webhook once and leaves the pending index', async () => {
    // Prepare
    const { batchId, ids } = await acceptBatch(12);
    for (const id of ids.slice(0, -1)) await finish(id);
    const beforeLast = await view(batchId);

    // Act
    await finish(ids.at(-1)!);

    // Assess
    expect(beforeLast).toMatchObject({ status: 'pending', counts: { total: 12, pending: 1, finished: 11 } });
    expect(batchMessages(batchId)).toHaveLength(0 + 1);
    expect(batchMessages(batchId)[0]).toEqual({
      kind: 'batch',
      account_id: account.accountId,
      batch_id: batchId,
    });
    const finished = await view(batchId);
    expect(finished).toMatchObject({ status: 'finished', counts: { total: 12, pending: 0, finished: 12 } });
    expect(finished.finished_at).toEqual(expect.any(String));
    const item = await batchItem(batchId);
    expect(item).toMatchObject({ handed_over: true });
    expect(item).not.toHaveProperty('pending_shard');
  });

  it.each([
    ['in the same shard', 5, [3, 4]],
    ['in two shards', 11, [9, 10]],
    ['first and last, in two shards', 20, [0, 19]],
  ] as const)(
    'queues the webhook exactly once when the last two contacts finish at the same moment (%s)',
    async (_name, count, last) => {
      for (let round = 0; round < 3; round++) {
        // Prepare
        const { batchId, ids } = await acceptBatch(count);
        // The others all at once (none of them can finish the batch): the rounds' cost is the machine's, not time.
        await Promise.all(ids.filter((_, index) => !last.includes(index as never)).map(finish));

        // Act
        await Promise.all(last.map((index) => finish(ids[index]!)));

        // Assess
        expect(batchMessages(batchId)).toHaveLength(1);
        expect((await view(batchId)).status).toBe('finished');
      }
    },
  );

  it('queues the webhook exactly once when the last contact is finished twice at once (RecordResult and recovery)', async () => {
    for (let round = 0; round < 3; round++) {
      // Prepare
      const { batchId, ids } = await acceptBatch(4);
      for (const id of ids.slice(0, -1)) await finish(id);

      // Act: both read the record pending; one finishes it, the other loses the race.
      await Promise.all([finish(ids[3]!), finish(ids[3]!), finish(ids[3]!)]);

      // Assess
      expect(batchMessages(batchId)).toHaveLength(1);
    }
  });

  it('queues the webhook exactly once when every contact finishes at the same moment', async () => {
    // Prepare
    const { batchId, ids } = await acceptBatch(30);

    // Act
    await Promise.all(ids.map((id) => finish(id)));

    // Assess
    expect(batchMessages(batchId)).toHaveLength(1);
    expect(await view(batchId)).toMatchObject({ status: 'finished', counts: { finished: 30 } });
  });

  it('changes nothing when a contact finish is replayed after the batch finished', async () => {
    // Prepare
    const { batchId, ids } = await acceptBatch(3);
    for (const id of ids) await finish(id);
    const finishedAt = (await view(batchId)).finished_at;

    // Act
    await Promise.all([finish(ids[0]!), finish(ids[2]!), finish(ids[2]!)]);

    // Assess
    expect(batchMessages(batchId)).toHaveLength(1);
    expect((await view(batchId)).finished_at).toBe(finishedAt);
  });

  it('finishes a batch without a webhook_url without queuing anything, and it leaves the pending index', async () => {
    // Prepare
    const { batchId, ids } = await acceptBatch(2, { webhook_url: undefined });

    // Act
    for (const id of ids) await finish(id);

    // Assess
    expect((await view(batchId)).status).toBe('finished');
    expect(batchMessages(batchId)).toHaveLength(0);
    expect(await batchItem(batchId)).not.toHaveProperty('pending_shard');
  });

  it('hands the webhook over on the retried finish when the queue failed right after the flip', async () => {
    // Prepare: the queue refuses the batch webhook once, so the last contact's RecordResult fails.
    const { batchId, ids } = await acceptBatch(2);
    await finish(ids[0]!);
    const enqueue = product.webhooks.enqueue.bind(product.webhooks);
    let refused = 0;
    product.webhooks.enqueue = async (message: QueuedWebhook) => {
      if ('kind' in message && refused++ === 0) throw new Error('SQS unavailable');
      return enqueue(message);
    };
    try {
      await expect(finish(ids[1]!)).rejects.toThrow('SQS unavailable');
      const stalled = await batchItem(batchId);

      // Act: Step Functions retries RecordResult.
      await finish(ids[1]!);

      // Assess
      expect(stalled).toMatchObject({
        status: 'finished',
        handed_over: false,
        pending_shard: expect.any(String),
      });
      expect(batchMessages(batchId)).toHaveLength(1);
      expect(await batchItem(batchId)).toMatchObject({ handed_over: true });
    } finally {
      product.webhooks.enqueue = enqueue;
    }
  });

  it('is repaired by the sweeper when contacts finished without being ticked off their batch', async () => {
    // Prepare: a finish that stops right after the contact's own transaction (no batch tick).
    const { batchId, ids } = await acceptBatch(13);
    const bare = new FinishEnrichment({
      finishes: new DynamoFinishStore(product.table.db, product.table.tableName),
      webhooks: product.webhooks,
      clock: { now: () => new Date() },
      prices: new PriceList(product.product.runtime.config.waterfall),
    });
    for (const id of ids) await bare.execute({ account_id: account.accountId, enrichment_id: id });
    const stuck = await view(batchId);

    // Act
    const report = await product.product.sweeper.execute({ olderThanSeconds: 0 });
    const again = await product.product.sweeper.execute({ olderThanSeconds: 0 });

    // Assess
    expect(stuck).toMatchObject({ status: 'pending', counts: { pending: 0, finished: 13 } });
    expect(report.batches).toMatchObject({ finished: 1 });
    expect(await view(batchId)).toMatchObject({ status: 'finished' });
    expect(batchMessages(batchId)).toHaveLength(1);
    expect(again.batches).toBeUndefined();
  });

  it('leaves a batch whose contacts still run to them, ticking off those that finished', async () => {
    // Prepare
    const { batchId, ids } = await acceptBatch(3);
    const bare = new FinishEnrichment({
      finishes: new DynamoFinishStore(product.table.db, product.table.tableName),
      webhooks: product.webhooks,
      clock: { now: () => new Date() },
      prices: new PriceList(product.product.runtime.config.waterfall),
    });
    await bare.execute({ account_id: account.accountId, enrichment_id: ids[0]! });

    // Act
    await product.product.sweeper.execute({ olderThanSeconds: 0 });
    const afterSweep = await view(batchId);
    await finish(ids[1]!);
    await finish(ids[2]!);

    // Assess
    expect(afterSweep.status).toBe('pending');
    expect(batchMessages(batchId)).toHaveLength(1);
    expect((await view(batchId)).status).toBe('finished');
  });

  it('finishes a batch one of whose contacts was erased, leaving it out of the batch', async () => {
    // Prepare
    const { batchId, ids } = await acceptBatch(3);
    await product.table.db.send(
      new DeleteCommand({
        TableName: product.table.tableName,
        Key: keys.contact(account.accountId, ids[1]!),
      }),
    );
    await finish(ids[0]!);
    await finish(ids[2]!);

    // Act
    await product.product.sweeper.execute({ olderThanSeconds: 0 });

    // Assess
    const finished = await view(batchId);
    expect(finished).toMatchObject({ status: 'finished', counts: { total: 2, pending: 0, finished: 2 } });
    expect(finished.contacts.map((c) => c.enrichment_id)).toEqual([ids[0], ids[2]]);
    expect(batchMessages(batchId)).toHaveLength(1);
  });
});

describe('A batch through the real state machine and sandbox providers', () => {
  let product: TestProduct;

  beforeAll(async () => {
    product = await createTestProduct();
  });
  afterAll(() => product.close());

  it('settles each contact as an ordinary enrichment and sums the credits on the batch', async () => {
    // Prepare
    const account = await product.createAccount({ balance: 100, personal_email_consent: true });
    const contacts = [
      contact('Found', {
        enrichment_type: ['email', 'phone'],
        linkedin_url: 'linkedin.com/in/jane-found',
        phone_country_codes: ['FR'],
      }),
      contact('Nobody'),
      contact('Flaky', { webhook_url: 'https://hooks.example.com/flaky' }),
      contact('Personal', { enrichment_type: ['personal_email'], linkedin_url: 'linkedin.com/in/jane-p' }),
    ];

    // Act
    const accepted = JSON.parse(
      (
        await product.postBatch(account.accountId, {
          contacts,
          webhook_url: 'https://hooks.example.com/batch',
        })
      ).body,
    ) as { batch_id: string; contacts: Array<{ enrichment_id: string }> };
    await product.product.workflow.idle();

    // Assess
    const batch = JSON.parse(
      (await product.getBatch(account.accountId, accepted.batch_id)).body,
    ) as BatchView;
    const singles = await Promise.all(
      accepted.contacts.map(
        async (c) => JSON.parse((await product.get(account.accountId, c.enrichment_id)).body) as ContactView,
      ),
    );
    expect(batch).toMatchObject({ status: 'finished', counts: { total: 4, pending: 0, finished: 4 } });
    expect(batch.contacts).toEqual(singles);
    expect(batch.contacts.map((c) => [c.lastname, c.credits_used])).toEqual([
      ['Found', 11],
      ['Nobody', 0],
      ['Flaky', 1],
      ['Personal', 3],
    ]);
    expect(batch.credits_used).toBe(15);
    expect(await product.credits(account.accountId)).toEqual({ balance: 85, reserved: 0, available: 85 });
    const ledger = (await itemsOfAccount(product.table, account.accountId)).LEDGER ?? [];
    expect(ledger.reduce((sum, entry) => sum + (entry.balance_delta as number), 0)).toBe(85);
    expect(ledger.reduce((sum, entry) => sum + (entry.reserved_delta as number), 0)).toBe(0);
    expect(product.webhooks.batchMessages).toEqual([
      { kind: 'batch', account_id: account.accountId, batch_id: accepted.batch_id },
    ]);
    expect(product.webhooks.messages).toEqual([
      { account_id: account.accountId, enrichment_id: accepted.contacts[2]!.enrichment_id },
    ]);
  });
});
