/**
 * The adapter contract. Every provider and verifier in the catalog runs through its double (`doubles/`: the
 * provider's answers as its docs show them) and must behave alike: return what was found and a miss for each
 * type it declares, refuse a bad key and used-up credits in the circuit breaker's words, wait as long as a
 * rate limit says, retry server errors and timeouts, reject a body it cannot read, go from pending to done
 * when asynchronous, and spend no call on a contact without the inputs its catalog entry lists. What only
 * one provider does is in its double's `cases` (run here) or in its own test file (request shapes).
 */
import type { EnrichmentType } from '../../../functions/domain/enrichment/enrichment-request';
import { REAL_PROVIDERS, REAL_VERIFIERS } from '../../../functions/providers/catalog';
import { describeInputs, type ContactInput } from '../../../functions/providers/inputs';
import {
  PermanentProviderError,
  TransientProviderError,
  type ProviderAnswer,
  type ProviderRefusal,
} from '../../../functions/providers/provider';
import { DOUBLES } from './doubles';
import {
  aCall,
  aContact,
  failureOf,
  retryAfterOf,
  shortTimeout,
  useFakeProvider,
  type DocumentedCase,
  type FakeProviderServer,
  type ProviderDouble,
  type Refusal,
  type Reply,
  type VerifierDouble,
} from './fake-provider-server';

const API_KEY = 'contract-test-key';
const EMAIL = 'jane.doe@acme.com';
const NO_INPUTS = { domain: null, company_name: null, linkedin_url: null } as const;

/** One attempt at a call the failure tests make fail: a provider's submit or poll, a verifier's check. */
type Attempt = () => Promise<unknown>;

/** The failure tests every adapter passes alike, given the attempts that should fail. */
function itHandlesFailures(
  server: () => FakeProviderServer,
  double: ProviderDouble | VerifierDouble,
  attempts: (on?: 'submit' | 'poll', signal?: () => AbortSignal) => Attempt[],
): void {
  async function failures(reply: Reply | (() => Reply), on?: 'submit' | 'poll', signal?: () => AbortSignal) {
    const acts = attempts(on, signal);
    server().reply(...acts.map(() => (typeof reply === 'function' ? reply() : reply)));
    const errors: Error[] = [];
    for (const act of acts) errors.push(await failureOf(act()));
    return errors;
  }

  const refusals: [string, Refusal, ProviderRefusal][] = [
    ['a bad key as bad_key', double.refusals.badKey, 'bad_key'],
    ['used-up credits as out_of_credits', double.refusals.noCredits, 'out_of_credits'],
  ];
  it.each(refusals)('refuses %s, for the circuit breaker', async (_case, documented, kind) => {
    // Act
    const errors = await failures(documented.reply, documented.on);

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(PermanentProviderError);
      expect((error as PermanentProviderError).refusal).toBe(documented.refusal ?? kind);
    }
  });

  it('waits as long as its rate limit says', async () => {
    // Act
    const errors = await failures(() => double.rateLimited.withWait());

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(TransientProviderError);
      const seconds = retryAfterOf(error);
      expect(seconds).toBeGreaterThanOrEqual(double.rateLimited.seconds - 1);
      expect(seconds).toBeLessThanOrEqual(double.rateLimited.seconds);
    }
  });

  it.each([
    ['a rate limit that names no wait', () => double.rateLimited.withoutWait],
    ['a server error', () => double.serverError],
  ])('retries after %s, with the state machine’s backoff', async (_case, reply) => {
    // Act
    const errors = await failures(reply());

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(TransientProviderError);
      expect(retryAfterOf(error)).toBeUndefined();
    }
  });

  it('retries when the provider does not answer in time', async () => {
    // Act
    const errors = await failures('hang', undefined, shortTimeout);

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(TransientProviderError);
  });

  it('rejects an answer that is not JSON, without calling it a refusal', async () => {
    // Act
    const errors = await failures({ status: 200, text: '{"data": ' });

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(PermanentProviderError);
      expect((error as PermanentProviderError).refusal).toBeUndefined();
    }
  });
}

/** Runs a documented case through `act` and checks the adapter's answer or error. */
async function checkCase<T>(
  server: () => FakeProviderServer,
  documented: DocumentedCase<T>,
  act: () => Promise<T>,
  before: Reply[] = [],
): Promise<void> {
  // Prepare
  server().reply(...before, documented.reply);

  // Act
  const outcome = await act().then(
    (answer) => ({ answer }),
    (error: unknown) => ({ error: error as Error }),
  );

  // Assess
  const expected = documented.expect;
  if ('answer' in expected) {
    expect(outcome).toEqual({ answer: expected.answer });
    return;
  }
  expect('error' in outcome && outcome.error).toBeInstanceOf(expected.error);
  const error = (outcome as { error: Error }).error;
  expect((error as Partial<PermanentProviderError>).refusal).toBe(expected.refusal);
  expect(retryAfterOf(error)).toBe(expected.retryAfter);
  if (expected.message) expect(error.message).toBe(expected.message);
}

describe.each(Object.keys(REAL_PROVIDERS))('Contract: provider %s', (name) => {
  const entry = REAL_PROVIDERS[name]!;
  const double = DOUBLES[name]?.provider;
  const { server, adapter } = useFakeProvider((baseUrl) => entry.create({ apiKey: API_KEY, baseUrl }));
  if (!double) {
    it('has a double answering as the provider documents', () => {
      throw new Error(`test/integration/providers/doubles has no provider double for ${name}`);
    });
    return;
  }
  const [firstType] = entry.types as [EnrichmentType];
  const submittedFor = (type: EnrichmentType) => double.answers[type]?.submitted ?? double.async?.submitted;

  /** A find run to its end: an asynchronous search is submitted, read once while running, then read done. */
  async function findToEnd(type: EnrichmentType, done: Reply): Promise<ProviderAnswer> {
    if (!double!.async) {
      server().reply(done);
      return adapter().find(aContact(), type, aCall());
    }
    const { token, running } = double!.async;
    server().reply(submittedFor(type)!, running, done);
    expect(await adapter().find(aContact(), type, aCall())).toMatchObject({ kind: 'pending', token });
    expect(await adapter().poll!(token, type, aCall())).toMatchObject({ kind: 'pending', token });
    return adapter().poll!(token, type, aCall());
  }

  it('declares the types its double answers, a rate limit, its pricing and inputs for its types only', () => {
    // Act
    const provider = adapter();

    // Assess
    expect(provider.name).toBe(name);
    expect(provider.types).toEqual(entry.types);
    expect(Object.keys(double.answers).sort()).toEqual([...entry.types].sort());
    expect(entry.rateLimit.perSecond).toBeGreaterThan(0);
    expect(entry.pricing.trim()).not.toBe('');
    for (const type of Object.keys(entry.inputs)) expect(entry.types).toContain(type);
    expect(typeof provider.poll === 'function').toBe(double.async !== undefined);
  });

  describe.each(entry.types)('%s', (type) => {
    it(
      double.async
        ? 'goes from submitted through running to what the provider found'
        : 'returns what the provider found, sending the key where documented',
      async () => {
        // Act
        const answer = await findToEnd(type, double.answers[type]!.found.reply);

        // Assess
        expect(answer).toEqual(double.answers[type]!.found.answer);
        for (const request of server().requests) expect(double.key(request)).toBe(API_KEY);
      },
    );

    it('returns not_found on a documented miss', async () => {
      // Act
      const answer = await findToEnd(type, double.answers[type]!.notFound.reply);

      // Assess
      expect(answer).toEqual(double.answers[type]!.notFound.answer);
    });

    const sets = entry.inputs[type] ?? [];
    if (sets.length) {
      it(`calls nobody for a contact without ${describeInputs(sets)}`, async () => {
        // Prepare
        server().reply();

        // Act
        const error = await failureOf(adapter().find(aContact(NO_INPUTS), type, aCall()));

        // Assess
        expect(error).toBeInstanceOf(PermanentProviderError);
        expect(server().requests).toHaveLength(0);
      });

      it.each(sets.map((set) => [set.join(' + '), set] as const))(
        'asks with only %s',
        async (_set, set: readonly ContactInput[]) => {
          // Prepare
          const known = Object.fromEntries(set.map((input) => [input, aContact()[input]]));
          server().reply(double.async ? submittedFor(type)! : double.answers[type]!.found.reply);

          // Act
          await adapter().find(aContact({ ...NO_INPUTS, ...known }), type, aCall());

          // Assess
          expect(server().requests).toHaveLength(1);
        },
      );
    }
  });

  itHandlesFailures(server, double, (on, signal = () => AbortSignal.timeout(5000)) => {
    const submit = () => adapter().find(aContact(), firstType, { signal: signal() });
    const async = double.async;
    if (!async) return [submit];
    const poll = () => adapter().poll!(async.token, firstType, { signal: signal() });
    return on === 'submit' ? [submit] : on === 'poll' ? [poll] : [submit, poll];
  });

  if (double.cases?.length) {
    it.each(double.cases)('handles $case as documented', async (documented) => {
      const type = documented.type ?? firstType;
      const async = double.async;
      if (async && documented.on === 'poll') {
        await checkCase(server, documented, () => adapter().poll!(async.token, type, aCall()));
      } else {
        await checkCase(server, documented, () => adapter().find(aContact(), type, aCall()));
      }
    });
  }
});

describe.each(Object.keys(REAL_VERIFIERS))('Contract: verifier %s', (name) => {
  const entry = REAL_VERIFIERS[name]!;
  const double = DOUBLES[name]?.verifier;
  const { server, adapter } = useFakeProvider((baseUrl) => entry.create({ apiKey: API_KEY, baseUrl }));
  if (!double) {
    it('has a double answering as the provider documents', () => {
      throw new Error(`test/integration/providers/doubles has no verifier double for ${name}`);
    });
    return;
  }

  it('declares a rate limit and its pricing, and its double a valid verdict', () => {
    // Assess
    expect(adapter().name).toBe(name);
    expect(entry.rateLimit.perSecond).toBeGreaterThan(0);
    expect(entry.pricing.trim()).not.toBe('');
    expect(double.verdicts.map((v) => v.answer.verdict)).toContain('valid');
  });

  it.each(double.verdicts.map((exchange) => [exchange.answer.verdict, exchange] as const))(
    'returns the documented verdict %s, sending the key where documented',
    async (_verdict, exchange) => {
      // Prepare
      server().reply(exchange.reply);

      // Act
      const result = await adapter().verify(EMAIL, aCall());

      // Assess
      expect(result).toEqual(exchange.answer);
      expect(double.key(server().requests[0]!)).toBe(API_KEY);
    },
  );

  itHandlesFailures(server, double, (_on, signal = () => AbortSignal.timeout(5000)) => [
    () => adapter().verify(EMAIL, { signal: signal() }),
  ]);

  if (double.cases?.length) {
    it.each(double.cases)('handles $case as documented', async (documented) => {
      await checkCase(server, documented, () => adapter().verify(EMAIL, aCall()));
    });
  }
});

it('has no double for a name the catalog does not know', () => {
  // Assess
  for (const [name, doubles] of Object.entries(DOUBLES)) {
    if (doubles.provider) expect(REAL_PROVIDERS).toHaveProperty(name);
    if (doubles.verifier) expect(REAL_VERIFIERS).toHaveProperty(name);
  }
});
