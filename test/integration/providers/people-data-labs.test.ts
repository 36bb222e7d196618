/**
 * What only People Data Labs does: the Person Enrichment query (profile, `required`, `min_likelihood`) and
 * which phone or email it returns. Failures, refusals, misses and plans without contact data are in the
 * contract suite (`contract.test.ts`, `doubles/peopledatalabs.ts`).
 */
import { createPeopleDataLabsProvider } from '../../../functions/providers/people-data-labs';
import { match } from './doubles/peopledatalabs';
import { aCall, aContact, useFakeProvider } from './fake-provider-server';

describe('Function: createPeopleDataLabsProvider', () => {
  const { server, adapter: pdl } = useFakeProvider((baseUrl) =>
    createPeopleDataLabsProvider({ apiKey: 'pdl-key', baseUrl }),
  );

  it('enriches by LinkedIn profile, requires phone numbers and a likelihood of 6, and returns the mobile first', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: match({ mobile_phone: '+14155550134', phone_numbers: ['+14155550199', '+14155550134'] }),
    });

    // Act
    const answer = await pdl().find(aContact(), 'phone', aCall());

    // Assess
    expect(answer).toEqual({
      kind: 'phones',
      phones: [{ number: '+14155550134', type: 'mobile' }, { number: '+14155550199' }],
    });
    const [request] = server().requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/v5/person/enrich');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({
      profile: 'https://www.linkedin.com/in/janedoe',
      first_name: 'Jane',
      last_name: 'Doe',
      company: 'acme.com',
      required: 'phone_numbers',
      min_likelihood: '6',
    });
    expect(request?.headers['x-api-key']).toBe('pdl-key');
  });

  it('returns the recommended personal email, unverified', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: match({
        recommended_personal_email: 'jane@gmail.com',
        personal_emails: ['jd@yahoo.com', 'jane@gmail.com'],
      }),
    });

    // Act
    const answer = await pdl().find(aContact({ domain: null }), 'personal_email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane@gmail.com' });
    expect(server().requests[0]?.query.get('required')).toBe('personal_emails');
    expect(server().requests[0]?.query.get('company')).toBe('Acme');
  });

  it('returns the first personal email when PDL recommends none', async () => {
    // Prepare
    server().reply({ status: 200, json: match({ personal_emails: ['jd@yahoo.com'] }) });

    // Act
    const answer = await pdl().find(aContact(), 'personal_email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jd@yahoo.com' });
  });
});

describe('Function: createPeopleDataLabsProvider, with a minimum likelihood set', () => {
  const { server, adapter: pdl } = useFakeProvider((baseUrl) =>
    createPeopleDataLabsProvider({ apiKey: 'pdl-key', baseUrl, minLikelihood: 8 }),
  );

  it('asks for matches at least that likely', async () => {
    // Prepare
    server().reply({ status: 200, json: match({ mobile_phone: '+14155550134' }) });

    // Act
    await pdl().find(aContact(), 'phone', aCall());

    // Assess
    expect(server().requests[0]?.query.get('min_likelihood')).toBe('8');
  });
});
