import { z } from 'zod';
import { callProvider, endpoint, parseReset, readAnswer } from '../../../functions/providers/http';
import { PermanentProviderError, TransientProviderError } from '../../../functions/providers/provider';
import {
  failureOf,
  shortTimeout,
  startFakeProviderServer,
  type FakeProviderServer,
} from './fake-provider-server';

describe('Function: callProvider', () => {
  let server: FakeProviderServer;

  beforeAll(async () => {
    server = await startFakeProviderServer();
  });

  afterAll(async () => {
    await server.stop();
  });

  const call = (overrides: Partial<Parameters<typeof callProvider>[0]> = {}) =>
    callProvider({
      provider: 'acme',
      url: endpoint(server.baseUrl, '/v1/find', { api: 'secret-key' }),
      signal: AbortSignal.timeout(5000),
      ...overrides,
    });

  it('sends the method, headers and JSON body, and returns the status and parsed answer', async () => {
    // Prepare
    server.reply({ status: 200, json: { email: 'jane@acme.com' } });

    // Act
    const response = await call({ method: 'POST', headers: { 'x-api-key': 'k' }, body: { name: 'Jane' } });

    // Assess
    expect(response).toEqual({ status: 200, body: { email: 'jane@acme.com' } });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/find');
    expect(request?.query.get('api')).toBe('secret-key');
    expect(request?.headers).toMatchObject({
      'x-api-key': 'k',
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(request?.body).toEqual({ name: 'Jane' });
  });

  it('returns a null body for an empty 2xx answer', async () => {
    // Prepare
    server.reply({ status: 204 });

    // Act
    const response = await call();

    // Assess
    expect(response).toEqual({ status: 204, body: null });
  });

  it('returns a status the adapter declared as an answer, such as a 404 "no match"', async () => {
    // Prepare
    server.reply({ status: 404, json: { error: 'no match' } });

    // Act
    const response = await call({ answerStatuses: [404] });

    // Assess
    expect(response).toEqual({ status: 404, body: { error: 'no match' } });
  });

  it.each([
    [401, 'API key rejected', 'bad_key'],
    [403, 'access refused', 'bad_key'],
    [402, 'out of credits', 'out_of_credits'],
    [400, 'request refused', undefined],
    [404, 'request refused', undefined],
  ])(
    'throws a PermanentProviderError on %i, naming the refusal for the breaker',
    async (status, reason, refusal) => {
      // Prepare
      server.reply({ status, json: { message: 'no' } });

      // Act
      const error = await failureOf(call());

      // Assess
      expect(error).toBeInstanceOf(PermanentProviderError);
      expect(error.message).toBe(`acme: ${reason} (HTTP ${status})`);
      expect((error as PermanentProviderError).refusal).toBe(refusal);
    },
  );

  it.each([
    [
      'with the refusal it documents',
      { kind: 'permanent', reason: 'out of credits', refusal: 'out_of_credits' },
      'out_of_credits',
    ],
    [
      'without HTTP’s refusal when it documents none',
      { kind: 'permanent', reason: 'request refused' },
      undefined,
    ],
  ] as const)('throws on a status the provider documents %s', async (_case, meaning, refusal) => {
    // Prepare
    server.reply({ status: 401, json: {} });

    // Act
    const error = await failureOf(call({ statusMeanings: { 401: meaning } }));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect((error as PermanentProviderError).refusal).toBe(refusal);
  });

  it('reads the wait from a provider’s own reset header when there is no Retry-After', async () => {
    // Prepare
    server.reply({ status: 429, json: {}, headers: { 'x-minute-reset-seconds': '17' } });

    // Act
    const error = await failureOf(call({ retryAfterHeaders: ['x-minute-reset-seconds'] }));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ retryAfterSeconds: 17 });
  });

  it('prefers Retry-After to a provider’s own reset header', async () => {
    // Prepare
    server.reply({ status: 429, json: {}, headers: { 'retry-after': '3', 'x-minute-reset-seconds': '17' } });

    // Act
    const error = await failureOf(call({ retryAfterHeaders: ['x-minute-reset-seconds'] }));

    // Assess
    expect(error).toMatchObject({ retryAfterSeconds: 3 });
  });

  it('throws a TransientProviderError carrying Retry-After seconds on 429', async () => {
    // Prepare
    server.reply({ status: 429, json: {}, headers: { 'retry-after': '7' } });

    // Act
    const error = await failureOf(call());

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ message: 'acme: rate limited (HTTP 429)', retryAfterSeconds: 7 });
  });

  it('reads a Retry-After HTTP date that has passed as no wait at all', async () => {
    // Prepare
    server.reply({ status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } });

    // Act
    const error = await failureOf(call());

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ retryAfterSeconds: 0 });
  });

  it.each([500, 502, 503, 408])('throws a TransientProviderError without a wait on %i', async (status) => {
    // Prepare
    server.reply({ status, text: '<html>oops</html>' });

    // Act
    const error = await failureOf(call());

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ retryAfterSeconds: undefined });
  });

  it('follows the meanings a provider documents for a status over the HTTP defaults', async () => {
    // Prepare
    server.reply({ status: 403, json: {} });

    // Act
    const error = await failureOf(
      call({ statusMeanings: { 403: { kind: 'transient', reason: 'rate limited' } } }),
    );

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error.message).toBe('acme: rate limited (HTTP 403)');
  });

  it('throws a PermanentProviderError on a redirect, without following it', async () => {
    // Prepare
    server.reply(
      { status: 302, headers: { location: `${server.baseUrl}/elsewhere` } },
      { status: 200, json: {} },
    );

    // Act
    const error = await failureOf(call({ headers: { 'x-api-key': 'k' } }));

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/find']);
  });

  it('throws a PermanentProviderError on a 2xx answer that is not JSON', async () => {
    // Prepare
    server.reply({ status: 200, text: '{"email": ' });

    // Act
    const error = await failureOf(call());

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error.message).toBe('acme: malformed JSON answer (HTTP 200)');
  });

  it('throws a TransientProviderError when the provider does not answer in time', async () => {
    // Prepare
    server.reply('hang');

    // Act
    const error = await failureOf(call({ signal: shortTimeout() }));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error.message).toBe('acme: timed out');
  });

  it('throws a TransientProviderError when the caller aborts', async () => {
    // Prepare
    server.reply('hang');
    const controller = new AbortController();
    setImmediate(() => controller.abort());

    // Act
    const error = await failureOf(call({ signal: controller.signal }));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error.message).toBe('acme: request aborted');
  });

  it('throws a TransientProviderError when the provider cannot be reached', async () => {
    // Prepare
    const closed = await startFakeProviderServer();
    await closed.stop();

    // Act
    const error = await failureOf(call({ url: endpoint(closed.baseUrl, '/v1/find') }));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error.message).toBe('acme: network error (ECONNREFUSED)');
  });

  it('keeps the URL, its key and the answer body out of error messages', async () => {
    // Prepare
    server.reply({ status: 401, json: { message: 'bad key secret-key for jane@acme.com' } });

    // Act
    const error = await failureOf(call());

    // Assess
    expect(error.message).not.toMatch(/secret-key|jane|127\.0\.0\.1/);
  });
});

describe('Function: parseReset', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');

  it.each([
    ['delay seconds', '17', 17],
    ['fractional seconds, rounded up', '1.2', 2],
    ['epoch seconds', String(now / 1000 + 30), 30],
    ['epoch milliseconds', String(now + 30_000), 30],
    ['a UTC date without a zone', '2026-05-01 12:00:45', 45],
    ['an ISO date', '2026-05-01T12:01:00Z', 60],
    ['an HTTP date', 'Fri, 01 May 2026 12:00:10 GMT', 10],
    ['a moment that has passed', '2026-05-01T11:00:00Z', 0],
  ])('reads %s', (_case, value, seconds) => {
    // Act & Assess
    expect(parseReset(value, now)).toBe(seconds);
  });

  it.each([null, '', 'soon', '-5', '2026-05-01'])('reads nothing in %p', (value) => {
    // Act & Assess
    expect(parseReset(value, now)).toBeUndefined();
  });
});

describe('Function: endpoint', () => {
  it('joins the base URL and path and keeps only the query parameters that have a value', () => {
    // Act
    const url = endpoint('https://api.acme.com/', '/v2/find', { a: 'x y', b: null, c: undefined, d: '' });

    // Assess
    expect(url.toString()).toBe('https://api.acme.com/v2/find?a=x+y');
  });
});

describe('Function: readAnswer', () => {
  const Answer = z.object({ data: z.object({ email: z.string() }) });

  it('returns the fields the schema reads', () => {
    // Act & Assess
    expect(readAnswer('acme', Answer, { data: { email: 'a@b.co', extra: 1 } })).toEqual({
      data: { email: 'a@b.co' },
    });
  });

  it('throws a PermanentProviderError naming where the answer differs', () => {
    // Act & Assess
    expect(() => readAnswer('acme', Answer, { data: { email: 42 } })).toThrow(
      new PermanentProviderError('acme: unexpected answer at data.email'),
    );
  });
});
