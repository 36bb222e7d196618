/**
 * The request contract over HTTP, a smaller run of the in-process property (test/integration/api/
 * contract-property.test.ts): bodies valid per `openapi.json` sent to the local stack are accepted, or refused
 * only for a rule the document states; every answer is checked against the document by the client. Generated
 * webhook URLs are dropped: nothing is ever sent to a generated address.
 */
import fc from 'fast-check';
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ApiClient } from '../support/http-client';
import { CONTRACT_SEED, documentValidBody, documentedReason } from '../support/request-contract';

describe('Local stack: the request contract over HTTP', () => {
  let stack: LocalStack;
  let db: ReturnType<typeof createDocumentClient>;
  let api: ApiClient;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
      tableName: `e2e-contract-${Date.now()}`,
      fastWaitsMs: 5,
    });
    db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
    const account = await new AccountAdministration(
      new DynamoAccountAdminStore(db, stack.tableName),
      systemClock,
    ).create({ name: 'E2E contract', credits: 100_000, personalEmailConsent: true, phoneCountryCodes: null });
    api = new ApiClient(stack.apiUrl, account.api_key);
  });

  afterAll(async () => {
    await stack.stop();
    db.destroy();
  });

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
    await stack.idle();
  }, 120_000);
});
