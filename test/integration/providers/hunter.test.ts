/**
 * What only Hunter does: the Email Finder's query, the mapping of its verification statuses, and the Email
 * Verifier's. Failures, refusals and misses are in the contract suite (`contract.test.ts`, `doubles/hunter.ts`).
 */
import { createHunterProvider, linkedinHandle } from '../../../functions/providers/hunter';
import { createHunterVerifier } from '../../../functions/providers/hunter-verifier';
import { finderAnswer, verification } from './doubles/hunter';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

describe('Function: createHunterProvider', () => {
  const { server, adapter: hunter } = useFakeProvider((baseUrl) =>
    createHunterProvider({ apiKey: 'hunter-key', baseUrl }),
  );

  it('asks the Email Finder by domain, name and LinkedIn handle, with a bounded search time', async () => {
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
      linkedin_handle: 'janedoe',
      max_duration: '15',
    });
    expect(request?.headers['x-api-key']).toBe('hunter-key');
  });

  it('asks by company name when the contact has no domain, and without a handle when it has no profile', async () => {
    // Prepare
    server().reply({ status: 200, json: finderAnswer('jane.doe@acme.com', 'valid') });

    // Act
    await hunter().find(aContact({ domain: null, linkedin_url: null }), 'email', aCall());

    // Assess
    const query = server().requests[0]?.query;
    expect(query?.get('company')).toBe('Acme');
    expect(query?.has('domain')).toBe(false);
    expect(query?.has('linkedin_handle')).toBe(false);
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
});

describe('Function: linkedinHandle', () => {
  it.each([
    ['https://www.linkedin.com/in/jane-doe', 'jane-doe'],
    ['https://www.linkedin.com/in/fran%C3%A7ois-grante', 'françois-grante'],
    [null, undefined],
  ])('reads the handle of %s as %s', (url, handle) => {
    // Act & Assess
    expect(linkedinHandle(url)).toBe(handle);
  });
});

describe('Function: createHunterVerifier', () => {
  const { server, adapter: verifier } = useFakeProvider((baseUrl) =>
    createHunterVerifier({ apiKey: 'hunter-key', baseUrl }),
  );

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
});
