import { createContactOutProvider } from '../../../functions/providers/contactout';
import { PermanentProviderError, TransientProviderError } from '../../../functions/providers/provider';
import {
  aCall,
  aContact,
  itClassifiesFailures,
  itRefusesWithoutCalling,
  itTimesOut,
  useFakeProvider,
} from './fake-provider-server';

const { server, adapter: contactout } = useFakeProvider((baseUrl) =>
  createContactOutProvider({ apiKey: 'contactout-key', baseUrl }),
);

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

  it('returns not_found when the profile has no phone', async () => {
    // Prepare
    server().reply({ status: 200, json: profile({}) });

    // Act
    const answer = await contactout().find(aContact(), 'phone', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no phone on the profile' });
  });

  it('returns not_found when ContactOut does not know the profile', async () => {
    // Prepare
    server().reply({ status: 404, json: { status_code: 404, message: 'Profile not found' } });

    // Act
    const answer = await contactout().find(aContact(), 'personal_email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'profile not found' });
  });

  itClassifiesFailures(
    server,
    [
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
    ],
    () => contactout().find(aContact(), 'phone', aCall()),
  );

  itTimesOut(server, 'ContactOut', (call) => contactout().find(aContact(), 'phone', call));

  itRefusesWithoutCalling(server, 'the work email type', 'ContactOut', () =>
    contactout().find(aContact(), 'email', aCall()),
  );

  itRefusesWithoutCalling(server, 'a contact without a LinkedIn URL', 'ContactOut', () =>
    contactout().find(aContact({ linkedin_url: null }), 'phone', aCall()),
  );
});
