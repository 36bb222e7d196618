/**
 * The waterfall state machine, path by path: the real ASL file executed locally, the real provider-step and
 * record-result handlers, records and credits on DynamoDB Local.
 */
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import type { WaterfallSettings } from '../../../functions/domain/enrichment/waterfall-settings';
import {
  PermanentProviderError,
  TransientProviderError,
  type Provider,
} from '../../../functions/providers/provider';
import { createTestProduct, type TestProduct } from '../../support/product';

const ALL_TYPES = ['email', 'phone', 'personal_email'] as const;

function order(...providers: string[]): WaterfallSettings['order'] {
  return { email: providers, phone: providers, personal_email: providers };
}

function fakeProvider(name: string, find: Provider['find'], poll?: Provider['poll']): Provider {
  return { name, types: ALL_TYPES, find, poll };
}

let failuresLeft = 0;
let polls = 0;
const fakes: Record<string, Provider> = {
  'recovers-after-two-failures': fakeProvider('recovers-after-two-failures', async () => {
    if (failuresLeft-- > 0) throw new TransientProviderError('503 from provider');
    return { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' };
  }),
  'bad-key': fakeProvider('bad-key', async () => {
    throw new PermanentProviderError('provider refused the API key (401)');
  }),
  'foreign-phones': fakeProvider('foreign-phones', async () => ({
    kind: 'phones',
    phones: [{ number: '+1 201-555-0123' }],
  })),
  'async-search': fakeProvider(
    'async-search',
    async () => ({ kind: 'pending', token: 'search-42', afterSeconds: 3 }),
    async (token) => {
      polls += 1;
      if (polls < 2) return { kind: 'pending', token, afterSeconds: 3 };
      return { kind: 'email', email: 'jane.doe@acme.com', verdict: 'catch_all', detail: `search ${token}` };
    },
  ),
  'asks-to-wait': fakeProvider('asks-to-wait', async () => {
    if (failuresLeft-- > 0) throw new TransientProviderError('429 from provider', 2);
    return { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' };
  }),
  undeliverable: fakeProvider('undeliverable', async () => ({
    kind: 'email',
    email: 'jane.doe@acme.com',
    verdict: 'invalid',
  })),
};

async function runToFinish(
  product: TestProduct,
  accountId: string,
  body: Record<string, unknown>,
): Promise<{ view: ContactView; transitions: number; events: string[]; entered: string[]; runs: number }> {
  const accepted = await product.post(accountId, {
    firstname: 'Jane',
    lastname: 'Doe',
    domain: 'acme.com',
    ...body,
  });
  expect(accepted.statusCode).toBe(202);
  const { enrichment_id: id } = JSON.parse(accepted.body) as { enrichment_id: string };
  await product.product.workflow.idle();
  const execution = product.product.workflow.execution(id)!;
  expect(execution.status).toBe('succeeded');
  const view = JSON.parse((await product.get(accountId, id)).body) as ContactView;
  return {
    view,
    transitions: execution.stateTransitions,
    events: execution.events.map((e) => e.type),
    // States entered in the waterfall and its steps runs, by name.
    entered: execution.events.filter((e) => e.type === 'StateEntered').map((e) => e.state!.name),
    runs: execution.stepsRuns.length,
  };
}

describe('State machine: waterfall', () => {
  let product: TestProduct;
  let settings: WaterfallSettings;

  beforeAll(async () => {
    settings = { order: order('sandbox-primary', 'sandbox-secondary'), prices: {}, verifier: null };
    product = await createTestProduct({
      waterfall: settings,
      extraProviders: fakes,
      providerKeys: async () => ({}),
    });
  });
  afterAll(() => product.close());

  beforeEach(() => {
    settings.order = order('sandbox-primary', 'sandbox-secondary');
    settings.prices = {};
    failuresLeft = 0;
    polls = 0;
  });

  it('finds an email at the first provider in three state transitions and one steps run, and charges its price', async () => {
    // Prepare
    const account = await product.createAccount({ balance: 10 });

    // Act
    const { view, transitions, runs } = await runToFinish(product, account.accountId, {
      enrichment_type: ['email'],
    });

    // Assess
    expect(view.status).toBe('finished');
    expect(view.results).toEqual({
      email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' },
    });
    expect(view.waterfall).toEqual([
      {
        type: 'email',
        provider: 'sandbox-primary',
        outcome: 'found',
        duration_ms: expect.any(Number),
        detail: null,
      },
    ]);
    expect(view.credits_used).toBe(1);
    // Steps, Route, RecordResult: the provider step itself runs in the Express steps workflow.
    expect(transitions).toBe(3);
    expect(runs).toBe(1);
    expect(await product.credits(account.accountId)).toEqual({ balance: 9, reserved: 0, available: 9 });
  });

  it('retries a transient provider error in the state machine, then records the find', async () => {
    // Prepare
    settings.order = order('recovers-after-two-failures', 'sandbox-secondary');
    failuresLeft = 2;
    const account = await product.createAccount();

    // Act
    const { view, events } = await runToFinish(product, account.accountId, { enrichment_type: ['email'] });

    // Assess
    expect(events.filter((type) => type === 'StateRetried')).toHaveLength(2);
    expect(view.waterfall.map((s) => [s.provider, s.outcome])).toEqual([
      ['recovers-after-two-failures', 'found'],
    ]);
  });

  it('traces a provider that keeps failing transiently as an error and lets the next one find (flaky)', async () => {
    // Prepare
    const account = await product.createAccount();

    // Act
    const { view, events } = await runToFinish(product, account.accountId, {
      lastname: 'Flaky',
      enrichment_type: ['email'],
    });

    // Assess
    expect(events.filter((type) => type === 'StateRetried')).toHaveLength(3);
    expect(view.waterfall.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['sandbox-primary', 'error', 'transient errors persisted after retries'],
      ['sandbox-secondary', 'found', null],
    ]);
    expect(view.results?.email?.value).toBe('jane.flaky@acme.com');
  });

  it('moves past a permanently failing provider without retrying it', async () => {
    // Prepare
    settings.order = order('bad-key', 'sandbox-secondary');
    const account = await product.createAccount();

    // Act
    const { view, events } = await runToFinish(product, account.accountId, { enrichment_type: ['email'] });

    // Assess
    expect(events).not.toContain('StateRetried');
    expect(view.waterfall.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['bad-key', 'error', 'provider refused the API key (401)'],
      ['sandbox-secondary', 'found', null],
    ]);
  });

  it('finishes with no data and no charge when every provider misses (nobody)', async () => {
    // Prepare
    const account = await product.createAccount({ balance: 20, personal_email_consent: true });

    // Act
    const { view } = await runToFinish(product, account.accountId, {
      lastname: 'Nobody',
      enrichment_type: ['email', 'phone', 'personal_email'],
      linkedin_url: 'linkedin.com/in/nobody',
    });

    // Assess
    expect(view.results).toEqual({ email: null, phones: [], personal_email: null });
    expect(view.credits_used).toBe(0);
    expect(view.waterfall).toHaveLength(6);
    expect(view.waterfall.every((s) => s.outcome === 'not_found')).toBe(true);
    expect(await product.credits(account.accountId)).toEqual({ balance: 20, reserved: 0, available: 20 });
  });

  it('finds several types in one request and charges each found type once', async () => {
    // Prepare
    const account = await product.createAccount({ balance: 20, personal_email_consent: true });

    // Act
    const { view } = await runToFinish(product, account.accountId, {
      firstname: 'Zoë',
      enrichment_type: ['email', 'phone', 'personal_email'],
      linkedin_url: 'https://www.linkedin.com/in/zoe-doe/',
      phone_country_codes: ['fr'],
    });

    // Assess
    expect(view.results).toEqual({
      email: { value: 'zoe.doe@acme.com', status: 'valid', provider: 'sandbox-primary' },
      phones: [{ number: '+33612345678', country: 'FR', type: 'mobile', provider: 'sandbox-primary' }],
      personal_email: { value: 'zoe.doe@gmail.com', status: 'valid', provider: 'sandbox-primary' },
    });
    expect(view.credits_used).toBe(14);
    expect(await product.credits(account.accountId)).toEqual({ balance: 6, reserved: 0, available: 6 });
  });

  it('rejects phones outside the allowed countries and takes them from the next provider', async () => {
    // Prepare
    settings.order = order('foreign-phones', 'sandbox-secondary');
    const account = await product.createAccount();

    // Act
    const { view } = await runToFinish(product, account.accountId, {
      enrichment_type: ['phone'],
      linkedin_url: 'linkedin.com/in/jane-doe',
      phone_country_codes: ['FR'],
    });

    // Assess
    expect(view.waterfall.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['foreign-phones', 'rejected', 'outside allowed countries'],
      ['sandbox-secondary', 'found', null],
    ]);
    expect(view.results?.phones).toEqual([
      { number: '+33612345678', country: 'FR', type: 'mobile', provider: 'sandbox-secondary' },
    ]);
    expect(view.credits_used).toBe(10);
  });

  it('polls an asynchronous provider through Wait states until its search is ready', async () => {
    // Prepare
    settings.order = order('async-search');
    const account = await product.createAccount();

    // Act
    const { view, entered, transitions } = await runToFinish(product, account.accountId, {
      enrichment_type: ['email'],
    });

    // Assess
    expect(polls).toBe(2);
    // Three seconds between polls fit the steps run's budget: it waits itself, in its Wait state.
    expect(entered.filter((name) => name === 'ProviderStep')).toHaveLength(3);
    expect(entered.filter((name) => name === 'WaitForProvider')).toHaveLength(2);
    expect(transitions).toBe(3);
    expect(view.results?.email).toEqual({
      value: 'jane.doe@acme.com',
      status: 'catch_all',
      provider: 'async-search',
    });
    expect(view.waterfall).toEqual([
      {
        type: 'email',
        provider: 'async-search',
        outcome: 'found',
        duration_ms: expect.any(Number),
        detail: 'search search-42',
      },
    ]);
  });

  it('waits for a provider Retry-After in the state machine rather than in the function', async () => {
    // Prepare
    settings.order = order('asks-to-wait');
    failuresLeft = 1;
    const account = await product.createAccount();

    // Act
    const { view, events, entered } = await runToFinish(product, account.accountId, {
      enrichment_type: ['email'],
    });

    // Assess
    expect(events).not.toContain('StateRetried');
    expect(entered.filter((name) => name === 'ProviderStep')).toHaveLength(2);
    expect(entered.filter((name) => name === 'WaitForProvider')).toHaveLength(1);
    expect(view.results?.email?.provider).toBe('asks-to-wait');
  });

  it('rejects an undeliverable email and keeps looking', async () => {
    // Prepare
    settings.order = order('undeliverable', 'sandbox-secondary');
    const account = await product.createAccount();

    // Act
    const { view } = await runToFinish(product, account.accountId, { enrichment_type: ['email'] });

    // Assess
    expect(view.waterfall.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['undeliverable', 'rejected', 'undeliverable'],
      ['sandbox-secondary', 'found', null],
    ]);
  });

  it('skips a provider whose API key is not configured and says so in the trace', async () => {
    // Prepare
    settings.order = order('hunter', 'sandbox-secondary');
    const account = await product.createAccount();

    // Act
    const { view } = await runToFinish(product, account.accountId, { enrichment_type: ['email'] });

    // Assess
    expect(view.waterfall.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['hunter', 'error', 'skipped: no API key configured'],
      ['sandbox-secondary', 'found', null],
    ]);
  });

  it('charges the price of the provider that found the data', async () => {
    // Prepare
    settings.prices = { 'sandbox-primary': { email: 2 } };
    const account = await product.createAccount({ balance: 5 });

    // Act
    const { view } = await runToFinish(product, account.accountId, { enrichment_type: ['email'] });

    // Assess
    expect(view.credits_used).toBe(2);
    expect(await product.credits(account.accountId)).toEqual({ balance: 3, reserved: 0, available: 3 });
  });
});
