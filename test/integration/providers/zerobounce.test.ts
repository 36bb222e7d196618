/**
 * What only ZeroBounce does: the validate query, with its blank `ip_address`. Verdicts, failures and its
 * errors in a 200 are in the contract suite (`contract.test.ts`, `doubles/zerobounce.ts`).
 */
import { createZeroBounceVerifier } from '../../../functions/providers/zerobounce';
import { validation } from './doubles/zerobounce';
import { aCall, failureOf, useFakeProvider } from './fake-provider-server';

const { server, adapter: verifier } = useFakeProvider((baseUrl) =>
  createZeroBounceVerifier({ apiKey: 'zb-key', baseUrl }),
);

describe('Function: createZeroBounceVerifier', () => {
  it('validates the email with the key, a blank IP address and a timeout as query parameters', async () => {
    // Prepare
    server().reply({ status: 200, json: validation('valid') });

    // Act
    const result = await verifier().verify('jane.doe@acme.com', aCall());

    // Assess
    expect(result).toEqual({ verdict: 'valid', detail: 'zerobounce status valid' });
    const [request] = server().requests;
    expect(`${request?.method} ${request?.path}`).toBe('GET /v2/validate');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({
      api_key: 'zb-key',
      email: 'jane.doe@acme.com',
      timeout: '10',
      ip_address: '',
    });
  });

  it('keeps the API key out of error messages', async () => {
    // Prepare
    server().reply({ status: 200, json: { error: 'Invalid API Key or your account ran out of credits' } });

    // Act
    const error = await failureOf(verifier().verify('jane.doe@acme.com', aCall()));

    // Assess
    expect(error.message).toBe('zerobounce: API key rejected or out of credits');
  });
});
