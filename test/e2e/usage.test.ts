/**
 * GET /account/usage and the provider scorecard over a started local stack: what finished enrichments found and
 * cost, by type and provider (the cache included), equal to the ledger's charges; its 400s; and the operator's
 * `providers stats` read from the same finishes.
 */
import { runAdmin } from '../../functions/admin/cli';
import { SANDBOX_WATERFALL } from '../../functions/domain/enrichment/waterfall-settings';
import type { Scorecard } from '../../functions/domain/usage/scorecard';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

describe('Local stack: usage and the provider scorecard over HTTP', () => {
  let e2e: E2eStack;
  const today = () => new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    e2e = await startE2eStack(
      'usage',
      { credits: 1000 },
      { traffic: { resultCache: { days: 30, scope: 'account' } } },
    );
  });
  afterAll(() => e2e.stop());

  async function enrichAndWait(body: Record<string, unknown>): Promise<void> {
    const accepted = await e2e.api.enrich(body);
    expect(accepted.status).toBe(202);
    await e2e.api.untilFinished(String(accepted.body.enrichment_id));
  }

  it('answers zeros for every type before anything finished', async () => {
    // Act
    const answer = await e2e.api.usage();

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      to: today(),
      enrichments: 0,
      credits_charged: 0,
      credits_refunded: 0,
    });
    for (const type of ['email', 'phone', 'personal_email']) {
      expect((answer.body.types as Record<string, unknown>)[type]).toEqual({
        requested: 0,
        found: 0,
        credits: 0,
        by_provider: {},
      });
    }
  });

  it("sums the finished enrichments by type and provider, the cache's finds under cache, equal to the ledger", async () => {
    // Prepare: a find of both types, the same person again (email from the cache), and one found nowhere.
    await enrichAndWait({
      firstname: 'Jane',
      lastname: 'Doe',
      domain: 'acme.com',
      linkedin_url: 'linkedin.com/in/jane-doe',
      enrichment_type: ['email', 'phone'],
      phone_country_codes: ['FR'],
    });
    await enrichAndWait({
      firstname: 'Jane',
      lastname: 'Doe',
      domain: 'acme.com',
      linkedin_url: 'linkedin.com/in/jane-doe',
      enrichment_type: ['email'],
    });
    await enrichAndWait({
      firstname: 'No',
      lastname: 'Nobody',
      domain: 'acme.com',
      enrichment_type: ['email'],
    });

    // Act
    const answer = await e2e.api.usage({ from: today(), to: today() });

    // Assess
    const ledger = await e2e.api.ledger({ limit: 200 });
    const charged = ledger.body.entries
      .filter((entry) => entry.kind === 'charge')
      .reduce((sum, entry) => sum - Number(entry.balance_delta), 0);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      from: today(),
      to: today(),
      enrichments: 3,
      credits_charged: charged,
      credits_refunded: 0,
      types: {
        email: {
          requested: 3,
          found: 2,
          credits: 2,
          by_provider: { 'sandbox-primary': { found: 1, credits: 1 }, cache: { found: 1, credits: 1 } },
        },
        phone: {
          requested: 1,
          found: 1,
          credits: 10,
          by_provider: { 'sandbox-primary': { found: 1, credits: 10 } },
        },
        personal_email: { requested: 0, found: 0, credits: 0, by_provider: {} },
      },
    });
    expect(charged).toBe(12);
  });

  it.each([
    [{ from: '2026-13-01' }, 'from'],
    [{ to: '2026-12-1' }, 'to'],
    [{ from: '2026-12-02', to: '2026-12-01' }, 'from'],
    [{ from: '2025-01-01', to: '2026-01-02' }, 'from'],
  ])('refuses %j with a 400 naming %s', async (query, path) => {
    // Act
    const answer = await e2e.api.usage(query);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_error', errors: [{ path }] });
  });

  it('refuses a caller without a key', async () => {
    // Act
    const answer = await e2e.api.withKey(undefined).usage();

    // Assess
    expect(answer.status).toBe(401);
  });

  it("prints the scorecard of the stack's finishes from the operator CLI", async () => {
    // Act
    const card = (await runAdmin(['providers', 'stats', '--days', '1'], {
      tableName: e2e.stack.tableName,
      dynamoEndpoint: e2e.stack.dynamoEndpoint,
      waterfall: SANDBOX_WATERFALL,
      redriveWebhooks: async () => ({}),
      recoverEnrichments: async () => ({}),
      resendWebhook: async () => ({}),
    })) as Scorecard;

    // Assess: Jane's email and phone at the primary, Nobody's email missed by both, Jane's second email cached.
    expect(card.providers['sandbox-primary']?.email).toMatchObject({
      calls: 2,
      found: 1,
      not_found: 1,
      find_rate: 0.5,
      credits_charged: 1,
      estimated_fees_usd: 0.02,
      fee_per_find_usd: 0.02,
    });
    expect(card.providers['sandbox-secondary']?.email).toMatchObject({ calls: 1, found: 0, not_found: 1 });
    expect(card.providers.cache?.email).toMatchObject({
      found: 1,
      credits_charged: 1,
      estimated_fees_usd: 0,
    });
    expect(card.recommendations.email.configured_order).toEqual(['sandbox-primary', 'sandbox-secondary']);
  });
});
