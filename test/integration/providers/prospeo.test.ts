/**
 * What only Prospeo does: the Enrich Person request for an email or a mobile. Failures, refusals, misses and
 * its error codes are in the contract suite (`contract.test.ts`, `doubles/prospeo.ts`).
 */
import { createProspeoProvider } from '../../../functions/providers/prospeo';
import { match, revealedMobile } from './doubles/prospeo';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

const { server, adapter: prospeo } = useFakeProvider((baseUrl) =>
  createProspeoProvider({ apiKey: 'prospeo-key', baseUrl }),
);

describe('Function: createProspeoProvider', () => {
  it('asks Enrich Person for a verified email only and returns it as valid', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: match({ email: { status: 'VERIFIED', revealed: true, email: 'jane.doe@acme.com' } }),
    });

    // Act
    const answer = await prospeo().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' });
    const [request] = server().requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/enrich-person');
    expect(request?.headers['x-key']).toBe('prospeo-key');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      only_verified_email: true,
      enrich_mobile: false,
      only_verified_mobile: false,
      data: {
        first_name: 'Jane',
        last_name: 'Doe',
        company_website: 'acme.com',
        company_name: 'Acme',
        linkedin_url: 'https://www.linkedin.com/in/janedoe',
      },
    });
  });

  it('asks for a mobile only and returns it with its country', async () => {
    // Prepare
    server().reply({ status: 200, json: match({ mobile: revealedMobile }) });

    // Act
    const answer = await prospeo().find(aContact({ domain: null }), 'phone', aCall());

    // Assess
    expect(answer).toEqual({
      kind: 'phones',
      phones: [{ number: '+14155550134', type: 'mobile', country: 'US' }],
    });
    expect(server().requests[0]?.body).toMatchObject({
      only_verified_email: false,
      enrich_mobile: true,
      only_verified_mobile: true,
      data: { company_name: 'Acme' },
    });
    expect(server().requests[0]?.body).not.toHaveProperty('data.company_website');
  });

  it('returns a revealed email Prospeo has not verified for the verifier to judge', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: match({ email: { status: 'UNVERIFIED', revealed: true, email: 'jane.doe@acme.com' } }),
    });

    // Act
    const answer = await prospeo().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'unknown' });
  });
});
