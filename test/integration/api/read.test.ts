/** GET /contacts/{id}, GET /account/credits and the authorizer, through API Gateway-shaped events. */
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { lambdaContext } from '../../support/api-events';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/contacts/01ABC';

describe('Handlers: reading enrichments and credits', () => {
  let product: TestProduct;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    product = await createTestProduct();
    alice = await product.createAccount({ balance: 50 });
    bob = await product.createAccount({ balance: 50 });
  });
  afterAll(() => product.close());

  function authorize(authorizationToken: string) {
    const event: APIGatewayTokenAuthorizerEvent = {
      type: 'TOKEN',
      authorizationToken,
      methodArn: METHOD_ARN,
    };
    return product.product.handlers['authorizer'](event, lambdaContext);
  }

  describe('Handler: authorizer', () => {
    it('resolves a valid key to its account with a policy covering the whole API', async () => {
      // Act
      const result = await authorize(`Bearer ${alice.apiKey}`);

      // Assess
      expect(result.principalId).toBe(alice.accountId);
      expect(result.context).toEqual({ accountId: alice.accountId });
      expect(result.policyDocument.Statement).toEqual([
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*',
        },
      ]);
    });

    it.each([
      ['a missing header', ''],
      ['a malformed header', 'ce_keyWithoutBearerScheme'],
      ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
      ['an unknown key', 'Bearer ce_unknownunknownunknownunknown'],
    ])('refuses %s as Unauthorized', async (_name, header) => {
      // Act & Assess
      await expect(authorize(header)).rejects.toThrow('Unauthorized');
    });

    it('refuses a revoked key', async () => {
      // Prepare
      const carol = await product.createAccount();
      await product.product.accounts.revokeKey(
        carol.accountId,
        carol.apiKey.slice(0, 12),
        new Date().toISOString(),
      );

      // Act & Assess
      await expect(authorize(`Bearer ${carol.apiKey}`)).rejects.toThrow('Unauthorized');
    });
  });

  describe('Handler: get contact', () => {
    it('answers a pending record with Retry-After, nulls for absent inputs and no webhook key without a URL', async () => {
      // Prepare
      const accepted = await product.post(alice.accountId, {
        firstname: 'Jane',
        lastname: 'Doe',
        enrichment_type: ['email'],
        company_name: 'Acme',
      });
      const id = JSON.parse(accepted.body).enrichment_id as string;

      // Act
      const response = await product.get(alice.accountId, id);

      // Assess
      expect(response.statusCode).toBe(200);
      const view = JSON.parse(response.body);
      if (view.status === 'pending') expect(response.headers?.['Retry-After']).toBe('2');
      expect(Object.keys(view)).toEqual([
        'enrichment_id',
        'status',
        'firstname',
        'lastname',
        'company_name',
        'domain',
        'linkedin_url',
        'enrichment_type',
        'phone_country_codes',
        'providers',
        'max_credits',
        'accept_catch_all',
        'custom',
        'created_at',
        'finished_at',
        'results',
        'feedback',
        'credits_used',
        'credits_refunded',
        'waterfall',
      ]);
      expect(view).toMatchObject({
        enrichment_id: id,
        company_name: 'Acme',
        domain: null,
        linkedin_url: null,
        phone_country_codes: null,
        custom: {},
      });
    });

    it("answers 404 for another account's enrichment, never revealing it exists", async () => {
      // Prepare
      const accepted = await product.post(alice.accountId, {
        firstname: 'Jane',
        lastname: 'Doe',
        enrichment_type: ['email'],
        domain: 'acme.com',
      });
      const id = JSON.parse(accepted.body).enrichment_id as string;

      // Act
      const response = await product.get(bob.accountId, id);

      // Assess
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body)).toEqual({
        code: 'not_found',
        message: 'No enrichment with this id.',
      });
    });

    it.each(['garbage', '../../etc/passwd', '01ARZ3NDEKTSV4RRFFQ69G5FAV'])(
      'answers 404 for the id %s',
      async (id) => {
        // Act
        const response = await product.get(alice.accountId, id);

        // Assess
        expect(response.statusCode).toBe(404);
      },
    );

    it('shows the webhook state when a webhook_url was given', async () => {
      // Prepare
      const accepted = await product.post(alice.accountId, {
        firstname: 'Jane',
        lastname: 'Doe',
        enrichment_type: ['email'],
        domain: 'acme.com',
        webhook_url: 'https://hooks.example.com/enrichment',
      });
      const id = JSON.parse(accepted.body).enrichment_id as string;
      await product.product.workflow.idle();

      // Act
      const view = JSON.parse((await product.get(alice.accountId, id)).body);

      // Assess
      expect(view.status).toBe('finished');
      expect(view.webhook).toEqual({
        url: 'https://hooks.example.com/enrichment',
        status: 'pending',
        attempts: 0,
        last_attempt_at: null,
        last_response_status: null,
        deliveries: [],
      });
      expect(product.webhooks.messages).toContainEqual({ account_id: alice.accountId, enrichment_id: id });
    });
  });

  describe('Handler: credits', () => {
    it('answers balance, reserved and available of the calling account only', async () => {
      // Prepare
      const dave = await product.createAccount({ balance: 12 });

      // Act
      const credits = await product.credits(dave.accountId);

      // Assess
      expect(credits).toEqual({ balance: 12, reserved: 0, available: 12 });
    });
  });
});
