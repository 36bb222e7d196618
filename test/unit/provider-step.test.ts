/**
 * ProviderStep as a specification, with plain fakes: the record (whose progress each step updates), the provider
 * directory, the verifier, the results cache and the suppression list are objects in memory. It specifies the
 * waterfall (the configured order, the first valid find closes the type), how a provider's failure moves it on
 * or goes back to the state machine, the email verifier, the suppression list and the results cache.
 */
import type {
  ContactRecord,
  EmailResult,
  PhoneResult,
  WaterfallStep,
} from '../../functions/domain/enrichment/contact';
import { resultKeyOf } from '../../functions/domain/enrichment/contact';
import type { EnrichmentType } from '../../functions/domain/enrichment/enrichment-request';
import type { TypeCursor } from '../../functions/domain/enrichment/waterfall-state';
import type { ProgressUpdate, ResultCache } from '../../functions/domain/ports/progress';
import type { SuppressionCheck } from '../../functions/domain/ports/suppression';
import { ProviderStep, type ProviderDirectory } from '../../functions/domain/enrichment/provider-step';
import type { CachedResult } from '../../functions/domain/enrichment/result-cache';
import { PermanentProviderError, TransientProviderError } from '../../functions/providers/provider';
import type {
  EmailVerdict,
  EmailVerifier,
  Provider,
  ProviderAnswer,
} from '../../functions/providers/provider';
import { contactRecord, NOW } from './fakes';

/**
 * A provider that answers its calls from `script` in turn (the last answer again once the script is spent),
 * throwing the errors in it, and counts its calls.
 */
function providerAnswering(name: string, ...script: Array<ProviderAnswer | Error>) {
  const provider = {
    name,
    types: ['email', 'phone', 'personal_email'] as EnrichmentType[],
    calls: 0,
    async find() {
      const answer = script[Math.min(provider.calls, script.length - 1)]!;
      provider.calls += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return provider;
}

/** A verifier that answers from `script` as a provider does. */
function verifierAnswering(name: string, ...script: Array<EmailVerdict | Error>) {
  const verifier = {
    name,
    calls: 0,
    async verify() {
      const verdict = script[Math.min(verifier.calls, script.length - 1)]!;
      verifier.calls += 1;
      if (verdict instanceof Error) throw verdict;
      return { verdict };
    },
  };
  return verifier;
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

/** Applies a step's update to the record's progress, as the progress store does while the record is pending. */
function applied(record: ContactRecord, update: ProgressUpdate): ContactRecord {
  const progress = record.progress ?? { found: {}, closed: {}, candidates: {} };
  const candidates = { ...progress.candidates };
  if (update.candidate) candidates[update.type] = update.candidate;
  else if (update.candidate === null) delete candidates[update.type];
  const closes = update.found !== undefined || update.close;
  return {
    ...record,
    waterfall: [...record.waterfall, ...update.steps],
    progress: {
      found:
        update.found === undefined
          ? progress.found
          : { ...progress.found, [resultKeyOf(update.type)]: update.found },
      closed: closes ? { ...progress.closed, [update.type]: true } : progress.closed,
      candidates,
    },
  };
}

function rig(options: {
  record: ContactRecord;
  providers: Array<Provider & { calls: number }>;
  /** The configured order, when it names providers without a key (absent from `providers`). */
  order?: string[];
  verifier?: EmailVerifier;
  cache?: ResultCache;
  suppressed?: string[];
  contactSuppressed?: boolean;
}) {
  let record = options.record;
  const updates: ProgressUpdate[] = [];
  const directory: ProviderDirectory = {
    order: () => options.order ?? options.providers.map((p) => p.name),
    provider: async (name) => options.providers.find((p) => p.name === name),
    verifier: async () => options.verifier,
  };
  const suppressions: SuppressionCheck = {
    contactSuppressed: async () => options.contactSuppressed ?? false,
    emailSuppressed: async (email) => (options.suppressed ?? []).includes(email),
  };
  const step = new ProviderStep({
    providers: directory,
    progress: {
      getContact: async () => record,
      recordProgress: async (_account, _id, update) => {
        updates.push(update);
        record = applied(record, update);
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
  const start = (type: EnrichmentType): TypeCursor => ({
    account_id: 'A1',
    enrichment_id: options.record.enrichment_id,
    type,
  });
  /** Runs the type's steps from `cursor` until the state machine would stop, as the Map iteration does. */
  async function walk(from: EnrichmentType | TypeCursor) {
    let cursor = await step.execute(typeof from === 'string' ? start(from) : from);
    for (let guard = 0; cursor.next === 'call' && guard < 10; guard += 1) cursor = await step.execute(cursor);
    return cursor;
  }
  const trace = (): WaterfallStep[] => updates.flatMap((update) => update.steps);
  const found = () => updates.find((update) => update.found !== undefined)?.found;
  return { step, start, walk, trace, found, record: () => record };
}

/** The trace as [provider, outcome, detail]. */
const steps = (trace: WaterfallStep[]) => trace.map((s) => [s.provider, s.outcome, s.detail]);

const US_NUMBER: PhoneResult = { number: '+12015550123', country: 'US', type: 'mobile', provider: 'hunter' };
const FR_ANSWER: ProviderAnswer = { kind: 'phones', phones: [{ number: '+33612345678' }] };

describe('Class: ProviderStep, a result from the results cache', () => {
  it('is not used when its phone is outside the requested countries: traced rejected, providers asked', async () => {
    // Prepare
    const provider = providerAnswering('prospeo', FR_ANSWER);
    const { walk, trace, found } = rig({
      record: contactRecord({ phone_country_codes: ['FR'] }),
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
      record: contactRecord({ phone_country_codes: ['FR'] }),
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
      record: contactRecord({ phone_country_codes: null }),
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
      record: contactRecord({ enrichment_type: ['email'], phone_country_codes: null }),
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

const EMAIL_ONLY = { enrichment_type: ['email'] as EnrichmentType[], phone_country_codes: null };
const valid = (email: string): ProviderAnswer => ({ kind: 'email', email, verdict: 'valid' });

describe('Class: ProviderStep, the waterfall', () => {
  it('asks the providers in the configured order and stops at the first valid find', async () => {
    // Prepare
    const providers = [
      providerAnswering('hunter', { kind: 'not_found' }),
      providerAnswering('prospeo', { kind: 'email', email: 'j@acme.com', verdict: 'invalid' }),
      providerAnswering('dropcontact', valid(' Jane.Doe@ACME.com ')),
      providerAnswering('lusha', valid('other@acme.com')),
    ];
    const { walk, trace, found } = rig({ record: contactRecord(EMAIL_ONLY), providers });

    // Act
    const cursor = await walk('email');

    // Assess
    expect(steps(trace())).toEqual([
      ['hunter', 'not_found', null],
      ['prospeo', 'rejected', 'undeliverable'],
      ['dropcontact', 'found', null],
    ]);
    expect(providers.map((p) => p.calls)).toEqual([1, 1, 1, 0]);
    expect(found()).toEqual({ value: 'jane.doe@acme.com', status: 'valid', provider: 'dropcontact' });
    expect(cursor).toMatchObject({ next: 'done', provider_index: 2 });
  });

  it('moves to the next provider on a permanent error, tracing it', async () => {
    // Prepare
    const providers = [
      providerAnswering('hunter', new PermanentProviderError('malformed answer')),
      providerAnswering('prospeo', valid('jane@acme.com')),
    ];
    const { walk, trace } = rig({ record: contactRecord(EMAIL_ONLY), providers });

    // Act
    await walk('email');

    // Assess
    expect(steps(trace())).toEqual([
      ['hunter', 'error', 'malformed answer'],
      ['prospeo', 'found', null],
    ]);
  });

  it('rethrows a transient error for the state machine to retry, recording nothing', async () => {
    // Prepare
    const hunter = providerAnswering('hunter', new TransientProviderError('HTTP 502'));
    const { step, start, trace } = rig({ record: contactRecord(EMAIL_ONLY), providers: [hunter] });

    // Act & Assess
    await expect(step.execute(start('email'))).rejects.toThrow(new TransientProviderError('HTTP 502'));
    expect(trace()).toEqual([]);
  });

  it("waits in the state machine for a provider's Retry-After, and calls it again after the wait", async () => {
    // Prepare
    const hunter = providerAnswering(
      'hunter',
      new TransientProviderError('HTTP 429', 42.5),
      valid('jane@acme.com'),
    );
    const { step, start, trace } = rig({ record: contactRecord(EMAIL_ONLY), providers: [hunter] });

    // Act
    const waiting = await step.execute(start('email'));
    const after = await step.execute(waiting);

    // Assess
    expect(waiting).toMatchObject({ next: 'wait', wait_seconds: 43, waits: 1, provider_index: 0 });
    expect(after).toMatchObject({ next: 'done' });
    expect(hunter.calls).toBe(2);
    expect(steps(trace())).toEqual([['hunter', 'found', null]]);
  });

  it('leaves a Retry-After longer than it waits for to the state machine: rethrown', async () => {
    // Prepare
    const hunter = providerAnswering('hunter', new TransientProviderError('HTTP 503', 301));
    const { step, start } = rig({ record: contactRecord(EMAIL_ONLY), providers: [hunter] });

    // Act & Assess
    await expect(step.execute(start('email'))).rejects.toThrow(TransientProviderError);
  });

  it('skips and traces a provider without an API key and one that does not offer the type', async () => {
    // Prepare
    const phonesOnly = Object.assign(providerAnswering('lusha', valid('x@acme.com')), {
      types: ['phone'] as EnrichmentType[],
    });
    const hunter = providerAnswering('hunter', valid('jane@acme.com'));
    const { walk, trace } = rig({
      record: contactRecord(EMAIL_ONLY),
      providers: [phonesOnly, hunter],
      order: ['prospeo', 'lusha', 'hunter'],
    });

    // Act
    await walk('email');

    // Assess
    expect(steps(trace())).toEqual([
      ['prospeo', 'error', 'skipped: no API key configured'],
      ['lusha', 'error', 'skipped: does not offer email'],
      ['hunter', 'found', null],
    ]);
    expect([phonesOnly.calls, hunter.calls]).toEqual([0, 1]);
  });

  it('closes a type with every provider asked and nothing found', async () => {
    // Prepare
    const providers = [providerAnswering('hunter', { kind: 'not_found', detail: 'no match' })];
    const { walk, trace, record } = rig({ record: contactRecord(EMAIL_ONLY), providers });

    // Act
    const cursor = await walk('email');

    // Assess
    expect(steps(trace())).toEqual([['hunter', 'not_found', 'no match']]);
    expect(cursor.next).toBe('done');
    expect(record().progress).toEqual({ found: {}, closed: { email: true }, candidates: {} });
  });

  it('has an unverified email verified, and a retried step verifies it without asking the finder again', async () => {
    // Prepare: the verifier fails once, then answers.
    const finder = providerAnswering('hunter', { kind: 'email', email: 'Jane@Acme.com', verdict: 'unknown' });
    const verifier = verifierAnswering('neverbounce', new TransientProviderError('HTTP 500'), 'catch_all');
    const { step, start, trace, found, record } = rig({
      record: contactRecord(EMAIL_ONLY),
      providers: [finder, providerAnswering('prospeo', valid('other@acme.com'))],
      verifier,
    });

    // Act
    const first = step.execute(start('email'));
    await expect(first).rejects.toThrow(TransientProviderError);
    const kept = record().progress?.candidates.email;
    const retried = await step.execute(start('email'));

    // Assess
    expect(kept).toEqual({ value: 'jane@acme.com', provider: 'hunter', provider_index: 0, detail: null });
    expect(retried.next).toBe('done');
    expect([finder.calls, verifier.calls]).toEqual([1, 2]);
    expect(steps(trace())).toEqual([['hunter', 'found', '(verified by neverbounce)']]);
    expect(found()).toEqual({ value: 'jane@acme.com', status: 'catch_all', provider: 'hunter' });
    expect(record().progress?.candidates).toEqual({});
  });

  it('does not enrich a contact on the suppression list: traced, no provider asked', async () => {
    // Prepare
    const hunter = providerAnswering('hunter', valid('jane@acme.com'));
    const { walk, trace, found, record } = rig({
      record: contactRecord(EMAIL_ONLY),
      providers: [hunter],
      contactSuppressed: true,
    });

    // Act
    const cursor = await walk('email');

    // Assess
    expect(steps(trace())).toEqual([['suppression-list', 'not_found', 'suppressed']]);
    expect(hunter.calls).toBe(0);
    expect(found()).toBeUndefined();
    expect(cursor.next).toBe('done');
    expect(record().progress?.closed).toEqual({ email: true });
  });

  it("traces the state machine's failure as the provider's error and moves to the next provider", async () => {
    // Prepare: hunter kept failing; the Catch hands its cursor back with the failure.
    const hunter = providerAnswering('hunter', new TransientProviderError('HTTP 502'));
    const prospeo = providerAnswering('prospeo', valid('jane@acme.com'));
    const { walk, start, trace } = rig({ record: contactRecord(EMAIL_ONLY), providers: [hunter, prospeo] });

    // Act
    await walk({ ...start('email'), began: true, failure: { Error: 'TransientProviderError', Cause: '…' } });

    // Assess
    expect(steps(trace())).toEqual([
      ['hunter', 'error', 'transient errors persisted after retries'],
      ['prospeo', 'found', null],
    ]);
    expect(hunter.calls).toBe(0);
  });

  it('rejects the kept email when the verifier kept failing, and moves on without asking the finder again', async () => {
    // Prepare
    const finder = providerAnswering('hunter', { kind: 'email', email: 'jane@acme.com' });
    const prospeo = providerAnswering('prospeo', valid('j.doe@acme.com'));
    const verifier = verifierAnswering('neverbounce', new TransientProviderError('HTTP 500'));
    const { step, walk, start, trace, found } = rig({
      record: contactRecord(EMAIL_ONLY),
      providers: [finder, prospeo],
      verifier,
    });
    await expect(step.execute(start('email'))).rejects.toThrow(TransientProviderError);

    // Act
    await walk({ ...start('email'), began: true, failure: { Error: 'States.Timeout' } });

    // Assess
    expect(steps(trace())).toEqual([
      ['hunter', 'rejected', 'unverified (verifier timed out)'],
      ['prospeo', 'found', null],
    ]);
    expect(finder.calls).toBe(1);
    expect(found()).toEqual({ value: 'j.doe@acme.com', status: 'valid', provider: 'prospeo' });
  });
});

describe('Class: ProviderStep, in a steps run with a hand-back budget', () => {
  /** A run that began `ago` seconds before NOW and hands back 120 s after its start. */
  const budget = (ago: number) => ({
    started_at: new Date(NOW.getTime() - ago * 1000).toISOString(),
    after_seconds: 120,
  });

  it('hands the cursor back when its wait would end past the budget, keeping the wait', async () => {
    // Prepare
    const hunter = providerAnswering('hunter', new TransientProviderError('HTTP 429', 100));
    const { step, start } = rig({ record: contactRecord(EMAIL_ONLY), providers: [hunter] });

    // Act
    const cursor = await step.execute(start('email'), budget(30));

    // Assess
    expect(cursor).toMatchObject({ next: 'wait', wait_seconds: 100, waits: 1, hand_back: true });
  });

  it('waits in the run when the wait ends within the budget', async () => {
    // Prepare
    const hunter = providerAnswering('hunter', new TransientProviderError('HTTP 429', 100));
    const { step, start } = rig({ record: contactRecord(EMAIL_ONLY), providers: [hunter] });

    // Act
    const cursor = await step.execute(start('email'), budget(10));

    // Assess
    expect(cursor).toMatchObject({ next: 'wait', wait_seconds: 100 });
    expect(cursor.hand_back).toBeUndefined();
  });

  it('hands the cursor back when its next call would start past the budget', async () => {
    // Prepare
    const misses = providerAnswering('misses', { kind: 'not_found' });
    const hunter = providerAnswering('hunter', valid('jane@acme.com'));
    const { step, start } = rig({ record: contactRecord(EMAIL_ONLY), providers: [misses, hunter] });

    // Act
    const late = await step.execute(start('email'), budget(121));
    const early = await step.execute(start('email'), budget(119));

    // Assess
    expect(late).toMatchObject({ next: 'call', provider_index: 1, hand_back: true });
    expect(early).toMatchObject({ next: 'call', provider_index: 1 });
    expect(early.hand_back).toBeUndefined();
  });

  it('never hands back a type that is done, nor a cursor sent without a budget (the Release 2 waterfall)', async () => {
    // Prepare
    const hunter = providerAnswering(
      'hunter',
      valid('jane@acme.com'),
      new TransientProviderError('HTTP 429', 100),
    );
    const { step, start } = rig({ record: contactRecord(EMAIL_ONLY), providers: [hunter] });
    const other = rig({
      record: contactRecord(EMAIL_ONLY),
      providers: [providerAnswering('hunter', new TransientProviderError('HTTP 429', 100))],
    });

    // Act
    const done = await step.execute(start('email'), budget(500));
    const unbudgeted = await other.step.execute(other.start('email'));

    // Assess
    expect(done).toMatchObject({ next: 'done' });
    expect(done.hand_back).toBeUndefined();
    expect(unbudgeted).toMatchObject({ next: 'wait', wait_seconds: 100 });
    expect(unbudgeted.hand_back).toBeUndefined();
  });
});
