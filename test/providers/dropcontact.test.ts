import { createDropcontactProvider } from '../../functions/providers/dropcontact';
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
let dropcontact: Provider;

beforeAll(async () => {
  server = await startFakeProviderServer();
  dropcontact = createDropcontactProvider({ apiKey: 'dropcontact-key', baseUrl: server.baseUrl });
});

afterAll(async () => {
  await server.stop();
});

const call = () => ({ signal: AbortSignal.timeout(5000) });

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
    server.reply({ status: 200, json: submitted });

    // Act
    const answer = await dropcontact.find(aContact(), 'email', call());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: 'req-42', afterSeconds: 30 });
    const [request] = server.requests;
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
    server.reply({ status: 200, json: notReady });

    // Act
    const answer = await dropcontact.poll!('req-42', 'email', call());

    // Assess
    expect(answer).toEqual({ kind: 'pending', token: 'req-42', afterSeconds: 20 });
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.path).toBe('/v1/enrich/all/req-42');
    expect(server.requests[0]?.headers['x-access-token']).toBe('dropcontact-key');
  });

  it('goes from submit through pending to the nominative professional email', async () => {
    // Prepare
    server.reply(
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
    const first = await dropcontact.find(aContact(), 'email', call());
    const token = first.kind === 'pending' ? first.token : '';
    const second = await dropcontact.poll!(token, 'email', call());
    const third = await dropcontact.poll!(token, 'email', call());

    // Assess
    expect(first.kind).toBe('pending');
    expect(second.kind).toBe('pending');
    expect(third).toEqual({ kind: 'email', email: 'jane.doe@acme.com', verdict: 'valid' });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/enrich/all',
      'GET /v1/enrich/all/req-42',
      'GET /v1/enrich/all/req-42',
    ]);
  });

  it('returns a catch-all professional email as catch_all', async () => {
    // Prepare
    server.reply({
      status: 200,
      json: ready([{ email: 'jane.doe@acme.com', qualification: 'catch_all@pro' }]),
    });

    // Act
    const answer = await dropcontact.poll!('req-42', 'email', call());

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
    server.reply({ status: 200, json: ready(emails) });

    // Act
    const answer = await dropcontact.poll!('req-42', 'email', call());

    // Assess
    expect(answer).toEqual({ kind: 'not_found', detail: 'no professional email' });
  });

  it('throws a PermanentProviderError when the search is not accepted', async () => {
    // Prepare
    server.reply({ status: 200, json: { error: true, reason: 'Not enough credits', success: false } });

    // Act
    const error = await failureOf(dropcontact.find(aContact(), 'email', call()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
  });

  it.each<FailureCase>([
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
  ])('classifies $case on submit and on poll', async ({ reply, error: expected, retryAfter }) => {
    // Prepare
    server.reply(reply, reply);

    // Act
    const onSubmit = await failureOf(dropcontact.find(aContact(), 'email', call()));
    const onPoll = await failureOf(dropcontact.poll!('req-42', 'email', call()));

    // Assess
    for (const error of [onSubmit, onPoll]) {
      expect(error).toBeInstanceOf(expected);
      expect(retryAfterOf(error)).toBe(retryAfter);
    }
  });

  it('throws a TransientProviderError when Dropcontact does not answer in time', async () => {
    // Prepare
    server.reply('hang');

    // Act
    const error = await failureOf(dropcontact.poll!('req-42', 'email', { signal: shortTimeout() }));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
  });

  it('refuses the phone type without calling Dropcontact', async () => {
    // Prepare
    server.reply();

    // Act
    const error = await failureOf(dropcontact.find(aContact(), 'phone', call()));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(server.requests).toHaveLength(0);
  });
});
