import { createContactOutProvider } from '../../functions/providers/contactout';
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
let contactout: Provider;

beforeAll(async () => {
  server = await startFakeProviderServer();
  contactout = createContactOutProvider({ apiKey: 'contactout-key', baseUrl: server.baseUrl });
});

afterAll(async () => {
  await server.stop();
});

const call = () => ({ signal: AbortSignal.timeout(5000) });

/** A People by LinkedIn answer as documented, trimmed to the contact fields. */
const profile = (fields: Record<string, unknown>) => ({
  status_code: 200,
  profile: {
    url: 'https://www.linkedin.com/in/janedoe',
    email: [],
    work_email: [],
    personal_email: [],
    phone: [],
    ...fields,
  },
});

describe('Function: createContactOutProvider', () => {
  it('asks for the profile’s phones only and returns them as written', async () => {
    // Prepare
    server.reply({ status: 200, json: profile({ phone: ['+33 6 12 34 56 78', '+14155550134'] }) });

    // Act
    const answer = await contactout.find(aContact(), 'phone', call());

    // Assess
    expect(answer).toEqual({
      kind: 'phones',
      phones: [{ number: '+33 6 12 34 56 78' }, { number: '+14155550134' }],
    });
    const [request] = server.requests;
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
    server.reply({ status: 200, json: profile({ personal_email: ['jane@gmail.com', 'jd@yahoo.com'] }) });

    // Act
    const answer = await contactout.find(aContact(), 'personal_email', call());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane@gmail.com' });
    expect(server.requests[0]?.query.get('email_type')).toBe('personal');
    expect(server.requests[0]?.query.get('include_phone')).toBe('false');
  });

  it('returns not_found when the profile has no phone', async () => {
    // Prepare
    server.reply({ status: 200, json: profile({}) });

    // Act
    const answer = await contactout.find(aContact(), 'phone', call());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no phone on the profile' });
  });

  it('returns not_found when ContactOut does not know the profile', async () => {
    // Prepare
    server.reply({ status: 404, json: { status_code: 404, message: 'Profile not found' } });

    // Act
    const answer = await contactout.find(aContact(), 'personal_email', call());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'profile not found' });
  });

  it.each<FailureCase>([
    {
      case: '401 (bad key)',
      reply: { status: 401, json: { message: 'Unauthorized' } },
      error: PermanentProviderError,
    },
    { case: '402', reply: { status: 402, json: {} }, error: PermanentProviderError },
    {
      case: '403 (no credits left)',
      reply: { status: 403, json: { message: 'Forbidden' } },
      error: PermanentProviderError,
    },
    {
      case: '429 with Retry-After',
      reply: { status: 429, json: { message: 'Too Many Attempts.' }, headers: { 'retry-after': '30' } },
      error: TransientProviderError,
      retryAfter: 30,
    },
    { case: '500', reply: { status: 500, text: 'Server Error' }, error: TransientProviderError },
    {
      case: 'malformed JSON',
      reply: { status: 200, text: '<!doctype html>' },
      error: PermanentProviderError,
    },
  ])('classifies $case', async ({ reply, error: expected, retryAfter }) => {
    // Prepare
    server.reply(reply);

    // Act
    const error = await failureOf(contactout.find(aContact(), 'phone', call()));

    // Assess
    expect(error).toBeInstanceOf(expected);
    expect(retryAfterOf(error)).toBe(retryAfter);
  });

  it('throws a TransientProviderError when ContactOut does not answer in time', async () => {
    // Prepare
    server.reply('hang');

    // Act
    const error = await failureOf(contactout.find(aContact(), 'phone', { signal: shortTimeout() }));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
  });

  it.each([
    ['the work email type', aContact(), 'email' as const],
    ['a contact without a LinkedIn URL', aContact({ linkedin_url: null }), 'phone' as const],
  ])('refuses %s without calling ContactOut', async (_case, contact, type) => {
    // Prepare
    server.reply();

    // Act
    const error = await failureOf(contactout.find(contact, type, call()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(server.requests).toHaveLength(0);
  });
});
