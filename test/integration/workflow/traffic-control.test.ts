/**
 * Provider traffic control on the real waterfall: deployment-wide rate limits, the circuit breaker, and the
 * results cache, against DynamoDB Local and a provider simulator answering as Hunter's API does.
 */
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import type { WaterfallSettings } from '../../../functions/domain/enrichment/waterfall-settings';
import type { Config } from '../../../functions/config';
import { startProviderSimulator, type ProviderSimulator } from '../../support/provider-simulator';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

const HUNTER_FIRST: WaterfallSettings = {
  order: { email: ['hunter', 'sandbox-secondary'], phone: [], personal_email: [] },
  prices: {},
  verifier: null,
};

async function simulatedProduct(
  simulator: ProviderSimulator,
  traffic: Partial<Pick<Config, 'rateLimits' | 'providerCooldownSeconds' | 'resultCache'>>,
  options: { fastWaitsMs?: number; clock?: { now(): Date } } = {},
): Promise<TestProduct> {
  return createTestProduct({
    waterfall: HUNTER_FIRST,
    providerKeys: async () => ({ hunter: 'test-key' }),
    providerBaseUrls: { hunter: simulator.baseUrl },
    traffic: { rateLimits: {}, resultCache: { days: 0, scope: 'account' }, ...traffic },
    ...('fastWaitsMs' in options ? { fastWaitsMs: options.fastWaitsMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

async function enrich(
  product: TestProduct,
  account: TestAccount,
  person: { firstname?: string; lastname?: string; domain?: string; use_cache?: boolean } = {},
): Promise<ContactView> {
  const response = await product.post(account.accountId, {
    firstname: 'Jane',
    lastname: 'Doe',
    domain: 'acme.com',
    enrichment_type: ['email'],
    ...person,
  });
  expect(response.statusCode).toBe(202);
  const { enrichment_id: id } = JSON.parse(response.body) as { enrichment_id: string };
  await product.product.workflow.idle();
  return JSON.parse((await product.get(account.accountId, id)).body) as ContactView;
}

describe('Provider traffic: deployment-wide rate limit', () => {
  let simulator: ProviderSimulator;
  let product: TestProduct;

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    // Real waits: a slot is waited for in the state machine, whole seconds at a time.
    product = await simulatedProduct(
      simulator,
      { rateLimits: { hunter: { perSecond: 5 } } },
      { fastWaitsMs: undefined },
    );
  });
  afterAll(async () => {
    await product.close();
    await simulator.stop();
  });

  // How many calls a second and in any one second is specified by the clock given to the limiter
  // (test/unit/traffic, provider-traffic-store.test.ts); here, that 200 enrichments through the real waterfall
  // each wait for their slot and call once. A loaded machine only spreads the calls further.
  it('spreads 200 concurrent enrichments over their slots at 5 calls a second, each calling the provider once', async () => {
    // Prepare
    const account = await product.createAccount({ balance: 1000 });

    // Act
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        product.post(account.accountId, {
          firstname: 'Jane',
          lastname: `Doe${i}`,
          domain: 'acme.com',
          enrichment_type: ['email'],
        }),
      ),
    );
    await product.product.workflow.idle();

    // Assess
    expect(responses.every((response) => response.statusCode === 202)).toBe(true);
    expect(simulator.arrivals).toHaveLength(200);
    // 200 slots at 5 a second after a burst of 2 span 39.4 s; a call goes at or after its slot, within a second
    // of it (later, it asks for a new slot). The bound leaves seconds for a slow step: load only adds to it.
    const spread = Math.max(...simulator.arrivals) - Math.min(...simulator.arrivals);
    expect(spread).toBeGreaterThanOrEqual(((200 - 3) / 5 - 5) * 1000);
    const finished = await Promise.all(
      responses.map(async (response) => {
        const { enrichment_id: id } = JSON.parse(response.body) as { enrichment_id: string };
        return JSON.parse((await product.get(account.accountId, id)).body) as ContactView;
      }),
    );
    expect(
      finished.every((view) => view.status === 'finished' && view.results?.email?.provider === 'hunter'),
    ).toBe(true);
  }, 300_000);
});

/** Longer than any test runs: the breaker's cool-down passes only when the test moves its clock on. */
const COOLDOWN_SECONDS = 600;

describe('Provider traffic: circuit breaker', () => {
  let simulator: ProviderSimulator;
  let product: TestProduct;
  let account: TestAccount;
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const coolDown = () => {
    offsetMs += COOLDOWN_SECONDS * 1000;
  };

  beforeAll(async () => {
    simulator = await startProviderSimulator();
    product = await simulatedProduct(simulator, { providerCooldownSeconds: COOLDOWN_SECONDS }, { clock });
    account = await product.createAccount({ balance: 1000 });
  });
  afterAll(async () => {
    await product.close();
    await simulator.stop();
  });
  beforeEach(() => simulator.reset());

  it('opens on an out-of-credits answer after one call, skips the provider until the cool-down, then closes on a trial', async () => {
    // Prepare
    simulator.mode = 'out_of_credits';

    // Act
    const refused = await enrich(product, account, { lastname: 'One' });
    const skipped = [];
    for (const lastname of ['Two', 'Three', 'Four'])
      skipped.push(await enrich(product, account, { lastname }));
    const callsWhileOpen = simulator.arrivals.length;
    simulator.mode = 'ok';
    coolDown();
    const trial = await enrich(product, account, { lastname: 'Five' });
    const after = await enrich(product, account, { lastname: 'Six' });

    // Assess
    expect(refused.waterfall[0]).toMatchObject({ provider: 'hunter', outcome: 'error' });
    expect(refused.results?.email?.provider).toBe('sandbox-secondary');
    expect(callsWhileOpen).toBe(1);
    for (const view of skipped) {
      expect(view.waterfall[0]).toMatchObject({
        provider: 'hunter',
        outcome: 'error',
        detail: 'skipped: provider unavailable (out of credits)',
      });
      expect(view.results?.email?.provider).toBe('sandbox-secondary');
    }
    expect(trial.results?.email?.provider).toBe('hunter');
    expect(after.results?.email?.provider).toBe('hunter');
    expect(simulator.arrivals).toHaveLength(3);
  });

  it('opens when most recent calls fail (5xx), and a failed trial opens it again', async () => {
    // Prepare
    simulator.mode = 'down';

    // Act: ten failing calls in the window open it; the eleventh enrichment skips the provider.
    for (let i = 0; i < 10; i++) await enrich(product, account, { lastname: `Down${i}` });
    const callsBefore = simulator.arrivals.length;
    const skipped = await enrich(product, account, { lastname: 'Skipped' });
    coolDown();
    const trial = await enrich(product, account, { lastname: 'Trial' });
    const reopened = await enrich(product, account, { lastname: 'Reopened' });

    // Assess
    expect(skipped.waterfall[0]!.detail).toBe('skipped: provider unavailable (failing on most calls)');
    expect(simulator.arrivals.length).toBeGreaterThan(callsBefore);
    expect(trial.waterfall[0]).toMatchObject({ provider: 'hunter', outcome: 'error' });
    expect(reopened.waterfall[0]!.detail).toMatch(/^skipped: provider unavailable/);
    await product.product.providers.close('hunter');
  }, 120_000);

  it('lets the operator close a breaker at once', async () => {
    // Prepare
    simulator.mode = 'bad_key';
    await enrich(product, account, { lastname: 'BadKey' });
    simulator.mode = 'ok';

    // Act
    const open = await product.product.providers.status('hunter', clock.now().getTime());
    await product.product.providers.close('hunter');
    const closed = await product.product.providers.status('hunter', clock.now().getTime());
    const view = await enrich(product, account, { lastname: 'Fixed' });

    // Assess
    expect(open).toMatchObject({ provider: 'hunter', state: 'open', reason: 'API key rejected' });
    expect(closed).toMatchObject({ state: 'closed', reason: null });
    expect(view.results?.email?.provider).toBe('hunter');
  });
});

describe('Provider traffic: results cache', () => {
  let simulator: ProviderSimulator;
  let offsetDays = 0;
  const clock = { now: () => new Date(Date.now() + offsetDays * 86_400_000) };

  beforeAll(async () => {
    simulator = await startProviderSimulator();
  });
  afterAll(() => simulator.stop());
  beforeEach(() => {
    simulator.reset();
    offsetDays = 0;
  });

  it('reuses a find for the same person without calling any provider, keeping the original provider and price', async () => {
    // Prepare
    const product = await simulatedProduct(
      simulator,
      { resultCache: { days: 30, scope: 'account' } },
      { clock },
    );
    try {
      const account = await product.createAccount({ balance: 10 });
      await enrich(product, account);

      // Act: the same person, written differently (case, accents, spaces).
      const again = await enrich(product, account, { firstname: ' JANE ', lastname: 'Doé' });

      // Assess
      expect(simulator.arrivals).toHaveLength(1);
      expect(again.waterfall).toEqual([
        { type: 'email', provider: 'cache', outcome: 'found', duration_ms: 0, detail: null },
      ]);
      expect(again.results?.email).toEqual({
        value: 'jane.doe@acme.com',
        status: 'valid',
        provider: 'hunter',
      });
      expect(again.credits_used).toBe(1);
      expect(await product.credits(account.accountId)).toEqual({ balance: 8, reserved: 0, available: 8 });
    } finally {
      await product.close();
    }
  });

  it('asks the providers on a miss, on an opt-out, and once the find is older than resultCacheDays', async () => {
    // Prepare
    const product = await simulatedProduct(
      simulator,
      { resultCache: { days: 30, scope: 'account' } },
      { clock },
    );
    try {
      const account = await product.createAccount({ balance: 10 });
      await enrich(product, account);

      // Act
      const other = await enrich(product, account, { lastname: 'Roe' });
      const optedOut = await enrich(product, account, { use_cache: false });
      offsetDays = 31;
      const expired = await enrich(product, account);

      // Assess
      expect(other.waterfall[0]!.provider).toBe('hunter');
      expect(optedOut.waterfall[0]!.provider).toBe('hunter');
      expect(expired.waterfall[0]!.provider).toBe('hunter');
      expect(simulator.arrivals).toHaveLength(4);
    } finally {
      await product.close();
    }
  });

  it("never gives one account another's finds in account scope, and shares them in deployment scope", async () => {
    // Prepare
    const accountScope = await simulatedProduct(simulator, { resultCache: { days: 30, scope: 'account' } });
    try {
      const first = await accountScope.createAccount();
      const second = await accountScope.createAccount();
      await enrich(accountScope, first);

      // Act
      const isolated = await enrich(accountScope, second);

      // Assess
      expect(isolated.waterfall[0]!.provider).toBe('hunter');
      expect(simulator.arrivals).toHaveLength(2);
    } finally {
      await accountScope.close();
    }
    simulator.reset();
    const deploymentScope = await simulatedProduct(simulator, {
      resultCache: { days: 30, scope: 'deployment' },
    });
    try {
      const first = await deploymentScope.createAccount();
      const second = await deploymentScope.createAccount();
      await enrich(deploymentScope, first);

      // Act
      const shared = await enrich(deploymentScope, second);

      // Assess
      expect(shared.waterfall[0]!.provider).toBe('cache');
      expect(simulator.arrivals).toHaveLength(1);
    } finally {
      await deploymentScope.close();
    }
  });

  it('prices a reused find at prices.cache when the deployment sets one', async () => {
    // Prepare
    const product = await createTestProduct({
      waterfall: { ...HUNTER_FIRST, prices: { cache: { email: 0 } } },
      providerKeys: async () => ({ hunter: 'test-key' }),
      providerBaseUrls: { hunter: simulator.baseUrl },
      traffic: { resultCache: { days: 30, scope: 'account' } },
    });
    try {
      const account = await product.createAccount({ balance: 10 });
      await enrich(product, account);

      // Act
      const again = await enrich(product, account);

      // Assess
      expect(again.credits_used).toBe(0);
      expect(await product.credits(account.accountId)).toEqual({ balance: 9, reserved: 0, available: 9 });
    } finally {
      await product.close();
    }
  });
});
