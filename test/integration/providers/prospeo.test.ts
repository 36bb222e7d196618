import { createProspeoProvider } from '../../../functions/providers/prospeo';
import { PermanentProviderError, TransientProviderError } from '../../../functions/providers/provider';
import {
  aCall,
  aContact,
  failureOf,
  itClassifiesFailures,
  itRefusesWithoutCalling,
  itTimesOut,
  useFakeProvider,
} from './fake-provider-server';

const { server, adapter: prospeo } = useFakeProvider((baseUrl) =>
  createProspeoProvider({ apiKey: 'prospeo-key', baseUrl }),
);

/** An Enrich Person match as documented, trimmed to the person's contact fields. */
const match = (person: Record<string, unknown>) => ({
  error: false,
  free_enrichment: false,
  person: { person_id: 'p1', first_name: 'Jane', last_name: 'Doe', ...person },
  company: { name: 'Acme', website: 'acme.com' },
});

describe('Function: createProspeoProvider', () => {
  it('asks Enrich Person for a verified email only and returns it as valid', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: match({
        email: { status: 'VERIFIED', revealed: true, email: 'jane.doe@acme.com' },
        mobile: null,
      }),
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
    server().reply({
      status: 200,
      json: match({
        mobile: {
          status: 'VERIFIED',
          revealed: true,
          mobile: '+1 415-555-0134',
          mobile_national: '(415) 555-0134',
          mobile_international: '+14155550134',
          mobile_country: 'United States',
          mobile_country_code: 'US',
        },
      }),
    });

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

  it('returns not_found on the NO_MATCH error code', async () => {
    // Prepare
    server().reply({ status: 400, json: { error: true, error_code: 'NO_MATCH' } });

    // Act
    const answer = await prospeo().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no match' });
  });

  it('returns not_found when the match reveals no mobile', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: match({ mobile: { status: 'UNAVAILABLE', revealed: false, mobile: null } }),
    });

    // Act
    const answer = await prospeo().find(aContact(), 'phone', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no mobile revealed' });
  });

  itClassifiesFailures(
    server,
    [
      {
        case: 'INSUFFICIENT_CREDITS',
        reply: { status: 400, json: { error: true, error_code: 'INSUFFICIENT_CREDITS' } },
        error: PermanentProviderError,
      },
      {
        case: 'INVALID_DATAPOINTS',
        reply: { status: 400, json: { error: true, error_code: 'INVALID_DATAPOINTS' } },
        error: PermanentProviderError,
      },
      {
        case: '401 (bad key)',
        reply: { status: 401, json: { error: true, error_code: 'INVALID_API_KEY' } },
        error: PermanentProviderError,
      },
      { case: '402', reply: { status: 402, json: {} }, error: PermanentProviderError },
      {
        case: '429 with Retry-After',
        reply: {
          status: 429,
          json: { error: true, error_code: 'RATE_LIMITED' },
          headers: { 'retry-after': '3' },
        },
        error: TransientProviderError,
        retryAfter: 3,
      },
      {
        case: '500',
        reply: { status: 500, json: { error: true, error_code: 'INTERNAL_ERROR' } },
        error: TransientProviderError,
      },
      { case: 'malformed JSON', reply: { status: 200, text: 'not json' }, error: PermanentProviderError },
    ],
    () => prospeo().find(aContact(), 'email', aCall()),
  );

  it('says out of credits on INSUFFICIENT_CREDITS', async () => {
    // Prepare
    server().reply({ status: 400, json: { error: true, error_code: 'INSUFFICIENT_CREDITS' } });

    // Act
    const error = await failureOf(prospeo().find(aContact(), 'email', aCall()));

    // Assess
    expect(error.message).toBe('prospeo: out of credits');
  });

  itTimesOut(server, 'Prospeo', (call) => prospeo().find(aContact(), 'email', call));

  itRefusesWithoutCalling(server, 'the personal_email type', 'Prospeo', () =>
    prospeo().find(aContact(), 'personal_email', aCall()),
  );
});
