/**
 * What only Enrow does: the email and phone searches it is sent and how their results are read. Pending →
 * done, failures, refusals and misses are in the contract suite (`contract.test.ts`, `doubles/enrow.ts`).
 */
import { createEnrowProvider } from '../../../functions/providers/enrow';
import { emailResult, SEARCH_ID } from './doubles/enrow';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

const { server, adapter: enrow } = useFakeProvider((baseUrl) =>
  createEnrowProvider({ apiKey: 'enrow-key', baseUrl }),
);

const started = { status: 200, json: { message: 'Single search operating', id: SEARCH_ID, credits_used: 1 } };

describe('Function: createEnrowProvider', () => {
  it('starts an email search by full name and company domain', async () => {
    // Prepare
    server().reply(started);

    // Act
    const answer = await enrow().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: SEARCH_ID, afterSeconds: 5 });
    const [request] = server().requests;
    expect(`${request?.method} ${request?.path}`).toBe('POST /email/find/single');
    expect(request?.headers['x-api-key']).toBe('enrow-key');
    expect(request?.body).toEqual({ fullname: 'Jane Doe', company_domain: 'acme.com' });
  });

  it('searches by company name when the contact has no domain', async () => {
    // Prepare
    server().reply(started);

    // Act
    await enrow().find(aContact({ domain: null }), 'email', aCall());

    // Assess
    expect(server().requests[0]?.body).toEqual({ fullname: 'Jane Doe', company_name: 'Acme' });
  });

  it('reads the email search by its id', async () => {
    // Prepare
    server().reply({ status: 200, json: emailResult('valid', 'jane.doe@acme.com') });

    // Act
    await enrow().poll!(SEARCH_ID, 'email', aCall());

    // Assess
    const [read] = server().requests;
    expect(`${read?.method} ${read?.path}`).toBe('GET /email/find/single');
    expect(read?.query.get('id')).toBe(SEARCH_ID);
  });

  it('starts a phone search by LinkedIn profile, and reads it at its own path', async () => {
    // Prepare
    server().reply(started, { status: 202, json: { qualification: 'ongoing' } });

    // Act
    const first = await enrow().find(aContact(), 'phone', aCall());
    const second = await enrow().poll!(SEARCH_ID, 'phone', aCall());

    // Assess
    expect(first).toEqual({ kind: 'pending', token: SEARCH_ID, afterSeconds: 10 });
    expect(second).toEqual({ kind: 'pending', token: SEARCH_ID, afterSeconds: 10 });
    const [search, read] = server().requests;
    expect(`${search?.method} ${search?.path}`).toBe('POST /phone/single');
    expect(search?.body).toEqual({ linkedin_url: 'https://www.linkedin.com/in/janedoe' });
    expect(`${read?.method} ${read?.path}?id=${read?.query.get('id')}`).toBe(
      `GET /phone/single?id=${SEARCH_ID}`,
    );
  });

  it('starts a phone search by name and company when the contact has no profile', async () => {
    // Prepare
    server().reply(started);

    // Act
    await enrow().find(aContact({ linkedin_url: null }), 'phone', aCall());

    // Assess
    expect(server().requests[0]?.body).toEqual({
      firstname: 'Jane',
      lastname: 'Doe',
      company_domain: 'acme.com',
    });
  });
});
