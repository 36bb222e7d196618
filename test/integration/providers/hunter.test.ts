import { createHunterProvider } from '../../../functions/providers/hunter';
import { createHunterVerifier } from '../../../functions/providers/hunter-verifier';
import { PermanentProviderError, TransientProviderError } from '../../../functions/providers/provider';
import {
  aCall,
  aContact,
  failureOf,
  itClassifiesFailures,
  itTimesOut,
  useFakeProvider,
} from './fake-provider-server';

/** An Email Finder answer as documented, trimmed to the fields that matter here. */
const finderAnswer = (email: string | null, status: string | null) => ({
  data: {
    first_name: 'Jane',
    last_name: 'Doe',
    email,
    score: email ? 97 : null,
    domain: 'acme.com',
    verification: { date: status ? '2024-05-01' : null, status },
  },
  meta: { params: {} },
});

describe('Function: createHunterProvider', () => {
  const { server, adapter: hunter } = useFakeProvider((baseUrl) =>
    createHunterProvider({ apiKey: 'hunter-key', baseUrl }),
  );

  it('asks the Email Finder by domain and name and returns the email with its verdict', async () => {
    // Prepare
    server().reply({ status: 200, json: finderAnswer('jane.doe@acme.com', 'valid') });

    // Act
    const answer = await hunter().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' });
    const [request] = server().requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/v2/email-finder');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({
      domain: 'acme.com',
      first_name: 'Jane',
      last_name: 'Doe',
    });
    expect(request?.headers['x-api-key']).toBe('hunter-key');
  });

  it('asks by company name when the contact has no domain', async () => {
    // Prepare
    server().reply({ status: 200, json: finderAnswer('jane.doe@acme.com', 'valid') });

    // Act
    await hunter().find(aContact({ domain: null }), 'email', aCall());

    // Assess
    expect(server().requests[0]?.query.get('company')).toBe('Acme');
    expect(server().requests[0]?.query.has('domain')).toBe(false);
  });

  it.each([
    ['accept_all', 'catch_all'],
    ['unknown', 'unknown'],
    ['invalid', 'invalid'],
  ])('maps the verification status %s to the verdict %s', async (status, verdict) => {
    // Prepare
    server().reply({ status: 200, json: finderAnswer('jane.doe@acme.com', status) });

    // Act
    const answer = await hunter().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict });
  });

  it('returns the email without a verdict when Hunter has not verified it', async () => {
    // Prepare
    server().reply({ status: 200, json: finderAnswer('jane.doe@acme.com', null) });

    // Act
    const answer = await hunter().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com' });
  });

  it('returns not_found when Hunter finds no email', async () => {
    // Prepare
    server().reply({ status: 200, json: finderAnswer(null, null) });

    // Act
    const answer = await hunter().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no email found' });
  });

  itClassifiesFailures(
    server,
    [
      {
        case: '401 (bad key)',
        reply: { status: 401, json: { errors: [{ id: 'authentication_failed' }] } },
        error: PermanentProviderError,
      },
      { case: '402 (no credits)', reply: { status: 402, json: {} }, error: PermanentProviderError },
      {
        case: '403 (Hunter’s rate limit)',
        reply: { status: 403, json: {}, headers: { 'retry-after': '2' } },
        error: TransientProviderError,
        retryAfter: 2,
      },
      {
        case: '429 (Hunter’s used-up monthly quota)',
        reply: { status: 429, json: {}, headers: { 'retry-after': '60' } },
        error: PermanentProviderError,
      },
      { case: '500', reply: { status: 500, text: 'oops' }, error: TransientProviderError },
      { case: 'malformed JSON', reply: { status: 200, text: '{"data":' }, error: PermanentProviderError },
      {
        case: 'an unexpected shape',
        reply: { status: 200, json: { data: { email: 42 } } },
        error: PermanentProviderError,
      },
    ],
    () => hunter().find(aContact(), 'email', aCall()),
  );

  itTimesOut(server, 'Hunter', (call) => hunter().find(aContact(), 'email', call));

  it('refuses a type it does not search without calling Hunter', async () => {
    // Prepare
    server().reply({ status: 200, json: finderAnswer('jane.doe@acme.com', 'valid') });

    // Act
    const error = await failureOf(hunter().find(aContact(), 'phone', aCall()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(server().requests).toHaveLength(0);
  });
});

describe('Function: createHunterVerifier', () => {
  const { server, adapter: verifier } = useFakeProvider((baseUrl) =>
    createHunterVerifier({ apiKey: 'hunter-key', baseUrl }),
  );

  const verification = (status: string, smtpCheck: boolean) => ({
    data: { status, result: 'deliverable', score: 90, email: 'jane.doe@acme.com', smtp_check: smtpCheck },
    meta: { params: { email: 'jane.doe@acme.com' } },
  });

  it('asks the Email Verifier about the email and returns its verdict', async () => {
    // Prepare
    server().reply({ status: 200, json: verification('valid', true) });

    // Act
    const result = await verifier().verify('jane.doe@acme.com', aCall());

    // Assess
    expect(result).toEqual({ verdict: 'valid', detail: 'hunter status valid' });
    const [request] = server().requests;
    expect(request?.path).toBe('/v2/email-verifier');
    expect(request?.query.get('email')).toBe('jane.doe@acme.com');
    expect(request?.headers['x-api-key']).toBe('hunter-key');
  });

  it.each([
    ['accept_all', true, 'catch_all'],
    ['disposable', true, 'invalid'],
    ['webmail', true, 'valid'],
    ['webmail', false, 'unknown'],
    ['blocked', false, 'unknown'],
  ])('maps the status %s (SMTP check %s) to the verdict %s', async (status, smtpCheck, verdict) => {
    // Prepare
    server().reply({ status: 200, json: verification(status, smtpCheck) });

    // Act
    const result = await verifier().verify('jane.doe@acme.com', aCall());

    // Assess
    expect(result.verdict).toBe(verdict);
  });

  it.each([202, 222])('throws a TransientProviderError while Hunter cannot conclude (%i)', async (status) => {
    // Prepare
    server().reply({ status, json: {} });

    // Act
    const error = await failureOf(verifier().verify('jane.doe@acme.com', aCall()));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
  });

  it('throws a PermanentProviderError when the key is rejected', async () => {
    // Prepare
    server().reply({ status: 401, json: {} });

    // Act
    const error = await failureOf(verifier().verify('jane.doe@acme.com', aCall()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
  });
});
