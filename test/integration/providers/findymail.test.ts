/**
 * What only Findymail does: a search by LinkedIn profile when there is one, else by name at a company.
 * Failures, refusals and misses are in the contract suite (`contract.test.ts`, `doubles/findymail.ts`).
 */
import { createFindymailProvider } from '../../../functions/providers/findymail';
import { found } from './doubles/findymail';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

const { server, adapter: findymail } = useFakeProvider((baseUrl) =>
  createFindymailProvider({ apiKey: 'findymail-key', baseUrl }),
);

describe('Function: createFindymailProvider', () => {
  it('searches by LinkedIn profile when the contact has one, and returns the email as verified', async () => {
    // Prepare
    server().reply({ status: 200, json: found });

    // Act
    const answer = await findymail().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' });
    const [request] = server().requests;
    expect(`${request?.method} ${request?.path}`).toBe('POST /api/search/linkedin');
    expect(request?.headers.authorization).toBe('Bearer findymail-key');
    expect(request?.body).toEqual({ linkedin_url: 'https://www.linkedin.com/in/janedoe' });
  });

  it.each([
    ['domain', {}, 'acme.com'],
    ['company name when there is no domain', { domain: null }, 'Acme'],
  ])('searches by name and %s without a profile', async (_case, overrides, domain) => {
    // Prepare
    server().reply({ status: 200, json: found });

    // Act
    await findymail().find(aContact({ linkedin_url: null, ...overrides }), 'email', aCall());

    // Assess
    const [request] = server().requests;
    expect(`${request?.method} ${request?.path}`).toBe('POST /api/search/name');
    expect(request?.body).toEqual({ name: 'Jane Doe', domain });
  });
});
