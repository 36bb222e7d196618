/**
 * What only Icypeas does: the submitted search, the read of its item, and its statuses and certainties.
 * Pending → done, failures, refusals and misses are in the contract suite (`contract.test.ts`,
 * `doubles/icypeas.ts`).
 */
import { createIcypeasProvider } from '../../../functions/providers/icypeas';
import { item, SEARCH_ID, submitted } from './doubles/icypeas';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

const { server, adapter: icypeas } = useFakeProvider((baseUrl) =>
  createIcypeasProvider({ apiKey: 'icypeas-key', baseUrl }),
);

describe('Function: createIcypeasProvider', () => {
  it('submits a single email search and answers pending with its id', async () => {
    // Prepare
    server().reply({ status: 200, json: submitted });

    // Act
    const answer = await icypeas().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: SEARCH_ID, afterSeconds: 5 });
    const [request] = server().requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/email-search');
    expect(request?.headers.authorization).toBe('icypeas-key');
    expect(request?.body).toEqual({ firstname: 'Jane', lastname: 'Doe', domainOrCompany: 'acme.com' });
  });

  it('searches by company name when the contact has no domain', async () => {
    // Prepare
    server().reply({ status: 200, json: submitted });

    // Act
    await icypeas().find(aContact({ domain: null }), 'email', aCall());

    // Assess
    expect(server().requests[0]?.body).toMatchObject({ domainOrCompany: 'Acme' });
  });

  it('reads the single search by its id', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: item('DEBITED', [{ email: 'jane.doe@acme.com', certainty: 'very_sure' }]),
    });

    // Act
    const answer = await icypeas().poll!(SEARCH_ID, 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' });
    const [read] = server().requests;
    expect(`${read?.method} ${read?.path}`).toBe('POST /api/bulk-single-searchs/read');
    expect(read?.body).toEqual({ mode: 'single', id: SEARCH_ID });
    expect(read?.headers.authorization).toBe('icypeas-key');
  });

  it.each(['NONE', 'SCHEDULED', 'IN_PROGRESS'])('stays pending while the item is %s', async (status) => {
    // Prepare
    server().reply({ status: 200, json: item(status) });

    // Act
    const answer = await icypeas().poll!('p_1', 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: 'p_1', afterSeconds: 5 });
  });

  it('leaves a probable email for the verifier to judge', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: item('FOUND', [{ email: 'jane.doe@acme.com', certainty: 'probable' }]),
    });

    // Act
    const answer = await icypeas().poll!('p_1', 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'unknown' });
  });
});
