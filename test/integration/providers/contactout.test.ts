/**
 * What only ContactOut does: the Contact Info query, asking for phones or personal emails alone. Failures,
 * its swapped 400/401, refusals and misses are in the contract suite (`contract.test.ts`,
 * `doubles/contactout.ts`).
 */
import { createContactOutProvider } from '../../../functions/providers/contactout';
import { profile } from './doubles/contactout';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

const { server, adapter: contactout } = useFakeProvider((baseUrl) =>
  createContactOutProvider({ apiKey: 'contactout-key', baseUrl }),
);

describe('Function: createContactOutProvider', () => {
  it('asks for the profile’s phones only and returns them as written', async () => {
    // Prepare
    server().reply({ status: 200, json: profile({ phone: ['+33 6 12 34 56 78', '+14155550134'] }) });

    // Act
    const answer = await contactout().find(aContact(), 'phone', aCall());

    // Assess
    expect(answer).toEqual({
      kind: 'phones',
      phones: [{ number: '+33 6 12 34 56 78' }, { number: '+14155550134' }],
    });
    const [request] = server().requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/v1/people/linkedin');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({
      profile: 'https://www.linkedin.com/in/janedoe',
      include_phone: 'true',
      email_type: 'none',
    });
    expect(request?.headers).toMatchObject({ token: 'contactout-key', authorization: 'basic' });
  });

  it('asks for personal emails only and returns the first', async () => {
    // Prepare
    server().reply({ status: 200, json: profile({ personal_email: ['jane@gmail.com', 'jd@yahoo.com'] }) });

    // Act
    const answer = await contactout().find(aContact(), 'personal_email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane@gmail.com' });
    expect(server().requests[0]?.query.get('email_type')).toBe('personal');
    expect(server().requests[0]?.query.get('include_phone')).toBe('false');
  });
});
