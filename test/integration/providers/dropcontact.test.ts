import { createDropcontactProvider } from '../../../functions/providers/dropcontact';
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

const { server, adapter: dropcontact } = useFakeProvider((baseUrl) =>
  createDropcontactProvider({ apiKey: 'dropcontact-key', baseUrl }),
);

const submitted = { error: false, request_id: 'req-42', success: true, credits_left: 120 };
const notReady = { error: false, reason: 'Request not ready yet, try again in 20 seconds', success: false };
const ready = (emails: { email: string; qualification: string }[]) => ({
  data: [{ civility: 'Mme', first_name: 'Jane', last_name: 'Doe', email: emails, website: 'acme.com' }],
  error: false,
  success: true,
});

describe('Function: createDropcontactProvider', () => {
  it('submits the contact and answers pending with the request id', async () => {
    // Prepare
    server().reply({ status: 200, json: submitted });

    // Act
    const answer = await dropcontact().find(aContact(), 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: 'req-42', afterSeconds: 30 });
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

  it('stays pending while Dropcontact is processing, for the wait it asks', async () => {
    // Prepare
    server().reply({ status: 200, json: notReady });

    // Act
    const answer = await dropcontact().poll!('req-42', 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: 'req-42', afterSeconds: 20 });
    expect(server().requests[0]?.method).toBe('GET');
    expect(server().requests[0]?.path).toBe('/v1/enrich/all/req-42');
    expect(server().requests[0]?.headers['x-access-token']).toBe('dropcontact-key');
  });

  it('goes from submit through pending to the nominative professional email', async () => {
    // Prepare
    server().reply(
      { status: 200, json: submitted },
      { status: 200, json: notReady },
      {
        status: 200,
        json: ready([
          { email: 'contact@acme.com', qualification: 'generic@pro' },
          { email: 'jane.doe@acme.com', qualification: 'nominative@pro' },
        ]),
      },
    );

    // Act
    const first = await dropcontact().find(aContact(), 'email', aCall());
    const token = first.kind === 'pending' ? first.token : '';
    const second = await dropcontact().poll!(token, 'email', aCall());
    const third = await dropcontact().poll!(token, 'email', aCall());

    // Assess
    expect(first.kind).toBe('pending');
    expect(second.kind).toBe('pending');
    expect(third).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' });
    expect(server().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/enrich/all',
      'GET /v1/enrich/all/req-42',
      'GET /v1/enrich/all/req-42',
    ]);
  });

  it('returns a catch-all professional email as catch_all', async () => {
    // Prepare
    server().reply({
      status: 200,
      json: ready([{ email: 'jane.doe@acme.com', qualification: 'catch_all@pro' }]),
    });

    // Act
    const answer = await dropcontact().poll!('req-42', 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'catch_all' });
  });

  it.each([
    [
      'only generic or personal addresses',
      [
        { email: 'contact@acme.com', qualification: 'generic@pro' },
        { email: 'jane@gmail.com', qualification: 'nominative@perso' },
      ],
    ],
    ['no email at all', []],
  ])('returns not_found when the result has %s', async (_case, emails) => {
    // Prepare
    server().reply({ status: 200, json: ready(emails) });

    // Act
    const answer = await dropcontact().poll!('req-42', 'email', aCall());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no professional email' });
  });

  it('throws a PermanentProviderError when the search is not accepted', async () => {
    // Prepare
    server().reply({ status: 200, json: { error: true, reason: 'Not enough credits', success: false } });

    // Act
    const error = await failureOf(dropcontact().find(aContact(), 'email', aCall()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
  });

  itClassifiesFailuresOnSubmitAndPoll(
    server,
    [
      {
        case: '401 (bad key)',
        reply: { status: 401, json: { error: true, reason: 'Invalid token' } },
        error: PermanentProviderError,
      },
      { case: '402 (no credits)', reply: { status: 402, json: {} }, error: PermanentProviderError },
      {
        case: '429 with Retry-After',
        reply: { status: 429, json: {}, headers: { 'retry-after': '10' } },
        error: TransientProviderError,
        retryAfter: 10,
      },
      { case: '500', reply: { status: 500, text: 'Internal Server Error' }, error: TransientProviderError },
      {
        case: 'malformed JSON',
        reply: { status: 200, text: '{"success": tru' },
        error: PermanentProviderError,
      },
    ],
    () => dropcontact().find(aContact(), 'email', aCall()),
    () => dropcontact().poll!('req-42', 'email', aCall()),
  );

  itTimesOut(server, 'Dropcontact', (call) => dropcontact().poll!('req-42', 'email', call));

  itRefusesWithoutCalling(server, 'the phone type', 'Dropcontact', () =>
    dropcontact().find(aContact(), 'phone', aCall()),
  );
});
