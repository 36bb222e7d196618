/** Record-result on DynamoDB Local: the finish and the money happen once, however often the step runs. */
import { DynamoAccountAdminStore } from '../../../functions/adapters/dynamodb/account-admin-store';
import { DynamoAcceptStore } from '../../../functions/adapters/dynamodb/accept-store';
import { DynamoFinishStore } from '../../../functions/adapters/dynamodb/finish-store';
import { DynamoWebhookStore } from '../../../functions/adapters/dynamodb/webhook-store';
import { newApiKey, newWebhookSecret } from '../../../functions/domain/accounts';
import type { ContactRecord } from '../../../functions/domain/contact';
import { newId } from '../../../functions/domain/ids';
import { RecordResult } from '../../../functions/domain/record-result';
import type { WaterfallState } from '../../../functions/domain/waterfall-state';
import { PriceList } from '../../../functions/domain/credits';
import { SANDBOX_WATERFALL } from '../../../functions/domain/waterfall-settings';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { RecordingWebhookQueue } from '../../support/product';

describe('Class: RecordResult', () => {
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

  async function pendingEnrichment(
    webhookUrl: string | null,
  ): Promise<{ accountId: string; state: WaterfallState }> {
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
      created_at: frozen.now().toISOString(),
      finished_at: null,
      results: null,
      credits_reserved: 11,
      credits_used: 0,
      waterfall: [],
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
    return {
      accountId,
      state: {
        account_id: accountId,
        enrichment_id: record.enrichment_id,
        types: ['email', 'phone'],
        contact: {
          firstname: 'Jane',
          lastname: 'Doe',
          company_name: null,
          domain: 'acme.com',
          linkedin_url: record.linkedin_url,
          phone_country_codes: null,
        },
        results: { email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' } },
        waterfall: [
          { type: 'email', provider: 'sandbox-primary', outcome: 'found', duration_ms: 3, detail: null },
          { type: 'phone', provider: 'sandbox-primary', outcome: 'not_found', duration_ms: 2, detail: null },
        ],
      },
    };
  }

  it('charges once and changes nothing when run twice on the same input', async () => {
    // Prepare
    const webhooks = new RecordingWebhookQueue();
    const recordResult = new RecordResult({
      finishes,
      webhooks,
      clock: frozen,
      prices: new PriceList(SANDBOX_WATERFALL),
    });
    const { accountId, state } = await pendingEnrichment('https://hooks.example.com/x');

    // Act
    const first = await recordResult.execute(state);
    const second = await recordResult.execute(state);

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
    const recordResult = new RecordResult({
      finishes,
      webhooks: new RecordingWebhookQueue(),
      clock: frozen,
      prices: new PriceList(SANDBOX_WATERFALL),
    });
    const { accountId, state } = await pendingEnrichment(null);

    // Act
    const outcomes = await Promise.all([
      recordResult.execute(state),
      recordResult.execute(state),
      recordResult.execute(state),
    ]);

    // Assess
    expect(outcomes.filter((o) => o.status === 'finished')).toHaveLength(1);
    expect(await accounts.getAccount(accountId)).toMatchObject({ balance: 19, reserved: 0 });
    expect((await accounts.ledger(accountId)).filter((entry) => entry.kind === 'charge')).toHaveLength(1);
  });

  it('does not enqueue again once a delivery was attempted', async () => {
    // Prepare
    const webhooks = new RecordingWebhookQueue();
    const recordResult = new RecordResult({
      finishes,
      webhooks,
      clock: frozen,
      prices: new PriceList(SANDBOX_WATERFALL),
    });
    const { accountId, state } = await pendingEnrichment('https://hooks.example.com/x');
    await recordResult.execute(state);
    await webhookStore.recordWebhookAttempt(accountId, state.enrichment_id, {
      at: frozen.now().toISOString(),
      responseStatus: 200,
      status: 'delivered',
    });

    // Act
    await recordResult.execute(state);

    // Assess
    expect(webhooks.messages).toHaveLength(1);
  });

  it('answers missing for an enrichment whose accept was rolled back', async () => {
    // Prepare
    const recordResult = new RecordResult({
      finishes,
      webhooks: new RecordingWebhookQueue(),
      clock: frozen,
      prices: new PriceList(SANDBOX_WATERFALL),
    });
    const { state } = await pendingEnrichment(null);

    // Act
    const outcome = await recordResult.execute({ ...state, enrichment_id: newId() });

    // Assess
    expect(outcome).toEqual({ status: 'missing', credits_used: 0 });
  });
});
