/**
 * Per-request control in ProviderStep, with plain fakes: `providers` replaces the deployment's order for its
 * types, `max_credits` is held against by every type before a provider is asked (the cap never exceeded, even with
 * the types racing), and `accept_catch_all: false` refuses catch-all emails, from a provider or from the cache.
 */
import { PriceList } from '../../functions/domain/credits/credits';
import {
  initialProgress,
  resultKeyOf,
  type ContactRecord,
  type EmailResult,
  type WaterfallStep,
} from '../../functions/domain/enrichment/contact';
import type { EnrichmentType } from '../../functions/domain/enrichment/enrichment-request';
import { ProviderStep } from '../../functions/domain/enrichment/provider-step';
import type { WaterfallSettings } from '../../functions/domain/enrichment/waterfall-settings';
import type {
  CreditHolds,
  HoldOutcome,
  ProgressRepository,
  ProgressUpdate,
  ResultCache,
} from '../../functions/domain/ports/progress';
import { TransientProviderError, type Provider, type ProviderAnswer } from '../../functions/domain/provider';
import { contactRecord, NOW } from './fakes';

const TYPES: EnrichmentType[] = ['email', 'phone', 'personal_email'];

/** `dear` costs 4 credits a find of any type, `cheap` 1. */
const WATERFALL: WaterfallSettings = {
  order: { email: ['dear', 'cheap'], phone: ['dear', 'cheap'], personal_email: ['dear', 'cheap'] },
  prices: {
    dear: { email: 4, phone: 4, personal_email: 4 },
    cheap: { email: 1, phone: 1, personal_email: 1 },
  },
  verifier: null,
};
const prices = new PriceList(WATERFALL);

const ANSWERS: Record<EnrichmentType, ProviderAnswer> = {
  email: { kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' },
  personal_email: { kind: 'email', email: 'jane.doe@gmail.com', verdict: 'valid' },
  phone: { kind: 'phones', phones: [{ number: '+33612345678' }] },
};

/** A provider that finds every type, after yielding so that parallel types interleave. */
function finder(name: string, answers: Partial<Record<EnrichmentType, ProviderAnswer>> = ANSWERS) {
  const provider: Provider & { calls: EnrichmentType[] } = {
    name,
    types: TYPES,
    calls: [],
    async find(_contact, type) {
      provider.calls.push(type);
      await new Promise((resolve) => setImmediate(resolve));
      return answers[type] ?? { kind: 'not_found' };
    },
  };
  return provider;
}

/** The record in memory, updated as DynamoDB applies the store's conditional updates. */
class RecordInMemory implements ProgressRepository, CreditHolds {
  readonly steps: WaterfallStep[] = [];
  record: ContactRecord;
  constructor(record: ContactRecord) {
    this.record = structuredClone(record);
  }

  async getContact() {
    return structuredClone(this.record);
  }

  async hold(_account: string, _id: string, type: EnrichmentType, amount: number): Promise<HoldOutcome> {
    const progress = this.record.progress!;
    if (this.record.status !== 'pending') return 'gone';
    if (progress.holds?.[type] !== undefined) return 'held';
    if ((progress.budget_left ?? 0) < amount) return 'over';
    progress.holds = { ...progress.holds, [type]: amount };
    progress.budget_left = (progress.budget_left ?? 0) - amount;
    return 'held';
  }

  async recordProgress(_account: string, _id: string, update: ProgressUpdate): Promise<boolean> {
    const progress = this.record.progress!;
    this.steps.push(...update.steps);
    this.record.waterfall.push(...update.steps);
    if (update.found !== undefined) progress.found[resultKeyOf(update.type)] = update.found as never;
    if (update.found !== undefined || update.close) progress.closed[update.type] = true;
    if (update.release) {
      delete progress.holds?.[update.type];
      progress.budget_left = (progress.budget_left ?? 0) + update.release.held - update.release.charged;
    }
    return true;
  }
}

function rig(record: ContactRecord, providers: Provider[], cache?: ResultCache) {
  const store = new RecordInMemory(record);
  const step = new ProviderStep({
    providers: {
      order: (type) => WATERFALL.order[type],
      provider: async (name) => providers.find((provider) => provider.name === name),
      verifier: async () => undefined,
    },
    progress: store,
    holds: { store, prices },
    cache: cache ? { store: cache, settings: { days: 30, scope: 'account' } } : undefined,
    clock: { now: () => NOW },
    callTimeoutMs: 1000,
    maxRetryAfterSeconds: 300,
    maxWaitsPerProvider: 20,
  });
  async function walk(type: EnrichmentType) {
    let cursor = await step.execute({ account_id: 'A1', enrichment_id: record.enrichment_id, type });
    for (let guard = 0; cursor.next === 'call' && guard < 10; guard += 1) cursor = await step.execute(cursor);
  }
  /** What the finds cost, each at its provider's price. */
  const charged = () => prices.priceOfResults(store.record.progress!.found);
  return { store, step, walk, charged };
}

const capped = (maxCredits: number, overrides: Partial<ContactRecord> = {}) =>
  contactRecord({
    enrichment_type: TYPES,
    linkedin_url: 'https://www.linkedin.com/in/jane-doe',
    phone_country_codes: null,
    max_credits: maxCredits,
    progress: initialProgress(maxCredits),
    ...overrides,
  });

describe('Class: ProviderStep, max_credits', () => {
  it.each([0, 3, 6, 9, 12])(
    'never charges more than max_credits=%i with three types racing, and frees every hold',
    async (maxCredits) => {
      // Prepare
      const { store, walk, charged } = rig(capped(maxCredits), [finder('dear'), finder('cheap')]);

      // Act
      await Promise.all(TYPES.map((type) => walk(type)));

      // Assess
      expect(charged()).toBeLessThanOrEqual(maxCredits);
      expect(store.record.progress!.holds).toEqual({});
      expect(store.record.progress!.budget_left).toBe(maxCredits - charged());
      const found = Object.values(store.record.progress!.found).filter((result) => result !== null);
      // Every type found something whenever the cheapest provider fits what is left.
      expect(found).toHaveLength(Math.min(3, maxCredits));
    },
  );

  it('skips a provider that does not fit, traced, and lets a cheaper one after it find', async () => {
    // Prepare
    const dear = finder('dear');
    const { store, walk, charged } = rig(capped(2, { enrichment_type: ['email'] }), [dear, finder('cheap')]);

    // Act
    await walk('email');

    // Assess
    expect(dear.calls).toEqual([]);
    expect(store.steps.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['dear', 'error', 'skipped: over max_credits'],
      ['cheap', 'found', null],
    ]);
    expect(charged()).toBe(1);
  });

  it('holds a cached find against the cap too', async () => {
    // Prepare
    const cached: EmailResult = { value: 'jane.doe@acme.com', status: 'valid', provider: 'dear' };
    const cache: ResultCache = {
      lookup: async () => ({ type: 'email', result: cached, found_at: NOW.toISOString() }),
      store: async () => undefined,
      forget: async () => undefined,
    };
    const { store, walk } = rig(
      capped(1, { enrichment_type: ['email'] }),
      [finder('dear'), finder('cheap')],
      cache,
    );

    // Act
    await walk('email');

    // Assess: the cached find costs as its dear original, over the cap; the cheap provider fits.
    expect(store.steps.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['cache', 'error', 'skipped: over max_credits'],
      ['dear', 'error', 'skipped: over max_credits'],
      ['cheap', 'found', null],
    ]);
  });
});

describe('Class: ProviderStep, max_credits when a provider keeps failing', () => {
  it('keeps the hold through the retries, gives it back when the state machine gives up, and the next provider fits', async () => {
    // Prepare: the dear provider fails transiently on every attempt.
    const failing: Provider = {
      name: 'dear',
      types: TYPES,
      async find() {
        throw new TransientProviderError('unavailable');
      },
    };
    const { store, step, charged } = rig(capped(4, { enrichment_type: ['email'] }), [
      failing,
      finder('cheap'),
    ]);
    const start = { account_id: 'A1', enrichment_id: store.record.enrichment_id, type: 'email' as const };

    // Act: two attempts (the state machine's retries), then its Catch hands the failure back.
    await expect(step.execute(start)).rejects.toThrow(TransientProviderError);
    const heldDuringRetries = store.record.progress!.holds?.email;
    await expect(step.execute({ ...start, began: true })).rejects.toThrow(TransientProviderError);
    let cursor = await step.execute({ ...start, began: true, failure: { Error: 'TransientProviderError' } });
    while (cursor.next === 'call') cursor = await step.execute(cursor);

    // Assess
    expect(heldDuringRetries).toBe(4);
    expect(store.steps.map((s) => [s.provider, s.outcome])).toEqual([
      ['dear', 'error'],
      ['cheap', 'found'],
    ]);
    expect(charged()).toBe(1);
    expect(store.record.progress!.budget_left).toBe(3);
    expect(store.record.progress!.holds).toEqual({});
  });
});

describe('Class: ProviderStep, providers and accept_catch_all', () => {
  it("asks the request's own providers, in its order, instead of the deployment's", async () => {
    // Prepare
    const dear = finder('dear');
    const cheap = finder('cheap');
    const record = contactRecord({ enrichment_type: ['email'], providers: { email: ['cheap'] } });
    const { store, walk } = rig(record, [dear, cheap]);

    // Act
    await walk('email');

    // Assess
    expect(dear.calls).toEqual([]);
    expect(store.steps.map((s) => s.provider)).toEqual(['cheap']);
  });

  it('refuses a catch-all email when the request does not accept them, and goes on', async () => {
    // Prepare
    const catchAll = finder('dear', {
      email: { kind: 'email', email: 'jane@acme.com', verdict: 'catch_all' },
    });
    const record = contactRecord({ enrichment_type: ['email'], accept_catch_all: false });
    const { store, walk, charged } = rig(record, [catchAll, finder('cheap')]);

    // Act
    await walk('email');

    // Assess
    expect(store.steps.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['dear', 'rejected', 'catch_all not accepted'],
      ['cheap', 'found', null],
    ]);
    expect(charged()).toBe(1);
  });

  it('refuses a catch-all email from the cache too', async () => {
    // Prepare
    const cached: EmailResult = { value: 'jane@acme.com', status: 'catch_all', provider: 'dear' };
    const cache: ResultCache = {
      lookup: async () => ({ type: 'email', result: cached, found_at: NOW.toISOString() }),
      store: async () => undefined,
      forget: async () => undefined,
    };
    const record = contactRecord({
      enrichment_type: ['email'],
      accept_catch_all: false,
      providers: { email: ['cheap'] },
    });
    const { store, walk } = rig(record, [finder('dear'), finder('cheap')], cache);

    // Act
    await walk('email');

    // Assess
    expect(store.steps.map((s) => [s.provider, s.outcome, s.detail])).toEqual([
      ['cache', 'rejected', 'catch_all not accepted'],
      ['cheap', 'found', null],
    ]);
  });
});
