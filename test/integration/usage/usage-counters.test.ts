/**
 * Usage and provider stats on DynamoDB Local, through the real accept and finish stores: the usage an account
 * reads equals its ledger's charges over random histories, a replayed finish and an erased pending enrichment
 * count nothing, and the scorecard is read from counters alone, in as many commands after 200 finishes as after 10.
 */
import fc from 'fast-check';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountAdminStore } from '../../../functions/adapters/dynamodb/account-admin-store';
import { DynamoAcceptStore } from '../../../functions/adapters/dynamodb/accept-store';
import { createDocumentClient } from '../../../functions/adapters/dynamodb/client';
import { DynamoErasureStore } from '../../../functions/adapters/dynamodb/erasure-store';
import { DynamoFinishStore } from '../../../functions/adapters/dynamodb/finish-store';
import { keys } from '../../../functions/adapters/dynamodb/keys';
import { DynamoResultCache } from '../../../functions/adapters/dynamodb/result-cache-store';
import { DynamoProviderStats, DynamoUsage } from '../../../functions/adapters/dynamodb/usage-store';
import { ProviderScorecard } from '../../../functions/admin/provider-stats';
import { runAdmin } from '../../../functions/admin/cli';
import { newApiKey, newWebhookSecret } from '../../../functions/domain/accounts/accounts';
import { PriceList } from '../../../functions/domain/credits/credits';
import type { ContactRecord, Results, WaterfallStep } from '../../../functions/domain/enrichment/contact';
import type { EnrichmentType } from '../../../functions/domain/enrichment/enrichment-request';
import { FinishEnrichment } from '../../../functions/domain/enrichment/finish-enrichment';
import type { WaterfallSettings } from '../../../functions/domain/enrichment/waterfall-settings';
import { newId } from '../../../functions/domain/ids';
import { EraseContact } from '../../../functions/domain/privacy/erase-contact';
import { ReadAccountUsage } from '../../../functions/domain/usage/account-usage';
import { createTestTable, itemsOfAccount, type TestTable } from '../../support/dynamo';
import { RecordingWebhookQueue } from '../../support/product';
import { contactRecord } from '../../unit/fakes';

const WATERFALL: WaterfallSettings = {
  order: { email: ['hunter', 'prospeo'], phone: ['prospeo', 'lusha'], personal_email: ['lusha', 'prospeo'] },
  prices: { hunter: { email: 2 }, lusha: { phone: 25, personal_email: 4 } },
  verifier: null,
};
const prices = new PriceList(WATERFALL);
const DAY_1 = new Date('2026-12-01T23:59:00.000Z');
const DAY_2 = new Date('2026-12-02T00:01:00.000Z');

/** One type of one enrichment: found by a provider (its index in the order), from the cache, or not at all. */
type TypePlan = { type: EnrichmentType; found: number | 'cache' | null };
interface EnrichmentPlan {
  types: TypePlan[];
  maxCredits: number | null;
  day: Date;
  /** Finished twice (a replay of RecordResult). */
  replayed: boolean;
}

const typePlan = (type: EnrichmentType) =>
  fc.record({
    type: fc.constant(type),
    found: fc.oneof(fc.constantFrom(0, 1), fc.constant('cache' as const), fc.constant(null)),
  });

const enrichmentPlan: fc.Arbitrary<EnrichmentPlan> = fc.record({
  types: fc
    .subarray(['email', 'phone', 'personal_email'] as const, { minLength: 1 })
    .chain((types) => fc.tuple(...types.map(typePlan))),
  maxCredits: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
  day: fc.constantFrom(DAY_1, DAY_2),
  replayed: fc.boolean(),
});

describe('Usage and provider stats counters', () => {
  let table: TestTable;
  let accounts: DynamoAccountAdminStore;
  let accepts: DynamoAcceptStore;

  beforeAll(async () => {
    table = await createTestTable();
    accounts = new DynamoAccountAdminStore(table.db, table.tableName);
    accepts = new DynamoAcceptStore(table.db, table.tableName, 90);
  });
  afterAll(() => table.drop());

  async function newAccount(): Promise<string> {
    const accountId = newId();
    await accounts.createAccount(
      {
        account_id: accountId,
        name: 'Usage',
        balance: 100_000,
        reserved: 0,
        personal_email_consent: true,
        default_phone_country_codes: null,
        webhook_secret: newWebhookSecret(),
        created_at: DAY_1.toISOString(),
        rate_limit: null,
        bucket_full_at: null,
      },
      newApiKey(),
    );
    return accountId;
  }

  function finisher(at: Date, db: DynamoDBDocumentClient = table.db): FinishEnrichment {
    return new FinishEnrichment({
      finishes: new DynamoFinishStore(db, table.tableName),
      webhooks: new RecordingWebhookQueue(),
      clock: { now: () => at },
      prices,
      stats: new DynamoProviderStats(db, table.tableName),
    });
  }

  /** Accepts an enrichment whose provider steps already ran as `plan` says (results and trace on the record). */
  async function acceptWalked(accountId: string, plan: EnrichmentPlan): Promise<ContactRecord> {
    const found: Results = {};
    const waterfall: WaterfallStep[] = [];
    for (const { type, found: by } of plan.types) {
      const order = WATERFALL.order[type];
      const step = (provider: string, outcome: WaterfallStep['outcome']): WaterfallStep => ({
        type,
        provider,
        outcome,
        duration_ms: 120,
        detail: null,
      });
      if (by === 'cache') waterfall.push(step('cache', 'found'));
      else
        for (const [index, provider] of order.entries()) {
          if (by !== null && index > by) break;
          waterfall.push(step(provider, index === by ? 'found' : 'not_found'));
        }
      if (by === null) continue;
      const provider = by === 'cache' ? order[0]! : order[by]!;
      const cached = by === 'cache' ? { cached: true } : {};
      if (type === 'phone')
        found.phones = [{ number: '+33612345678', country: 'FR', type: 'mobile', provider, ...cached }];
      else found[type] = { value: 'jane@acme.com', status: 'valid', provider, ...cached };
    }
    const types = plan.types.map((t) => t.type);
    const record = contactRecord({
      account_id: accountId,
      enrichment_id: newId(),
      linkedin_url: null,
      enrichment_type: types,
      phone_country_codes: null,
      max_credits: plan.maxCredits,
      created_at: DAY_1.toISOString(),
      credits_reserved: prices.reservationFor({ enrichment_type: types, max_credits: plan.maxCredits }),
      waterfall,
      progress: {
        found,
        closed: Object.fromEntries(types.map((type) => [type, true])),
        candidates: {},
      },
    });
    await accepts.accept(record, {
      enrichment_id: record.enrichment_id,
      firstname: 'Jane',
      lastname: 'Doe',
      status: 'pending',
      custom: {},
    });
    return record;
  }

  async function finishPlan(accountId: string, plan: EnrichmentPlan): Promise<ContactRecord> {
    const record = await acceptWalked(accountId, plan);
    const finish = finisher(plan.day);
    await finish.execute({ account_id: accountId, enrichment_id: record.enrichment_id });
    if (plan.replayed) await finish.execute({ account_id: accountId, enrichment_id: record.enrichment_id });
    return record;
  }

  const usageReader = () =>
    new ReadAccountUsage({ usage: new DynamoUsage(table.db, table.tableName), clock: { now: () => DAY_2 } });

  it("reads usage equal to the ledger's charges over random histories, each type's credits the sum of its providers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(enrichmentPlan, { minLength: 1, maxLength: 6 }), async (plans) => {
        // Prepare
        const accountId = await newAccount();
        for (const plan of plans) await finishPlan(accountId, plan);

        // Act
        const usage = await usageReader().execute(accountId, { from: '2026-12-01', to: '2026-12-02' });
        const day1 = await usageReader().execute(accountId, { from: '2026-12-01', to: '2026-12-01' });
        const day2 = await usageReader().execute(accountId, { from: '2026-12-02', to: '2026-12-02' });

        // Assess
        const ledger = await accounts.ledger(accountId);
        const charged = ledger
          .filter((e) => e.kind === 'charge')
          .reduce((sum, e) => sum - e.balance_delta, 0);
        expect(usage.credits_charged).toBe(charged);
        expect(usage.enrichments).toBe(plans.length);
        expect(day1.enrichments + day2.enrichments).toBe(plans.length);
        expect(day1.credits_charged + day2.credits_charged).toBe(charged);
        let typesCredits = 0;
        for (const type of ['email', 'phone', 'personal_email'] as const) {
          const typeUsage = usage.types[type];
          const providers = Object.values(typeUsage.by_provider);
          expect(typeUsage.credits).toBe(providers.reduce((sum, p) => sum + p.credits, 0));
          expect(typeUsage.found).toBe(providers.reduce((sum, p) => sum + p.found, 0));
          expect(typeUsage.requested).toBe(plans.filter((p) => p.types.some((t) => t.type === type)).length);
          expect(typeUsage.found).toBe(
            plans.filter((p) => p.types.some((t) => t.type === type && t.found !== null)).length,
          );
          typesCredits += typeUsage.credits;
        }
        expect(typesCredits).toBe(charged);
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('keeps the charge of each found type on the record, and shows a cached find under cache', async () => {
    // Prepare
    const accountId = await newAccount();
    const record = await finishPlan(accountId, {
      types: [
        { type: 'email', found: 'cache' },
        { type: 'phone', found: 1 },
      ],
      maxCredits: 20,
      day: DAY_1,
      replayed: false,
    });

    // Act
    const usage = await usageReader().execute(accountId, { from: '2026-12-01' });
    const stored = await new DynamoFinishStore(table.db, table.tableName).getContact(
      accountId,
      record.enrichment_id,
    );

    // Assess: email from the cache at hunter's price 2, the phone from lusha (25) capped by max_credits at 18.
    expect(stored?.charges).toEqual({ email: 2, phone: 18 });
    expect(usage).toMatchObject({
      enrichments: 1,
      credits_charged: 20,
      types: {
        email: { requested: 1, found: 1, credits: 2, by_provider: { cache: { found: 1, credits: 2 } } },
        phone: { requested: 1, found: 1, credits: 18, by_provider: { lusha: { found: 1, credits: 18 } } },
        personal_email: { requested: 0, found: 0, credits: 0, by_provider: {} },
      },
    });
  });

  it('counts an enrichment once when two finishes race, and its stats once', async () => {
    // Prepare
    const accountId = await newAccount();
    const record = await acceptWalked(accountId, {
      types: [{ type: 'personal_email', found: 1 }],
      maxCredits: null,
      day: DAY_1,
      replayed: false,
    });
    const command = { account_id: accountId, enrichment_id: record.enrichment_id };
    const statsBefore = await new DynamoProviderStats(table.db, table.tableName).statsOf('lusha', {
      from: '2026-12-01',
      to: '2026-12-01',
    });

    // Act
    const reports = await Promise.all([finisher(DAY_1).execute(command), finisher(DAY_1).execute(command)]);

    // Assess
    expect(reports.map((r) => r.status).sort()).toEqual(['already_finished', 'finished']);
    const usage = await usageReader().execute(accountId, { from: '2026-12-01', to: '2026-12-01' });
    expect(usage).toMatchObject({ enrichments: 1, credits_charged: 3 });
    const statsAfter = await new DynamoProviderStats(table.db, table.tableName).statsOf('lusha', {
      from: '2026-12-01',
      to: '2026-12-01',
    });
    const calls = (items: Record<string, number>[]) =>
      items.reduce((sum, item) => sum + (item['calls#personal_email'] ?? 0), 0);
    expect(calls(statsAfter) - calls(statsBefore)).toBe(1);
  });

  it('counts nothing for a pending enrichment cancelled by erasure: it never finished', async () => {
    // Prepare
    const accountId = await newAccount();
    const record = await acceptWalked(accountId, {
      types: [{ type: 'email', found: 0 }],
      maxCredits: null,
      day: DAY_1,
      replayed: false,
    });
    const erase = new EraseContact({
      contacts: new DynamoErasureStore(table.db, table.tableName),
      cache: new DynamoResultCache(table.db, table.tableName),
      clock: { now: () => DAY_1 },
    });

    // Act
    const erased = await erase.execute(accountId, record.enrichment_id);

    // Assess
    expect(erased.status).toBe('pending');
    expect((await itemsOfAccount(table, accountId)).USAGE).toBeUndefined();
    expect((await usageReader().execute(accountId, {})).enrichments).toBe(0);
  });

  describe('the provider scorecard', () => {
    /** A document client that records the name of every command it sends. */
    function countingClient(): { db: DynamoDBDocumentClient; commands: string[] } {
      const db = createDocumentClient({ endpoint: table.endpoint });
      const commands: string[] = [];
      db.middlewareStack.add(
        (next, context) => async (args) => {
          commands.push(context.commandName ?? 'unknown');
          return next(args);
        },
        { step: 'initialize', name: 'countCommands' },
      );
      return { db, commands };
    }

    async function readScorecard() {
      const { db, commands } = countingClient();
      try {
        const card = await new ProviderScorecard({
          stats: new DynamoProviderStats(db, table.tableName),
          waterfall: WATERFALL,
          fees: { hunter: { email: { usd: 0.0149, per: 'find' } } },
          clock: { now: () => DAY_2 },
        }).read(7);
        return { card, commands };
      } finally {
        db.destroy();
      }
    }

    it('reads the counters alone: no scan, as many commands after 200 finishes as after 10', async () => {
      // Prepare: email found by prospeo after hunter missed, every time.
      const accountId = await newAccount();
      const plan: EnrichmentPlan = {
        types: [{ type: 'email', found: 1 }],
        maxCredits: null,
        day: DAY_1,
        replayed: false,
      };
      const before = await readScorecard();
      for (let i = 0; i < 10; i += 1) await finishPlan(accountId, plan);

      // Act
      const after10 = await readScorecard();
      for (let i = 0; i < 190; i += 1) await finishPlan(accountId, { ...plan, replayed: i % 10 === 0 });
      const after200 = await readScorecard();

      // Assess
      expect(after10.commands).not.toContain('ScanCommand');
      expect(new Set(after10.commands)).toEqual(new Set(['QueryCommand']));
      expect(after200.commands).toHaveLength(after10.commands.length);
      const hunter = (card: typeof before.card) => card.providers.hunter?.email;
      const prospeo = (card: typeof before.card) => card.providers.prospeo?.email;
      expect(hunter(after200.card)!.calls - hunter(before.card)!.calls).toBe(200);
      expect(hunter(after200.card)!.not_found - hunter(before.card)!.not_found).toBe(200);
      expect(prospeo(after200.card)!.found - prospeo(before.card)!.found).toBe(200);
      expect(prospeo(after200.card)!.p50_ms).toBe(250);
    }, 120_000);

    it('sums the bounces feedback adds to the unsharded item of a day', async () => {
      // Prepare
      const { card: before } = await readScorecard();
      await table.db.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: keys.providerStats('lusha', '2026-12-01'),
          UpdateExpression: 'ADD #bounces :one',
          ExpressionAttributeNames: { '#bounces': 'bounces#phone' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );

      // Act
      const { card } = await readScorecard();

      // Assess
      expect(card.providers.lusha!.phone!.bounces - before.providers.lusha!.phone!.bounces).toBe(1);
    });

    it('prints the scorecard from the operator CLI, and refuses a bad --days', async () => {
      // Prepare
      const target = {
        tableName: table.tableName,
        dynamoEndpoint: table.endpoint,
        waterfall: WATERFALL,
        redriveWebhooks: async () => ({}),
        recoverEnrichments: async () => ({}),
        resendWebhook: async () => ({}),
      };

      // Act
      const printed = (await runAdmin(['providers', 'stats', '--days', '366'], target)) as {
        providers: Record<string, unknown>;
        recommendations: Record<string, { configured_order: string[] }>;
      };

      // Assess
      expect(Object.keys(printed.providers)).toEqual(expect.arrayContaining(['hunter', 'prospeo', 'lusha']));
      expect(printed.recommendations.email!.configured_order).toEqual(['hunter', 'prospeo']);
      await expect(runAdmin(['providers', 'stats', '--days', '0'], target)).rejects.toThrow(
        /--days must be 1 to 366/,
      );
      await expect(runAdmin(['providers', 'stats', '--days', '1e1'], target)).rejects.toThrow(/--days/);
    });
  });
});
