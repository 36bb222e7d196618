/**
 * What only LeadMagic does: one endpoint per type, asked with the name at a company or the LinkedIn profile.
 * Failures, refusals and misses are in the contract suite (`contract.test.ts`, `doubles/leadmagic.ts`).
 */
import { createLeadMagicProvider } from '../../../functions/providers/leadmagic';
import { emailFound } from './doubles/leadmagic';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

const { server, adapter: leadmagic } = useFakeProvider((baseUrl) =>
  createLeadMagicProvider({ apiKey: 'leadmagic-key', baseUrl }),
);

describe('Function: createLeadMagicProvider', () => {
  it.each([
    ['the domain', {}, { first_name: 'Jane', last_name: 'Doe', domain: 'acme.com' }],
    [
      'the company name without a domain',
      { domain: null },
      { first_name: 'Jane', last_name: 'Doe', company_name: 'Acme' },
    ],
  ])('asks the Email Finder with the name and %s', async (_case, overrides, body) => {
    // Prepare
    server().reply({ status: 200, json: emailFound('jane.doe@acme.com', 'valid') });

    // Act
    await leadmagic().find(aContact(overrides), 'email', aCall());

    // Assess
    const [request] = server().requests;
    expect(`${request?.method} ${request?.path}`).toBe('POST /v1/people/email-finder');
    expect(request?.headers['x-api-key']).toBe('leadmagic-key');
    expect(request?.body).toEqual(body);
  });

  it.each([
    [
      'phone',
      '/v1/people/mobile-finder',
      { message: 'mobile not found', credits_consumed: 0, mobile_number: null },
    ],
    [
      'personal_email',
      '/v1/people/personal-email-finder',
      { personal_email: null, status: 'not_found', credits_consumed: 0, message: 'Personal email not found' },
    ],
  ] as const)('asks for a %s by LinkedIn profile at %s', async (type, path, json) => {
    // Prepare
    server().reply({ status: 200, json });

    // Act
    await leadmagic().find(aContact(), type, aCall());

    // Assess
    const [request] = server().requests;
    expect(`${request?.method} ${request?.path}`).toBe(`POST ${path}`);
    expect(request?.body).toEqual({ profile_url: 'https://www.linkedin.com/in/janedoe' });
  });
});
