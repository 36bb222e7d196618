import { createPeopleDataLabsProvider } from '../../functions/providers/people-data-labs';
import {
  PermanentProviderError,
  TransientProviderError,
  type Provider,
} from '../../functions/providers/provider';
import {
  aContact,
  failureOf,
  retryAfterOf,
  shortTimeout,
  startFakeProviderServer,
  type FailureCase,
  type FakeProviderServer,
} from './fake-provider-server';

let server: FakeProviderServer;
let pdl: Provider;

beforeAll(async () => {
  server = await startFakeProviderServer();
  pdl = createPeopleDataLabsProvider({ apiKey: 'pdl-key', baseUrl: server.baseUrl });
});

afterAll(async () => {
  await server.stop();
});

const call = () => ({ signal: AbortSignal.timeout(5000) });

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
    server.reply({
      status: 200,
      json: match({ mobile_phone: '+14155550134', phone_numbers: ['+14155550199', '+14155550134'] }),
    });

    // Act
    const answer = await pdl.find(aContact(), 'phone', call());

    // Assess
    expect(answer).toEqual({
      kind: 'phones',
      phones: [{ number: '+14155550134', type: 'mobile' }, { number: '+14155550199' }],
    });
    const [request] = server.requests;
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
    server.reply({
      status: 200,
      json: match({
        recommended_personal_email: 'jane@gmail.com',
        personal_emails: ['jd@yahoo.com', 'jane@gmail.com'],
      }),
    });

    // Act
    const answer = await pdl.find(aContact({ domain: null }), 'personal_email', call());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane@gmail.com' });
    expect(server.requests[0]?.query.get('required')).toBe('personal_emails');
    expect(server.requests[0]?.query.get('company')).toBe('Acme');
  });

  it('returns not_found on a 404', async () => {
    // Prepare
    server.reply({ status: 404, json: notFound });

    // Act
    const answer = await pdl.find(aContact(), 'phone', call());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no matching profile' });
  });

  it('counts the `true` placeholders of plans without contact data as nothing found', async () => {
    // Prepare
    server.reply({ status: 200, json: match({ mobile_phone: true, phone_numbers: [true] }) });

    // Act
    const answer = await pdl.find(aContact(), 'phone', call());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no phone on the profile' });
  });

  it.each<FailureCase>([
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
  ])('classifies $case', async ({ reply, error: expected, retryAfter }) => {
    // Prepare
    server.reply(reply);

    // Act
    const error = await failureOf(pdl.find(aContact(), 'phone', call()));

    // Assess
    expect(error).toBeInstanceOf(expected);
    expect(retryAfterOf(error)).toBe(retryAfter);
  });

  it('throws a TransientProviderError when PDL does not answer in time', async () => {
    // Prepare
    server.reply('hang');

    // Act
    const error = await failureOf(pdl.find(aContact(), 'phone', { signal: shortTimeout() }));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
  });

  it('refuses the work email type without calling PDL', async () => {
    // Prepare
    server.reply();

    // Act
    const error = await failureOf(pdl.find(aContact(), 'email', call()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(server.requests).toHaveLength(0);
  });
});
