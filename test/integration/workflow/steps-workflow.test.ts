/**
 * The Express steps workflow under the Standard waterfall, both real ASL files executed locally: what the
 * Standard execution enters (what it bills), a type handed back before the run's budget and run on in another
 * run, and a failed run caught by the waterfall so that the enrichment still finishes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'aws-lambda';
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import type { WaterfallSettings } from '../../../functions/domain/enrichment/waterfall-settings';
import type { Provider } from '../../../functions/providers/provider';
import type { ExecutionSummary } from '../../../local/local-workflow';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

const ALL_TYPES = ['email', 'phone', 'personal_email'] as const;

function order(...providers: string[]): WaterfallSettings['order'] {
  return { email: providers, phone: providers, personal_email: providers };
}

const miss = (name: string): Provider => ({
  name,
  types: ALL_TYPES,
  find: async () => ({ kind: 'not_found' }),
});

/** Finds every type at once. */
const finder: Provider = {
  name: 'finder',
  types: ALL_TYPES,
  find: async (_contact, type) =>
    type === 'phone'
      ? { kind: 'phones', phones: [{ number: '+33612345678' }] }
      : { kind: 'email', email: `${type.replace('_', '.')}@acme.com`, verdict: 'valid' },
};

/** An asynchronous email search that takes longer than a steps run may wait; it has no phones. */
let slowPolls = 0;
const slowSearch: Provider = {
  name: 'slow-search',
  types: ALL_TYPES,
  find: async (_contact, type) =>
    type === 'email' ? { kind: 'pending', token: 'search-7', afterSeconds: 200 } : { kind: 'not_found' },
  poll: async () => {
    slowPolls += 1;
    return { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' };
  },
};

/** The clock the product runs on: moved past the steps run's budget by the provider below. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const timeSink: Provider = {
  name: 'time-sink',
  types: ALL_TYPES,
  find: async () => {
    offsetMs += 10 * 60_000;
    return { kind: 'not_found' };
  },
};

async function enrich(
  product: TestProduct,
  account: TestAccount,
  types: string[],
): Promise<{ view: ContactView; execution: ExecutionSummary }> {
  const response = await product.post(account.accountId, {
    firstname: 'Jane',
    lastname: 'Doe',
    domain: 'acme.com',
    linkedin_url: 'linkedin.com/in/jane-doe',
    enrichment_type: types,
  });
  expect(response.statusCode).toBe(202);
  const { enrichment_id: id } = JSON.parse(response.body) as { enrichment_id: string };
  await product.product.workflow.idle();
  const execution = product.product.workflow.execution(id)!;
  const view = JSON.parse((await product.get(account.accountId, id)).body) as ContactView;
  return { view, execution };
}

/** The states the Standard waterfall entered, by name (its steps runs' own states left out). */
const standardStates = (execution: ExecutionSummary) =>
  execution.events
    .filter((event) => event.type === 'StateEntered' && event.steps === undefined)
    .map((event) => event.state!.name);

describe('State machine: the Express steps workflow', () => {
  let product: TestProduct;
  let settings: WaterfallSettings;

  beforeAll(async () => {
    settings = { order: order('finder'), prices: {}, verifier: null };
    product = await createTestProduct({
      waterfall: settings,
      extraProviders: {
        'miss-1': miss('miss-1'),
        'miss-2': miss('miss-2'),
        finder,
        'slow-search': slowSearch,
        'time-sink': timeSink,
      },
      providerKeys: async () => ({}),
      clock,
    });
  });
  afterAll(() => product.close());

  beforeEach(() => {
    slowPolls = 0;
    offsetMs = 0;
  });

  it('enters three Standard states for three types of two instant misses and a hit each, in one steps run', async () => {
    // Prepare: the bill's worst measured case (bench/end-to-end.ts, scenario b).
    settings.order = order('miss-1', 'miss-2', 'finder');
    const account = await product.createAccount({ personal_email_consent: true });

    // Act
    const { view, execution } = await enrich(product, account, [...ALL_TYPES]);

    // Assess
    expect(execution.status).toBe('succeeded');
    expect(standardStates(execution)).toEqual(['Steps', 'Route', 'RecordResult']);
    expect(execution.stateTransitions).toBe(3);
    expect(execution.stepsRuns).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    const providerSteps = execution.events.filter(
      (event) => event.type === 'StateEntered' && event.state?.name === 'ProviderStep',
    );
    expect(providerSteps).toHaveLength(9);
    expect(view.status).toBe('finished');
    expect(view.results).toEqual({
      email: { value: 'email@acme.com', status: 'valid', provider: 'finder' },
      phones: [expect.objectContaining({ number: '+33612345678', provider: 'finder' })],
      personal_email: { value: 'personal.email@acme.com', status: 'valid', provider: 'finder' },
    });
    expect(view.waterfall.filter((step) => step.outcome === 'not_found')).toHaveLength(6);
  });

  it('hands a type back before its wait would pass the run budget: the waterfall waits, a new run goes on', async () => {
    // Prepare: the email search asks for 200 s, past the 120 s a steps run waits; the phone ends at once.
    settings.order = order('slow-search');
    const account = await product.createAccount();

    // Act
    const { view, execution } = await enrich(product, account, ['email', 'phone']);

    // Assess: the wait happened in the Standard waterfall, between two steps runs.
    expect(execution.status).toBe('succeeded');
    expect(execution.stepsRuns).toHaveLength(2);
    expect(standardStates(execution)).toEqual([
      'Steps',
      'Route',
      'WaitForProviders',
      'Waits',
      'Waits',
      'WaitForProvider',
      'Ready',
      'Waited',
      'Steps',
      'Route',
      'RecordResult',
    ]);
    expect(
      execution.events.some((event) => event.steps !== undefined && event.state?.name === 'WaitForProvider'),
    ).toBe(false);
    expect(slowPolls).toBe(1);
    expect(view.results).toEqual({
      email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'slow-search' },
      phones: [],
    });
    // Each type traced once: the phone ended in the first run and was carried through the second unchanged.
    expect(view.waterfall.map((step) => [step.type, step.provider, step.outcome])).toEqual(
      expect.arrayContaining([
        ['phone', 'slow-search', 'not_found'],
        ['email', 'slow-search', 'found'],
      ]),
    );
    expect(view.waterfall).toHaveLength(2);
  });

  it('hands a type back when its next call would start past the run budget', async () => {
    // Prepare: the first provider's answer comes ten minutes (by the product's clock) into the run.
    settings.order = order('time-sink', 'finder');
    const account = await product.createAccount();

    // Act
    const { view, execution } = await enrich(product, account, ['email']);

    // Assess
    expect(execution.stepsRuns).toHaveLength(2);
    expect(standardStates(execution)).toContain('Ready');
    expect(view.results?.email).toMatchObject({ provider: 'finder' });
    expect(view.waterfall.map((step) => [step.provider, step.outcome])).toEqual([
      ['time-sink', 'not_found'],
      ['finder', 'found'],
    ]);
  });
});

describe('State machine: a steps run that fails', () => {
  it('is started once more, and goes on from where the failed run began', async () => {
    // Prepare: the first provider step outlasts the steps run's bound (shortened to 1 s here, 290 s deployed); the
    // run started again finds the type still open and asks its provider.
    let calls = 0;
    const product = await createTestProduct({
      providerKeys: async () => ({}),
      stepsTimeoutSeconds: 1,
      wrapTask: (task, handler) =>
        task === 'ProviderStep'
          ? async (input: never, context: Context) => {
              calls += 1;
              if (calls > 1) return handler(input, context);
              await sleep(2000);
              return { ...(input as { cursor: Record<string, unknown> }).cursor, next: 'done' };
            }
          : handler,
    });
    try {
      const account = await product.createAccount({ balance: 10 });

      // Act
      const { view, execution } = await enrich(product, account, ['email']);

      // Assess
      expect(execution.stepsRuns.map((run) => run.status)).toEqual(['timed_out', 'succeeded']);
      expect(standardStates(execution)).toEqual(['Steps', 'Route', 'RecordResult']);
      expect(view.status).toBe('finished');
      expect(view.results?.email).toEqual(expect.objectContaining({ provider: 'sandbox-primary' }));
      expect(view.waterfall.map((step) => [step.provider, step.outcome])).toEqual([
        ['sandbox-primary', 'found'],
      ]);
      expect(view.credits_used).toBe(1);
      expect(await product.credits(account.accountId)).toEqual({ balance: 9, reserved: 0, available: 9 });
    } finally {
      await product.close();
    }
  });

  it('is caught by the waterfall when it fails again: its open types stop with its failure, the enrichment finishes', async () => {
    // Prepare: a provider step slower than the steps run's bound (shortened to 1 s here, 290 s deployed).
    const product = await createTestProduct({
      providerKeys: async () => ({}),
      stepsTimeoutSeconds: 1,
      wrapTask: (task, handler) =>
        task === 'ProviderStep'
          ? async (input: never) => {
              await sleep(2000);
              return { ...(input as { cursor: Record<string, unknown> }).cursor, next: 'done' };
            }
          : handler,
    });
    try {
      const account = await product.createAccount({ balance: 10 });

      // Act
      const { view, execution } = await enrich(product, account, ['email']);

      // Assess
      expect(execution.stepsRuns.map((run) => run.status)).toEqual(['timed_out', 'timed_out']);
      expect(execution.status).toBe('succeeded');
      expect(standardStates(execution)).toEqual(['Steps', 'RecordResult']);
      expect(view.status).toBe('finished');
      expect(view.results).toEqual({ email: null });
      expect(view.waterfall).toEqual([
        {
          type: 'email',
          provider: 'workflow',
          outcome: 'error',
          duration_ms: 0,
          detail: 'stopped: the steps workflow failed (States.TaskFailed)',
        },
      ]);
      expect(await product.credits(account.accountId)).toEqual({ balance: 10, reserved: 0, available: 10 });
    } finally {
      await product.close();
    }
  });
});
