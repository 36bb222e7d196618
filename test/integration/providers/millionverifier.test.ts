import { createMillionVerifierVerifier } from '../../../functions/providers/millionverifier';
import { PermanentProviderError, TransientProviderError } from '../../../functions/providers/provider';
import { aCall, failureOf, itClassifiesFailures, itTimesOut, useFakeProvider } from './fake-provider-server';

const { server, adapter: verifier } = useFakeProvider((baseUrl) =>
  createMillionVerifierVerifier({ apiKey: 'mv-key', baseUrl }),
);

/** A single-API answer as documented. */
const verification = (result: string, error = '') => ({
  email: 'jane.doe@acme.com',
  quality: result === 'ok' ? 'good' : 'bad',
  result,
  resultcode: 1,
  subresult: result,
  free: false,
  role: false,
  didyoumean: '',
  credits: 9999,
  executiontime: 1,
  error,
  livemode: true,
});

describe('Function: createMillionVerifierVerifier', () => {
  it('verifies the email with the key as a query parameter and returns its verdict', async () => {
    // Prepare
    server().reply({ status: 200, json: verification('ok') });

    // Act
    const result = await verifier().verify('jane.doe@acme.com', aCall());

    // Assess
    expect(result).toEqual({ verdict: 'valid', detail: 'millionverifier result ok' });
    const [request] = server().requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/api/v3/');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({
      api: 'mv-key',
      email: 'jane.doe@acme.com',
      timeout: '10',
    });
  });

  it.each([
    ['catch_all', 'catch_all'],
    ['invalid', 'invalid'],
    ['disposable', 'invalid'],
    ['unknown', 'unknown'],
    ['something_new', 'unknown'],
  ])('maps the result %s to the verdict %s', async (result, verdict) => {
    // Prepare
    server().reply({ status: 200, json: verification(result) });

    // Act
    const answer = await verifier().verify('jane.doe@acme.com', aCall());

    // Assess
    expect(answer.verdict).toBe(verdict);
  });

  itClassifiesFailures(
    server,
    [
      {
        case: 'an invalid API key reported in the answer',
        reply: { status: 200, json: verification('error', 'Invalid API key') },
        error: PermanentProviderError,
      },
      {
        case: 'insufficient credits reported in the answer',
        reply: { status: 200, json: verification('error', 'Insufficient credits') },
        error: PermanentProviderError,
      },
      {
        case: 'an internal error reported in the answer',
        reply: { status: 200, json: verification('error', 'Internal error') },
        error: TransientProviderError,
      },
      { case: '401', reply: { status: 401, json: {} }, error: PermanentProviderError },
      { case: '402', reply: { status: 402, json: {} }, error: PermanentProviderError },
      {
        case: '429 with Retry-After',
        reply: { status: 429, json: {}, headers: { 'retry-after': '5' } },
        error: TransientProviderError,
        retryAfter: 5,
      },
      { case: '500', reply: { status: 500, text: '' }, error: TransientProviderError },
      { case: 'malformed JSON', reply: { status: 200, text: '{"result":' }, error: PermanentProviderError },
    ],
    () => verifier().verify('jane.doe@acme.com', aCall()),
  );

  it('keeps the API key out of error messages', async () => {
    // Prepare
    server().reply({ status: 401, json: {} });

    // Act
    const error = await failureOf(verifier().verify('jane.doe@acme.com', aCall()));

    // Assess
    expect(error.message).toBe('millionverifier: API key rejected (HTTP 401)');
  });

  itTimesOut(server, 'MillionVerifier', (call) => verifier().verify('jane.doe@acme.com', call));
});
