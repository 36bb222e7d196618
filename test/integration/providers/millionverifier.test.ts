/**
 * What only MillionVerifier does: the key and the timeout in the query. Verdicts, failures and its errors in
 * a 200 are in the contract suite (`contract.test.ts`, `doubles/millionverifier.ts`).
 */
import { createMillionVerifierVerifier } from '../../../functions/providers/millionverifier';
import { verification } from './doubles/millionverifier';
import { aCall, failureOf, useFakeProvider } from './fake-provider-server';

const { server, adapter: verifier } = useFakeProvider((baseUrl) =>
  createMillionVerifierVerifier({ apiKey: 'mv-key', baseUrl }),
);

describe('Function: createMillionVerifierVerifier', () => {
  it('verifies the email with the key and a timeout as query parameters', async () => {
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

  it('keeps the API key out of error messages', async () => {
    // Prepare
    server().reply({ status: 401, json: {} });

    // Act
    const error = await failureOf(verifier().verify('jane.doe@acme.com', aCall()));

    // Assess
    expect(error.message).toBe('millionverifier: API key rejected (HTTP 401)');
  });
});
