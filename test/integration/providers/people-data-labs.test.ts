import { createPeopleDataLabsProvider } from '../../../functions/providers/people-data-labs';
import { PermanentProviderError, TransientProviderError } from '../../../functions/providers/provider';
import {
  aCall,
  aContact,
  itClassifiesFailures,
  itRefusesWithoutCalling,
  itTimesOut,
  useFakeProvider,
} from './fake-provider-server';

const { server, adapter: pdl } = useFakeProvider((baseUrl) =>
  createPeopleDataLabsProvider({ apiKey: 'pdl-key', baseUrl }),
);

/** A Person Enrichment match as documented: status, likelihood and the profile, trimmed to contact fields. */
const match = (data: Record<string, unknown>) => ({
  status: 200,
  likelihood: 9,
  data: {
    id: 'qEnOZ5Oh0poWnQ1luFBfVw_0000',
    full_name: 'jane doe',
    mobile_phone: null,
    phone_numbers: [],
    personal_emails: [],
    recommended_personal_email: null,
    ...data,
  },
});

const notFound = {
  status: 404,
  error: { type: 'not_found', message: 'No records were found matching your request' },
};

describe('Function: createPeopleDataLabsProvider', () => {
  it('enriches by LinkedIn profile, requires phone numbers and returns the mobile first', async () => {
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

  it('returns not_found on a 404', async () => {
    // Prepare
    server().reply({ status: 404, json: notFound });

    // Act
    const answer = await pdl().find(aContact(), 'phone', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no matching profile' });
  });

  it('counts the `true` placeholders of plans without contact data as nothing found', async () => {
    // Prepare
    server().reply({ status: 200, json: match({ mobile_phone: true, phone_numbers: [true] }) });

    // Act
    const answer = await pdl().find(aContact(), 'phone', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no phone on the profile' });
  });

  itClassifiesFailures(
    server,
    [
      {
        case: '401 (bad key)',
        reply: {
          status: 401,
          json: { status: 401, error: { type: 'authentication_error', message: 'Invalid API Key' } },
        },
        error: PermanentProviderError,
      },
      {
        case: '402 (out of credits)',
        reply: {
          status: 402,
          json: { status: 402, error: { type: 'payment_required', message: 'out of credits' } },
        },
        error: PermanentProviderError,
      },
      {
        case: '429 with Retry-After',
        reply: {
          status: 429,
          json: { status: 429, error: { type: 'rate_limit_error' } },
          headers: { 'retry-after': '60' },
        },
        error: TransientProviderError,
        retryAfter: 60,
      },
      { case: '500', reply: { status: 500, json: {} }, error: TransientProviderError },
      {
        case: 'malformed JSON',
        reply: { status: 200, text: '{"status": 200, "data": {' },
        error: PermanentProviderError,
      },
      {
        case: 'a match without data',
        reply: { status: 200, json: { status: 200 } },
        error: PermanentProviderError,
      },
    ],
    () => pdl().find(aContact(), 'phone', aCall()),
  );

  itTimesOut(server, 'PDL', (call) => pdl().find(aContact(), 'phone', call));

  itRefusesWithoutCalling(server, 'the work email type', 'PDL', () =>
    pdl().find(aContact(), 'email', aCall()),
  );
});
