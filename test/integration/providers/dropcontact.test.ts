/**
 * What only Dropcontact does: the submitted contact, the read of the request id, and its email
 * qualifications. Pending → done, failures, refusals and misses are in the contract suite (`contract.test.ts`,
 * `doubles/dropcontact.ts`).
 */
import { createDropcontactProvider } from '../../../functions/providers/dropcontact';
import { notReady, ready, submitted } from './doubles/dropcontact';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

const { server, adapter: dropcontact } = useFakeProvider((baseUrl) =>
  createDropcontactProvider({ apiKey: 'dropcontact-key', baseUrl }),
);

describe('Function: createDropcontactProvider', () => {
  it('submits the contact and answers pending with the request id', async () => {
    // Prepare
    server().reply({ status: 200, json: submitted });

    // Act
    const answer = await dropcontact().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: 'qzmxkpvlrtdnhwa', afterSeconds: 30 });
    const [request] = server().requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/enrich/all');
    expect(request?.headers['x-access-token']).toBe('dropcontact-key');
    expect(request?.body).toEqual({
      data: [
        {
          first_name: 'Jane',
          last_name: 'Doe',
          company: 'Acme',
          website: 'acme.com',
          linkedin: 'https://www.linkedin.com/in/janedoe',
        },
      ],
      siren: false,
      language: 'en',
    });
  });

  it('reads the request by its id, and stays pending for the wait Dropcontact asks', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: { ...notReady, reason: 'Request not ready yet, try again in 20 seconds' },
    });

    // Act
    const answer = await dropcontact().poll!('req-42', 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: 'req-42', afterSeconds: 20 });
    expect(server().requests[0]?.method).toBe('GET');
    expect(server().requests[0]?.path).toBe('/v1/enrich/all/req-42');
    expect(server().requests[0]?.headers['x-access-token']).toBe('dropcontact-key');
  });

  it('returns not_found when the result has no email at all', async () => {
    // Prepare
    server().reply({ status: 200, json: ready([]) });

    // Act
    const answer = await dropcontact().poll!('req-42', 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no professional email' });
  });
});
