import { createIcypeasProvider } from '../../../functions/providers/icypeas';
import { PermanentProviderError, TransientProviderError } from '../../../functions/providers/provider';
import {
  aCall,
  aContact,
  failureOf,
  itClassifiesFailuresOnSubmitAndPoll,
  itRefusesWithoutCalling,
  itTimesOut,
  useFakeProvider,
} from './fake-provider-server';

const { server, adapter: icypeas } = useFakeProvider((baseUrl) =>
  createIcypeasProvider({ apiKey: 'icypeas-key', baseUrl }),
);

const submitted = { success: true, item: { status: 'NONE', _id: 'p_gfS5EB4liCGm90KDFC' } };

/** A search item read back, as documented in "Your first request". */
const item = (status: string, emails: { email: string; certainty: string }[] = []) => ({
  success: true,
  items: [
    {
      name: '__icypeas__individual',
      user: 'USER_ID',
      results: {
        firstname: 'Jane',
        lastname: 'Doe',
        gender: 'UNKNOWN',
        fullname: 'Jane Doe',
        emails,
        phones: [],
      },
      order: 0,
      status,
      userData: { webhookUrl: '', externalId: '' },
      _id: 'p_gfS5EB4liCGm90KDFC',
    },
  ],
  sorts: [[], []],
  total: 1,
});

describe('Function: createIcypeasProvider', () => {
  it('submits a single email search and answers pending with its id', async () => {
    // Prepare
    server().reply({ status: 200, json: submitted });

    // Act
    const answer = await icypeas().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: 'p_gfS5EB4liCGm90KDFC', afterSeconds: 5 });
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

  it('goes from submit through pending to the found email', async () => {
    // Prepare
    server().reply(
      { status: 200, json: submitted },
      { status: 200, json: item('IN_PROGRESS') },
      { status: 200, json: item('DEBITED', [{ email: 'jane.doe@acme.com', certainty: 'ultra_sure' }]) },
    );

    // Act
    const first = await icypeas().find(aContact(), 'email', aCall());
    const token = first.kind === 'pending' ? first.token : '';
    const second = await icypeas().poll!(token, 'email', aCall());
    const third = await icypeas().poll!(token, 'email', aCall());

    // Assess
    expect(second).toEqual({ kind: 'pending', token: 'p_gfS5EB4liCGm90KDFC', afterSeconds: 5 });
    expect(third).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' });
    const reads = server().requests.slice(1);
    expect(reads.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/bulk-single-searchs/read',
      'POST /api/bulk-single-searchs/read',
    ]);
    expect(reads[0]?.body).toEqual({ id: 'p_gfS5EB4liCGm90KDFC' });
    expect(reads[0]?.headers.authorization).toBe('icypeas-key');
  });

  it.each(['NONE', 'SCHEDULED', 'IN_PROGRESS'])('stays pending while the item is %s', async (status) => {
    // Prepare
    server().reply({ status: 200, json: item(status) });

    // Act
    const answer = await icypeas().poll!('p_1', 'email', aCall());

    // Assess
    expect(answer.kind).toBe('pending');
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

  it.each(['NOT_FOUND', 'DEBITED_NOT_FOUND'])('returns not_found when the item is %s', async (status) => {
    // Prepare
    server().reply({ status: 200, json: item(status) });

    // Act
    const answer = await icypeas().poll!('p_1', 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no email found' });
  });

  it.each([
    ['INSUFFICIENT_FUNDS', 'icypeas: out of credits'],
    ['BAD_INPUT', 'icypeas: search ended BAD_INPUT'],
    ['ABORTED', 'icypeas: search ended ABORTED'],
  ])('throws a PermanentProviderError when the item is %s', async (status, message) => {
    // Prepare
    server().reply({ status: 200, json: item(status) });

    // Act
    const error = await failureOf(icypeas().poll!('p_1', 'email', aCall()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error.message).toBe(message);
  });

  it('throws a PermanentProviderError when the search is refused', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: { success: false, validationErrors: [{ field: 'domainOrCompany' }] },
    });

    // Act
    const error = await failureOf(icypeas().find(aContact(), 'email', aCall()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
  });

  itClassifiesFailuresOnSubmitAndPoll(
    server,
    [
      {
        case: '401 (bad key)',
        reply: { status: 401, json: { success: false } },
        error: PermanentProviderError,
      },
      { case: '402', reply: { status: 402, json: { success: false } }, error: PermanentProviderError },
      {
        case: '429 with Retry-After',
        reply: { status: 429, json: { success: false }, headers: { 'retry-after': '1' } },
        error: TransientProviderError,
        retryAfter: 1,
      },
      { case: '500', reply: { status: 500, json: { success: false } }, error: TransientProviderError },
      {
        case: 'malformed JSON',
        reply: { status: 200, text: '{"success":true,"items":[' },
        error: PermanentProviderError,
      },
    ],
    () => icypeas().find(aContact(), 'email', aCall()),
    () => icypeas().poll!('p_1', 'email', aCall()),
  );

  itTimesOut(server, 'Icypeas', (call) => icypeas().find(aContact(), 'email', call));

  itRefusesWithoutCalling(server, 'the phone type', 'Icypeas', () =>
    icypeas().find(aContact(), 'phone', aCall()),
  );
});
