/**
 * The request contract over HTTP, a smaller run of the in-process property (test/integration/api/
 * contract-property.test.ts): bodies valid per `openapi.json` sent to the local stack are accepted, or refused
 * only for a rule the document states; every answer is checked against the document by the client. Generated
 * webhook URLs are dropped: nothing is ever sent to a generated address.
 */
import fc from 'fast-check';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import type { ApiClient } from '../support/http-client';
import { CONTRACT_SEED, documentValidBody, documentedReason } from '../support/request-contract';

describe('Local stack: the request contract over HTTP', () => {
  let e2e: E2eStack;
  let api: ApiClient;

  beforeAll(async () => {
    e2e = await startE2eStack('contract', { credits: 100_000, personalEmailConsent: true });
    api = e2e.api;
  });

  afterAll(() => e2e.stop());

  it('accepts bodies valid per the document, or refuses them for a documented rule', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(documentValidBody, async (body) => {
        // Act
        const answer = await api.enrich({ ...body, webhook_url: null });

        // Assess
        if (answer.status === 202) return void (accepted += 1);
        expect(answer.status).toBe(400);
        const errors = (answer.body.errors ?? []) as { path: string; message: string }[];
        for (const error of errors)
          expect({ ...error, documented: documentedReason(error) !== undefined }).toEqual({
            ...error,
            documented: true,
          });
      }),
      { seed: CONTRACT_SEED, numRuns: 30 },
    );
    expect(accepted).toBeGreaterThan(0);
    await e2e.stack.idle();
  }, 120_000);
});
