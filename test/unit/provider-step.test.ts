/**
 * ProviderStep as a specification, with plain fakes: the record, the provider directory, the results cache and
 * the suppression list are objects in memory.
 */
import type {
  ContactRecord,
  EmailResult,
  PhoneResult,
  WaterfallStep,
} from '../../functions/domain/enrichment/contact';
import type { EnrichmentType } from '../../functions/domain/enrichment/enrichment-request';
import type { ProgressUpdate, ResultCache } from '../../functions/domain/ports/progress';
import type { SuppressionCheck } from '../../functions/domain/ports/suppression';
import { ProviderStep, type ProviderDirectory } from '../../functions/domain/enrichment/provider-step';
import type { CachedResult } from '../../functions/domain/enrichment/result-cache';
import type { Provider, ProviderAnswer } from '../../functions/providers/provider';

const NOW = new Date('2026-12-01T10:00:00.000Z');

function pendingRecord(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    account_id: 'A1',
    enrichment_id: '01KB0000000000000000000001',
    status: 'pending',
    firstname: 'Jane',
    lastname: 'Doe',
    company_name: null,
    domain: 'acme.com',
    linkedin_url: 'https://www.linkedin.com/in/jane-doe',
    enrichment_type: ['phone'],
    phone_country_codes: ['FR'],
    custom_json: '{}',
    use_cache: null,
    created_at: NOW.toISOString(),
    finished_at: null,
    results: null,
    credits_reserved: 10,
    credits_used: 0,
    waterfall: [],
    webhook: null,
    progress: { found: {}, closed: {}, candidates: {} },
    ...overrides,
  };
}

/** A provider that answers every call with `answer`, counting its calls. */
function providerAnswering(name: string, answer: ProviderAnswer) {
  const provider = {
    name,
    types: ['email', 'phone', 'personal_email'] as EnrichmentType[],
    calls: 0,
    async find() {
      provider.calls += 1;
      return answer;
    },
  };
  return provider;
}

/** A cache holding one find for everybody. */
function cacheHolding(result: EmailResult | PhoneResult[], type: EnrichmentType): ResultCache {
  const cached: CachedResult = { type, result, found_at: NOW.toISOString() };
  return {
    lookup: async (_owner, _identities, wanted) => (wanted === type ? cached : undefined),
    store: async () => undefined,
    forget: async () => undefined,
  };
}

function rig(options: {
  record: ContactRecord;
  providers: Array<Provider & { calls: number }>;
  cache?: ResultCache;
  suppressed?: string[];
}) {
  const updates: ProgressUpdate[] = [];
  const directory: ProviderDirectory = {
    order: () => options.providers.map((p) => p.name),
    provider: async (name) => options.providers.find((p) => p.name === name),
    verifier: async () => undefined,
  };
  const suppressions: SuppressionCheck = {
    contactSuppressed: async () => false,
    emailSuppressed: async (email) => (options.suppressed ?? []).includes(email),
  };
  const step = new ProviderStep({
    providers: directory,
    progress: {
      getContact: async () => options.record,
      recordProgress: async (_account, _id, update) => {
        updates.push(update);
        return true;
      },
    },
    suppressions,
    cache: options.cache ? { store: options.cache, settings: { days: 30, scope: 'account' } } : undefined,
    clock: { now: () => NOW },
    callTimeoutMs: 1000,
    maxRetryAfterSeconds: 300,
    maxWaitsPerProvider: 20,
  });
  /** Runs the type's steps until the state machine would stop, as the Map iteration does. */
  async function walk(type: EnrichmentType) {
    let cursor = await step.execute({ account_id: 'A1', enrichment_id: options.record.enrichment_id, type });
    for (let guard = 0; cursor.next === 'call' && guard < 10; guard += 1) cursor = await step.execute(cursor);
    return cursor;
  }
  const trace = (): WaterfallStep[] => updates.flatMap((update) => update.steps);
  const found = () => updates.find((update) => update.found !== undefined)?.found;
  return { walk, trace, found };
}

const US_NUMBER: PhoneResult = { number: '+12015550123', country: 'US', type: 'mobile', provider: 'hunter' };
const FR_ANSWER: ProviderAnswer = { kind: 'phones', phones: [{ number: '+33612345678' }] };

describe('Class: ProviderStep, a result from the results cache', () => {
  it('is not used when its phone is outside the requested countries: traced rejected, providers asked', async () => {
    // Prepare
    const provider = providerAnswering('prospeo', FR_ANSWER);
    const { walk, trace, found } = rig({
      record: pendingRecord({ phone_country_codes: ['FR'] }),
      providers: [provider],
      cache: cacheHolding([US_NUMBER], 'phone'),
    });

    // Act
    await walk('phone');

    // Assess
    expect(trace().map(({ provider: name, outcome, detail }) => ({ name, outcome, detail }))).toEqual([
      { name: 'cache', outcome: 'rejected', detail: 'outside allowed countries' },
      { name: 'prospeo', outcome: 'found', detail: null },
    ]);
    expect(provider.calls).toBe(1);
    expect(found()).toEqual([{ number: '+33612345678', country: 'FR', type: 'mobile', provider: 'prospeo' }]);
  });

  it('keeps only the cached phones in the requested countries, with their original provider', async () => {
    // Prepare
    const provider = providerAnswering('prospeo', FR_ANSWER);
    const french: PhoneResult = { number: '+33612345678', country: 'FR', type: 'mobile', provider: 'hunter' };
    const { walk, trace, found } = rig({
      record: pendingRecord({ phone_country_codes: ['FR'] }),
      providers: [provider],
      cache: cacheHolding([US_NUMBER, french], 'phone'),
    });

    // Act
    await walk('phone');

    // Assess
    expect(trace().map((step) => [step.provider, step.outcome])).toEqual([['cache', 'found']]);
    expect(provider.calls).toBe(0);
    expect(found()).toEqual([{ ...french, cached: true }]);
  });

  it('is used as found when it passes every check, any country allowed', async () => {
    // Prepare
    const provider = providerAnswering('prospeo', FR_ANSWER);
    const { walk, found } = rig({
      record: pendingRecord({ phone_country_codes: null }),
      providers: [provider],
      cache: cacheHolding([US_NUMBER], 'phone'),
    });

    // Act
    await walk('phone');

    // Assess
    expect(provider.calls).toBe(0);
    expect(found()).toEqual([{ ...US_NUMBER, cached: true }]);
  });

  it('is not used when its email is on the suppression list', async () => {
    // Prepare
    const provider = providerAnswering('hunter', { kind: 'email', email: 'jd@acme.com', verdict: 'valid' });
    const cachedEmail: EmailResult = { value: 'jane.doe@acme.com', status: 'valid', provider: 'prospeo' };
    const { walk, trace, found } = rig({
      record: pendingRecord({ enrichment_type: ['email'], phone_country_codes: null }),
      providers: [provider],
      cache: cacheHolding(cachedEmail, 'email'),
      suppressed: ['jane.doe@acme.com'],
    });

    // Act
    await walk('email');

    // Assess
    expect(trace().map((step) => [step.provider, step.outcome, step.detail])).toEqual([
      ['cache', 'rejected', 'suppressed'],
      ['hunter', 'found', null],
    ]);
    expect(found()).toEqual({ value: 'jd@acme.com', status: 'valid', provider: 'hunter' });
  });
});
