/**
 * The Release 2 waterfall over HTTP against the local stack: progress while pending, types in parallel, and the
 * operator's recovery of pending enrichments.
 */
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import type { ContactView } from '../../functions/domain/enrichment/contact';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { ApiClient } from '../support/http-client';

describe('Local stack: the waterfall over HTTP', () => {
  let stack: LocalStack;
  let db: ReturnType<typeof createDocumentClient>;
  let api: ApiClient;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      tableName: `e2e-waterfall-${Date.now()}`,
      fastWaitsMs: 5,
    });
    db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
    const account = await new AccountAdministration(
      new DynamoAccountAdminStore(db, stack.tableName),
      systemClock,
    ).create({ name: 'E2E waterfall', credits: 100, personalEmailConsent: true, phoneCountryCodes: null });
    api = new ApiClient(stack.apiUrl, account.api_key);
  });

  afterAll(async () => {
    await stack.stop();
    db.destroy();
  });

  const slowContact = {
    firstname: 'Jane',
    lastname: 'Slowman',
    domain: 'acme.com',
    linkedin_url: 'linkedin.com/in/jane-slowman',
  };

  it('shows the steps already taken while pending (slow), results staying null until finished', async () => {
    // Act
    const accepted = await api.enrich({ ...slowContact, enrichment_type: ['email'] });
    const { finished, pendingAnswers } = await api.untilFinished(String(accepted.body.enrichment_id), {
      pollMs: 100,
    });

    // Assess
    const withStep = pendingAnswers
      .map((answer) => answer.body as unknown as ContactView)
      .find((record) => record.waterfall.length > 0);
    expect(withStep).toBeDefined();
    expect(withStep!.results).toBeNull();
    expect(withStep!.waterfall).toEqual([
      expect.objectContaining({ type: 'email', provider: 'sandbox-primary', outcome: 'not_found' }),
    ]);
    expect((finished.body as unknown as ContactView).waterfall.map((s) => [s.provider, s.outcome])).toEqual([
      ['sandbox-primary', 'not_found'],
      ['sandbox-secondary', 'found'],
    ]);
  });

  it('asks for all requested types at once: every first provider answers before any second one (slow)', async () => {
    // Act
    const accepted = await api.enrich({
      ...slowContact,
      enrichment_type: ['email', 'phone', 'personal_email'],
    });
    const { finished } = await api.untilFinished(String(accepted.body.enrichment_id), { pollMs: 200 });

    // Assess: one after another, each type's second step would come before the next type's first.
    const trace = (finished.body as unknown as ContactView).waterfall;
    expect(trace.slice(0, 3).map((s) => s.outcome)).toEqual(['not_found', 'not_found', 'not_found']);
    expect(new Set(trace.slice(0, 3).map((s) => s.type))).toEqual(
      new Set(['email', 'phone', 'personal_email']),
    );
    expect(trace.slice(3).map((s) => [s.provider, s.outcome])).toEqual([
      ['sandbox-secondary', 'found'],
      ['sandbox-secondary', 'found'],
      ['sandbox-secondary', 'found'],
    ]);
  });

  it("runs the sweeper on the operator's demand and reports what it found", async () => {
    // Act
    const response = await fetch(`${stack.apiUrl}/_local/enrichments/recover?older_than=0`, {
      method: 'POST',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      checked: expect.any(Number),
      running: expect.any(Number),
      started: 0,
      finished: 0,
    });
  });
});

describe('Local stack: results from the cache over HTTP', () => {
  let e2e: E2eStack;
  let cached: ApiClient;

  beforeAll(async () => {
    e2e = await startE2eStack(
      'cache',
      { credits: 100 },
      { traffic: { resultCache: { days: 30, scope: 'account' } } },
    );
    cached = e2e.api;
  });

  afterAll(() => e2e.stop());

  it('never answers a cached number outside the countries a later request allows', async () => {
    // Prepare: a US number found and cached for this person.
    const person = { firstname: 'Jean', lastname: 'Dupont', linkedin_url: 'linkedin.com/in/jean-dupont' };
    const first = await cached.enrich({ ...person, enrichment_type: ['phone'], phone_country_codes: ['US'] });
    await cached.untilFinished(String(first.body.enrichment_id));

    // Act
    const second = await cached.enrich({
      ...person,
      enrichment_type: ['phone'],
      phone_country_codes: ['FR'],
    });
    const { finished } = await cached.untilFinished(String(second.body.enrichment_id));

    // Assess
    const record = finished.body as unknown as ContactView;
    expect(record.results?.phones).toEqual([expect.objectContaining({ country: 'FR' })]);
    expect(record.waterfall.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['cache', 'rejected', 'outside allowed countries'],
      ['sandbox-primary', 'found', null],
    ]);
    expect(record.credits_used).toBe(10);
  });
});
