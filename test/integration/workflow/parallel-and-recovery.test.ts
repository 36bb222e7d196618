/**
 * The waterfall's Release 2 shape on the real ASL file: types in parallel, progress on the record while
 * pending, no personal data in the workflow, and every enrichment finishing whatever fails on the way.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import type { WaterfallSettings } from '../../../functions/domain/enrichment/waterfall-settings';
import {
  PermanentProviderError,
  TransientProviderError,
  type EmailVerifier,
  type Provider,
} from '../../../functions/providers/provider';
import type { TaskHandler } from '../../../local/local-workflow';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

const ALL_TYPES = ['email', 'phone', 'personal_email'] as const;

function order(...providers: string[]): WaterfallSettings['order'] {
  return { email: providers, phone: providers, personal_email: providers };
}

async function accept(product: TestProduct, account: TestAccount, body: Record<string, unknown>) {
  const response = await product.post(account.accountId, {
    firstname: 'Jane',
    lastname: 'Doe',
    domain: 'acme.com',
    linkedin_url: 'linkedin.com/in/jane-doe',
    enrichment_type: ['email'],
    ...body,
  });
  expect(response.statusCode).toBe(202);
  return (JSON.parse(response.body) as { enrichment_id: string }).enrichment_id;
}

async function view(product: TestProduct, account: TestAccount, id: string): Promise<ContactView> {
  return JSON.parse((await product.get(account.accountId, id)).body) as ContactView;
}

describe('State machine: types in parallel', () => {
  const calls: Array<{ type: string; start: number; end: number }> = [];
  const slowFinder: Provider = {
    name: 'slow-finder',
    types: ALL_TYPES,
    async find(_contact, type) {
      const start = Date.now();
      await sleep(150);
      calls.push({ type, start, end: Date.now() });
      return type === 'phone'
        ? { kind: 'phones', phones: [{ number: '+33612345678' }] }
        : { kind: 'email', email: `${type}@acme.com`, verdict: 'valid' };
    },
  };
  const broken: Provider = {
    name: 'broken',
    types: ALL_TYPES,
    async find() {
      throw new PermanentProviderError('broken: API key rejected (HTTP 401)');
    },
  };
  let product: TestProduct;
  const settings: WaterfallSettings = { order: order('slow-finder'), prices: {}, verifier: null };

  beforeAll(async () => {
    product = await createTestProduct({
      waterfall: settings,
      extraProviders: { 'slow-finder': slowFinder, broken },
      providerKeys: async () => ({}),
    });
  });
  afterAll(() => product.close());

  it('asks for every requested type at the same time', async () => {
    // Prepare
    settings.order = order('slow-finder');
    const account = await product.createAccount({ personal_email_consent: true });
    calls.length = 0;

    // Act
    const id = await accept(product, account, { enrichment_type: ['email', 'phone', 'personal_email'] });
    await product.product.workflow.idle();

    // Assess: every call started before any ended.
    expect(calls).toHaveLength(3);
    expect(Math.max(...calls.map((c) => c.start))).toBeLessThan(Math.min(...calls.map((c) => c.end)));
    const finished = await view(product, account, id);
    expect(finished.status).toBe('finished');
    expect(finished.results?.email?.value).toBe('email@acme.com');
    expect(finished.results?.personal_email?.value).toBe('personal_email@acme.com');
    expect(finished.results?.phones).toHaveLength(1);
  });

  it('keeps each type in the order of its own steps, whatever the order types end in', async () => {
    // Prepare
    settings.order = { email: ['broken', 'sandbox-primary'], phone: ['sandbox-primary'], personal_email: [] };
    const account = await product.createAccount();

    // Act
    const id = await accept(product, account, { enrichment_type: ['email', 'phone'] });
    await product.product.workflow.idle();

    // Assess
    const finished = await view(product, account, id);
    expect(finished.waterfall.filter((s) => s.type === 'email').map((s) => [s.provider, s.outcome])).toEqual([
      ['broken', 'error'],
      ['sandbox-primary', 'found'],
    ]);
    expect(finished.waterfall.filter((s) => s.type === 'phone').map((s) => [s.provider, s.outcome])).toEqual([
      ['sandbox-primary', 'found'],
    ]);
  });

  it('finishes the other types when every provider of one type fails', async () => {
    // Prepare
    settings.order = { email: ['sandbox-primary'], phone: ['broken', 'broken'], personal_email: [] };
    const account = await product.createAccount({ balance: 20 });

    // Act
    const id = await accept(product, account, { enrichment_type: ['email', 'phone'] });
    await product.product.workflow.idle();

    // Assess
    const finished = await view(product, account, id);
    expect(finished.results).toEqual({
      email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' },
      phones: [],
    });
    expect(finished.waterfall.filter((s) => s.type === 'phone').map((s) => s.outcome)).toEqual([
      'error',
      'error',
    ]);
    expect(finished.credits_used).toBe(1);
    expect(await product.credits(account.accountId)).toEqual({ balance: 19, reserved: 0, available: 19 });
  });
});

describe('State machine: progress while pending', () => {
  let product: TestProduct;
  let release: () => void = () => undefined;
  // The phone provider answers only once the test has looked at the pending record.
  const released = new Promise<void>((resolve) => (release = resolve));
  const gate: Provider = {
    name: 'gate',
    types: ['phone'],
    async find() {
      await released;
      return { kind: 'phones', phones: [{ number: '+33612345678' }] };
    },
  };

  beforeAll(async () => {
    product = await createTestProduct({
      waterfall: {
        order: { email: ['sandbox-primary'], phone: ['gate'], personal_email: [] },
        prices: {},
        verifier: null,
      },
      extraProviders: { gate },
      providerKeys: async () => ({}),
    });
  });
  afterAll(() => product.close());

  it('shows the steps already taken while results stay null until finished', async () => {
    // Prepare
    const account = await product.createAccount({ balance: 20 });
    const id = await accept(product, account, { enrichment_type: ['email', 'phone'] });

    // Act: the email type finishes while the phone type waits at its provider.
    let pending = await view(product, account, id);
    for (let i = 0; i < 100 && pending.waterfall.length === 0; i++) {
      await sleep(20);
      pending = await view(product, account, id);
    }
    release();
    await product.product.workflow.idle();
    const finished = await view(product, account, id);

    // Assess
    expect(pending.status).toBe('pending');
    expect(pending.results).toBeNull();
    expect(pending.waterfall.map((s) => [s.type, s.provider, s.outcome])).toEqual([
      ['email', 'sandbox-primary', 'found'],
    ]);
    expect(finished.status).toBe('finished');
    expect(finished.waterfall.map((s) => [s.type, s.outcome])).toEqual([
      ['email', 'found'],
      ['phone', 'found'],
    ]);
  });
});

describe('State machine: no personal data in the workflow', () => {
  it('carries ids and cursors only: no name, LinkedIn URL, email or phone in any input, output or event', async () => {
    // Prepare
    const product = await createTestProduct({ keepHistory: true, providerKeys: async () => ({}) });
    try {
      const account = await product.createAccount({ balance: 50, personal_email_consent: true });

      // Act
      const id = await accept(product, account, {
        firstname: 'Quentinella',
        lastname: 'Zwarthoffer',
        linkedin_url: 'https://www.linkedin.com/in/qz-distinctive-slug',
        enrichment_type: ['email', 'phone', 'personal_email'],
        phone_country_codes: ['FR'],
      });
      await product.product.workflow.idle();
      const finished = await view(product, account, id);
      const execution = product.product.workflow.execution(id)!;
      const carried = JSON.stringify({ input: execution.input, history: execution.history });

      // Assess: the data was found, and none of it passed through the workflow.
      expect(finished.results?.email?.value).toBe('quentinella.zwarthoffer@acme.com');
      expect(finished.results?.phones?.[0]?.number).toBe('+33612345678');
      expect(execution.history.length).toBeGreaterThan(10);
      for (const value of [
        'Quentinella',
        'Zwarthoffer',
        'qz-distinctive-slug',
        'quentinella.zwarthoffer@acme.com',
        'quentinella.zwarthoffer@gmail.com',
        '+33612345678',
        '612345678',
      ]) {
        expect(carried.toLowerCase()).not.toContain(value.toLowerCase());
      }
    } finally {
      await product.close();
    }
  });
});

describe('State machine: a verifier failure never re-runs the finder', () => {
  let finderCalls = 0;
  let verifierFailures = 0;
  let verifierAnswer: () => Promise<{ verdict: 'valid' }> = async () => ({ verdict: 'valid' });
  const finder: Provider = {
    name: 'unverified-finder',
    types: ['email'],
    async find() {
      finderCalls += 1;
      return { kind: 'email', email: 'jane.doe@acme.com' };
    },
  };
  const verifier: EmailVerifier = {
    name: 'test-verifier',
    async verify() {
      return verifierAnswer();
    },
  };
  let product: TestProduct;

  beforeAll(async () => {
    product = await createTestProduct({
      waterfall: {
        order: { email: ['unverified-finder', 'sandbox-secondary'], phone: [], personal_email: [] },
        prices: {},
        verifier: 'test-verifier',
      },
      extraProviders: { 'unverified-finder': finder, 'test-verifier': verifier },
      providerKeys: async () => ({}),
    });
  });
  afterAll(() => product.close());
  beforeEach(() => {
    finderCalls = 0;
    verifierFailures = 0;
  });

  it('retries only the verifier after transient failures, then keeps the email', async () => {
    // Prepare
    verifierAnswer = async () => {
      if (verifierFailures++ < 2) throw new TransientProviderError('test-verifier: server error (HTTP 503)');
      return { verdict: 'valid' };
    };
    const account = await product.createAccount();

    // Act
    const id = await accept(product, account, {});
    await product.product.workflow.idle();

    // Assess
    const finished = await view(product, account, id);
    expect(finderCalls).toBe(1);
    expect(finished.results?.email).toEqual({
      value: 'jane.doe@acme.com',
      status: 'valid',
      provider: 'unverified-finder',
    });
    expect(finished.waterfall.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['unverified-finder', 'found', '(verified by test-verifier)'],
    ]);
  });

  it('leaves the email unverified (rejected) when the verifier keeps failing, and asks the next finder', async () => {
    // Prepare
    verifierAnswer = async () => {
      throw new TransientProviderError('test-verifier: server error (HTTP 503)');
    };
    const account = await product.createAccount();

    // Act
    const id = await accept(product, account, {});
    await product.product.workflow.idle();

    // Assess
    const finished = await view(product, account, id);
    expect(finderCalls).toBe(1);
    expect(finished.waterfall.map((s) => [s.provider, s.outcome])).toEqual([
      ['unverified-finder', 'rejected'],
      ['sandbox-secondary', 'found'],
    ]);
    expect(finished.waterfall[0]!.detail).toMatch(/^unverified/);
  });

  it('keeps the found email unverified when the verifier refuses for good (out of credits)', async () => {
    // Prepare
    verifierAnswer = async () => {
      throw new PermanentProviderError('test-verifier: out of credits (HTTP 402)');
    };
    const account = await product.createAccount();

    // Act
    const id = await accept(product, account, {});
    await product.product.workflow.idle();

    // Assess
    const finished = await view(product, account, id);
    expect(finderCalls).toBe(1);
    expect(finished.waterfall[0]).toMatchObject({
      provider: 'unverified-finder',
      outcome: 'rejected',
      detail: 'unverified (test-verifier: out of credits (HTTP 402))',
    });
  });
});

describe('State machine: every enrichment finishes', () => {
  function failing(times: number, error: () => Error) {
    let calls = 0;
    return {
      calls: () => calls,
      wrap:
        (handler: TaskHandler): TaskHandler =>
        async (event, context) => {
          calls += 1;
          if (calls <= times) throw error();
          return handler(event, context);
        },
    };
  }
  const crash = () => Object.assign(new Error('the table answered 500'), { name: 'InternalServerError' });

  it('settles once when RecordResult fails a few times, then succeeds', async () => {
    // Prepare
    const recordResult = failing(2, crash);
    const product = await createTestProduct({
      providerKeys: async () => ({}),
      wrapTask: (task, handler) => (task === 'RecordResult' ? recordResult.wrap(handler) : handler),
    });
    try {
      const account = await product.createAccount({ balance: 10 });

      // Act
      const id = await accept(product, account, {});
      await product.product.workflow.idle();

      // Assess
      expect(recordResult.calls()).toBe(3);
      expect(product.product.workflow.execution(id)!.status).toBe('succeeded');
      expect((await view(product, account, id)).credits_used).toBe(1);
      expect(await product.credits(account.accountId)).toEqual({ balance: 9, reserved: 0, available: 9 });
      expect(product.webhooks.messages).toEqual([]);
    } finally {
      await product.close();
    }
  });

  it('is finished by the recovery path when RecordResult fails for good: data kept, credits settled, webhook queued', async () => {
    // Prepare
    const recordResult = failing(Infinity, crash);
    const product = await createTestProduct({
      providerKeys: async () => ({}),
      wrapTask: (task, handler) => (task === 'RecordResult' ? recordResult.wrap(handler) : handler),
    });
    try {
      const account = await product.createAccount({ balance: 10 });

      // Act
      const id = await accept(product, account, { webhook_url: 'https://hooks.example.com/x' });
      await product.product.workflow.idle();

      // Assess
      expect(recordResult.calls()).toBe(9);
      expect(product.product.workflow.execution(id)!.status).toBe('failed');
      const finished = await view(product, account, id);
      expect(finished.status).toBe('finished');
      expect(finished.results?.email?.value).toBe('jane.doe@acme.com');
      expect(finished.credits_used).toBe(1);
      expect(await product.credits(account.accountId)).toEqual({ balance: 9, reserved: 0, available: 9 });
      expect(product.webhooks.messages).toEqual([{ account_id: account.accountId, enrichment_id: id }]);
    } finally {
      await product.close();
    }
  });

  it('bounds a provider step that crashes: retried, then the type stops with a workflow error, no loop', async () => {
    // Prepare
    const providerStep = failing(
      Infinity,
      () => new TypeError("Cannot read properties of undefined (reading 'x')"),
    );
    const product = await createTestProduct({
      providerKeys: async () => ({}),
      wrapTask: (task, handler) => (task === 'ProviderStep' ? providerStep.wrap(handler) : handler),
    });
    try {
      const account = await product.createAccount({ balance: 10 });

      // Act
      const id = await accept(product, account, {});
      await product.product.workflow.idle();

      // Assess: one call and its four retries (short enough for the steps run), then the type ends; nothing
      // charged, all released.
      expect(providerStep.calls()).toBe(5);
      const finished = await view(product, account, id);
      expect(finished.status).toBe('finished');
      expect(finished.results).toEqual({ email: null });
      expect(finished.waterfall).toEqual([
        {
          type: 'email',
          provider: 'workflow',
          outcome: 'error',
          duration_ms: 0,
          detail: 'stopped: the waterfall step kept failing (TypeError)',
        },
      ]);
      expect(await product.credits(account.accountId)).toEqual({ balance: 10, reserved: 0, available: 10 });
    } finally {
      await product.close();
    }
  });

  it('is finished with the data found so far when the workflow times out', async () => {
    // Prepare
    const product = await createTestProduct({
      maxEnrichmentSeconds: 1,
      fastWaitsMs: undefined,
      waterfall: {
        order: { email: ['sandbox-primary'], phone: ['stalls'], personal_email: [] },
        prices: {},
        verifier: null,
      },
      extraProviders: {
        stalls: {
          name: 'stalls',
          types: ['phone'],
          find: async (_contact, _type, { signal }) => {
            await sleep(1_500, undefined, { signal }).catch(() => undefined);
            return { kind: 'not_found' };
          },
        },
      },
      providerKeys: async () => ({}),
    });
    try {
      const account = await product.createAccount({ balance: 20 });

      // Act
      const id = await accept(product, account, { enrichment_type: ['email', 'phone'] });
      await product.product.workflow.idle();

      // Assess
      expect(product.product.workflow.execution(id)!.status).toBe('timed_out');
      const finished = await view(product, account, id);
      expect(finished.status).toBe('finished');
      expect(finished.results).toEqual({
        email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'sandbox-primary' },
        phones: [],
      });
      expect(finished.waterfall).toContainEqual({
        type: 'phone',
        provider: 'workflow',
        outcome: 'error',
        duration_ms: 0,
        detail: 'stopped: the workflow timed out',
      });
      expect(await product.credits(account.accountId)).toEqual({ balance: 19, reserved: 0, available: 19 });
    } finally {
      await product.close();
    }
  });
});
