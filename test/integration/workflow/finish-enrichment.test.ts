/**
 * Finishing on DynamoDB Local: the finish and the money happen once, however often and from wherever it runs
 * (RecordResult, the recovery function, the sweeper), and the sweeper finds what was left pending.
 */
import { DynamoAccountAdminStore } from '../../../functions/adapters/dynamodb/account-admin-store';
import { DynamoAcceptStore } from '../../../functions/adapters/dynamodb/accept-store';
import { DynamoFinishStore } from '../../../functions/adapters/dynamodb/finish-store';
import { DynamoWebhookStore } from '../../../functions/adapters/dynamodb/webhook-store';
import { newApiKey, newWebhookSecret } from '../../../functions/domain/accounts/accounts';
import type { ContactRecord } from '../../../functions/domain/enrichment/contact';
import { newId } from '../../../functions/domain/ids';
import { FinishEnrichment } from '../../../functions/domain/enrichment/finish-enrichment';
import type { FinishCommand } from '../../../functions/domain/enrichment/waterfall-state';
import { DynamoPendingEnrichments } from '../../../functions/adapters/dynamodb/pending-store';
import { DynamoProgressStore } from '../../../functions/adapters/dynamodb/progress-store';
import { SweepPending } from '../../../functions/domain/enrichment/sweep-pending';
import { PriceList } from '../../../functions/domain/credits/credits';
import { SANDBOX_WATERFALL } from '../../../functions/domain/enrichment/waterfall-settings';
import { createTestTable, type TestTable } from '../../support/dynamo';
import {
  createTestProduct,
  RecordingWebhookQueue,
  type TestAccount,
  type TestProduct,
} from '../../support/product';
import type { ContactView } from '../../../functions/domain/enrichment/contact';

describe('Class: FinishEnrichment', () => {
  let table: TestTable;
  let accounts: DynamoAccountAdminStore;
  let accepts: DynamoAcceptStore;
  let finishes: DynamoFinishStore;
  let webhookStore: DynamoWebhookStore;
  const frozen = { now: () => new Date('2026-11-27T10:00:00.000Z') };

  beforeAll(async () => {
    table = await createTestTable();
    accounts = new DynamoAccountAdminStore(table.db, table.tableName);
    accepts = new DynamoAcceptStore(table.db, table.tableName, 30);
    finishes = new DynamoFinishStore(table.db, table.tableName);
    webhookStore = new DynamoWebhookStore(table.db, table.tableName);
  });
  afterAll(() => table.drop());

  const finishing = (webhooks = new RecordingWebhookQueue()) =>
    new FinishEnrichment({ finishes, webhooks, clock: frozen, prices: new PriceList(SANDBOX_WATERFALL) });

  async function pendingEnrichment(
    webhookUrl: string | null,
  ): Promise<{ accountId: string; state: FinishCommand }> {
    const accountId = newId();
    await accounts.createAccount(
      {
        account_id: accountId,
        name: 'A',
        balance: 20,
        reserved: 0,
        personal_email_consent: true,
        default_phone_country_codes: null,
        webhook_secret: newWebhookSecret(),
        created_at: frozen.now().toISOString(),
        rate_limit: null,
        bucket_full_at: null,
      },
      newApiKey(),
    );
    const record: ContactRecord = {
      account_id: accountId,
      enrichment_id: newId(),
      status: 'pending',
      firstname: 'Jane',
      lastname: 'Doe',
      company_name: null,
      domain: 'acme.com',
      linkedin_url: 'https://www.linkedin.com/in/jane',
      enrichment_type: ['email', 'phone'],
      phone_country_codes: null,
      custom_json: '{}',
      use_cache: null,
      providers: null,
      max_credits: null,
      accept_catch_all: null,
      created_at: frozen.now().toISOString(),
      finished_at: null,
      results: null,
      credits_reserved: 11,
      credits_used: 0,
      waterfall: [],
      progress: { found: {}, closed: {}, candidates: {} },
      webhook: webhookUrl
        ? {
            url: webhookUrl,
            status: 'pending',
            attempts: 0,
            last_attempt_at: null,
            last_response_status: null,
          }
        : null,
    };
    const response = {
      enrichment_id: record.enrichment_id,
      firstname: 'Jane',
      lastname: 'Doe',
      status: 'pending' as const,
      custom: {},
    };
    expect(await accepts.accept(record, response)).toEqual({ kind: 'accepted' });
    const progress = new DynamoProgressStore(table.db, table.tableName);
    await progress.recordProgress(accountId, record.enrichment_id, {
      type: 'email',
      steps: [{ type: 'email', provider: 'sandbox-primary', outcome: 'found', duration_ms: 3, detail: null }],
      found: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' },
    });
    await progress.recordProgress(accountId, record.enrichment_id, {
      type: 'phone',
      steps: [
        { type: 'phone', provider: 'sandbox-primary', outcome: 'not_found', duration_ms: 2, detail: null },
      ],
      close: true,
    });
    return { accountId, state: { account_id: accountId, enrichment_id: record.enrichment_id } };
  }

  it('charges once and changes nothing when run twice on the same input', async () => {
    // Prepare
    const webhooks = new RecordingWebhookQueue();
    const finish = finishing(webhooks);
    const { accountId, state } = await pendingEnrichment('https://hooks.example.com/x');

    // Act
    const first = await finish.execute(state);
    const second = await finish.execute(state);

    // Assess
    expect(first).toEqual({ status: 'finished', credits_used: 1 });
    expect(second).toEqual({ status: 'already_finished', credits_used: 1 });
    const account = await accounts.getAccount(accountId);
    expect(account).toMatchObject({ balance: 19, reserved: 0 });
    const ledger = await accounts.ledger(accountId);
    expect(ledger.map((entry) => entry.kind).sort()).toEqual(['charge', 'grant', 'release', 'reserve']);
    expect(ledger.reduce((sum, entry) => sum + entry.balance_delta, 0)).toBe(account!.balance);
    expect(ledger.reduce((sum, entry) => sum + entry.reserved_delta, 0)).toBe(account!.reserved);
    const record = await finishes.getContact(accountId, state.enrichment_id);
    expect(record).toMatchObject({
      status: 'finished',
      finished_at: '2026-11-27T10:00:00.000Z',
      credits_used: 1,
      results: { email: { value: 'jane.doe@acme.com' }, phones: [] },
    });
    // The replay may re-enqueue a webhook no attempt has touched yet (its first run may have stopped before).
    expect(webhooks.messages).toEqual([
      { account_id: accountId, enrichment_id: state.enrichment_id },
      { account_id: accountId, enrichment_id: state.enrichment_id },
    ]);
  });

  it('settles exactly once when two runs race', async () => {
    // Prepare
    const finish = finishing();
    const { accountId, state } = await pendingEnrichment(null);

    // Act
    const outcomes = await Promise.all([finish.execute(state), finish.execute(state), finish.execute(state)]);

    // Assess
    expect(outcomes.filter((o) => o.status === 'finished')).toHaveLength(1);
    expect(await accounts.getAccount(accountId)).toMatchObject({ balance: 19, reserved: 0 });
    expect((await accounts.ledger(accountId)).filter((entry) => entry.kind === 'charge')).toHaveLength(1);
  });

  it('does not enqueue again once a delivery was attempted', async () => {
    // Prepare
    const webhooks = new RecordingWebhookQueue();
    const finish = finishing(webhooks);
    const { accountId, state } = await pendingEnrichment('https://hooks.example.com/x');
    await finish.execute(state);
    await webhookStore.recordWebhookAttempt(accountId, state.enrichment_id, {
      at: frozen.now().toISOString(),
      responseStatus: 200,
      status: 'delivered',
      delivery: {
        attempt: 1,
        at: frozen.now().toISOString(),
        response_status: 200,
        duration_ms: 5,
        error: null,
      },
    });

    // Act
    await finish.execute(state);

    // Assess
    expect(webhooks.messages).toHaveLength(1);
  });

  it('answers missing for an enrichment whose accept was rolled back', async () => {
    // Prepare
    const finish = finishing();
    const { state } = await pendingEnrichment(null);

    // Act
    const outcome = await finish.execute({ ...state, enrichment_id: newId() });

    // Assess
    expect(outcome).toEqual({ status: 'missing', credits_used: 0 });
  });
});

describe('Class: FinishEnrichment, from the recovery path', () => {
  let product: TestProduct;
  let account: TestAccount;
  const queue = () => product.webhooks.messages;

  beforeAll(async () => {
    // Accepts commit but start nothing: the workflow "never ran" until a test starts it.
    product = await createTestProduct({ wrapWorkflow: () => ({ start: async () => undefined }) });
    account = await product.createAccount({ balance: 100 });
  });
  afterAll(() => product.close());

  async function acceptOnly(types: string[]): Promise<string> {
    const response = await product.post(account.accountId, {
      firstname: 'Jane',
      lastname: 'Doe',
      domain: 'acme.com',
      linkedin_url: 'linkedin.com/in/jane-doe',
      enrichment_type: types,
      webhook_url: 'https://hooks.example.com/recovered',
    });
    return (JSON.parse(response.body) as { enrichment_id: string }).enrichment_id;
  }

  it('keeps what was found, traces the unfinished types and settles, racing a late RecordResult once', async () => {
    // Prepare: the email type ended with a find, the phone type never did.
    const id = await acceptOnly(['email', 'phone']);
    await new DynamoProgressStore(product.table.db, product.table.tableName).recordProgress(
      account.accountId,
      id,
      {
        type: 'email',
        steps: [
          { type: 'email', provider: 'sandbox-primary', outcome: 'found', duration_ms: 3, detail: null },
        ],
        found: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' },
      },
    );
    const finish = new FinishEnrichment({
      finishes: new DynamoFinishStore(product.table.db, product.table.tableName),
      webhooks: product.webhooks,
      clock: { now: () => new Date() },
      prices: new PriceList(SANDBOX_WATERFALL),
    });
    const before = await product.credits(account.accountId);
    queue().length = 0;

    // Act: the recovery function and a late RecordResult finish the same enrichment at the same moment.
    const outcomes = await Promise.all([
      finish.execute({ account_id: account.accountId, enrichment_id: id, reason: 'the workflow timed out' }),
      finish.execute({ account_id: account.accountId, enrichment_id: id, outcomes: [] }),
    ]);

    // Assess
    expect(outcomes.map((o) => o.status).sort()).toEqual(['already_finished', 'finished']);
    const record = JSON.parse((await product.get(account.accountId, id)).body) as ContactView;
    expect(record.results).toEqual({
      email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' },
      phones: [],
    });
    expect(record.waterfall.map((s) => [s.type, s.provider, s.outcome])).toEqual([
      ['email', 'sandbox-primary', 'found'],
      ['phone', 'workflow', 'error'],
    ]);
    expect(record.credits_used).toBe(1);
    const after = await product.credits(account.accountId);
    expect(after).toEqual({
      balance: before.balance - 1,
      reserved: before.reserved - 11,
      available: after.balance - after.reserved,
    });
    const ledger = await product.product.accounts.ledger(account.accountId);
    expect(ledger.filter((e) => e.enrichment_id === id && e.kind === 'charge')).toHaveLength(1);
    expect(ledger.reduce((sum, e) => sum + e.balance_delta, 0)).toBe(after.balance);
    expect(ledger.reduce((sum, e) => sum + e.reserved_delta, 0)).toBe(after.reserved);
    expect(queue().filter((m) => m.enrichment_id === id).length).toBeGreaterThanOrEqual(1);
  });
});

describe('Class: SweepPending', () => {
  let offsetSeconds = 0;
  const clock = { now: () => new Date(Date.now() + offsetSeconds * 1000) };
  let product: TestProduct;
  let account: TestAccount;

  beforeAll(async () => {
    product = await createTestProduct({
      clock,
      maxEnrichmentSeconds: 600,
      wrapWorkflow: () => ({ start: async () => undefined }),
    });
    account = await product.createAccount({ balance: 100 });
  });
  afterAll(() => product.close());
  beforeEach(() => {
    offsetSeconds = 0;
  });

  async function acceptOnly(lastname = 'Doe'): Promise<string> {
    const response = await product.post(account.accountId, {
      firstname: 'Jane',
      lastname,
      domain: 'acme.com',
      enrichment_type: ['email'],
    });
    return (JSON.parse(response.body) as { enrichment_id: string }).enrichment_id;
  }
  const record = async (id: string) =>
    JSON.parse((await product.get(account.accountId, id)).body) as ContactView;

  it('starts an enrichment whose workflow never started, while it is within the bound', async () => {
    // Prepare: accepted, then the accept "died" before starting the workflow.
    const id = await acceptOnly();
    offsetSeconds = 400;

    // Act
    const report = await product.product.sweeper.execute();
    await product.product.workflow.idle();

    // Assess
    expect(report).toMatchObject({ started: 1, finished: 0 });
    expect(await record(id)).toMatchObject({ status: 'finished', credits_used: 1 });
  });

  it('finishes one that never started once past the bound: no data, a workflow step, nothing charged', async () => {
    // Prepare
    const id = await acceptOnly();
    const before = await product.credits(account.accountId);
    offsetSeconds = 700;

    // Act
    const report = await product.product.sweeper.execute();

    // Assess
    expect(report).toMatchObject({ started: 0, finished: 1 });
    const finished = await record(id);
    expect(finished).toMatchObject({ status: 'finished', credits_used: 0, results: { email: null } });
    expect(finished.waterfall).toEqual([
      {
        type: 'email',
        provider: 'workflow',
        outcome: 'error',
        duration_ms: 0,
        detail: 'stopped: the workflow never started',
      },
    ]);
    expect(await product.credits(account.accountId)).toEqual({
      balance: before.balance,
      reserved: before.reserved - 1,
      available: before.available + 1,
    });
  });

  it('leaves young enrichments and running executions alone', async () => {
    // Prepare: one running (the sandbox's slow answers), one too young to look at.
    const running = await acceptOnly('Slowpoke');
    await product.product.workflow.start({
      account_id: account.accountId,
      enrichment_id: running,
      types: ['email'],
    });
    offsetSeconds = 400;
    const young = await acceptOnly();

    // Act
    const report = await product.product.sweeper.execute();

    // Assess
    expect(report).toMatchObject({ running: 1, started: 0, finished: 0 });
    expect((await record(young)).status).toBe('pending');
    expect((await record(running)).status).toBe('pending');
    await product.product.workflow.idle();
    expect((await record(running)).status).toBe('finished');
    offsetSeconds = 800;
    await product.product.sweeper.execute();
  });

  it('finishes one whose execution ended without finishing it (its recovery event was lost)', async () => {
    // Prepare
    const id = await acceptOnly();
    offsetSeconds = 400;
    const sweep = new SweepPending({
      pending: new DynamoPendingEnrichments(product.table.db, product.table.tableName),
      workflow: { status: async () => 'ended', start: async () => undefined },
      finish: new FinishEnrichment({
        finishes: new DynamoFinishStore(product.table.db, product.table.tableName),
        webhooks: product.webhooks,
        clock,
        prices: new PriceList(SANDBOX_WATERFALL),
      }),
      clock,
      maxEnrichmentSeconds: 600,
    });

    // Act
    const report = await sweep.execute();

    // Assess
    expect(report.finished).toBeGreaterThanOrEqual(1);
    expect((await record(id)).waterfall).toEqual([
      expect.objectContaining({
        provider: 'workflow',
        detail: 'stopped: the workflow ended without finishing it',
      }),
    ]);
  });

  it('measures the pending backlog: how many, and the age of the oldest', async () => {
    // Prepare
    await product.product.sweeper.execute({ olderThanSeconds: 0 });
    offsetSeconds = 800;
    await product.product.sweeper.execute({ olderThanSeconds: 0 });
    offsetSeconds = 0;
    const first = await acceptOnly();
    await acceptOnly();
    offsetSeconds = 120;

    // Act
    const backlog = await product.product.sweeper.backlog();

    // Assess
    expect(backlog.count).toBe(2);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(119);
    expect(backlog.oldestAgeSeconds).toBeLessThan(180);
    expect((await record(first)).status).toBe('pending');
  });

  it('lists pending enrichments from the sparse index only: finished ones are not in it', async () => {
    // Prepare
    const pending = await acceptOnly();
    offsetSeconds = 400;

    // Act
    await product.product.sweeper.execute();
    await product.product.workflow.idle();
    const second = await product.product.sweeper.execute();

    // Assess
    expect((await record(pending)).status).toBe('finished');
    expect(second.checked).toBe(0);
  });
});
