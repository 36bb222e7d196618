/**
 * The request contract as the OpenAPI document states it, held against the API by generated bodies (fast-check
 * drives json-schema-faker over the document's own `EnrichmentRequest` schema, validity checked with Ajv):
 *  - every body valid per the document is accepted (202), or refused (400) only for a rule the document states
 *    in words (the cross-field rules of the operation, the webhook target classes, the byte size of `custom`);
 *  - every single-field mutation that breaks the document is refused with 400 naming that field.
 * Fixed seed, bounded runs, in process through the real accept handler (its workflow a recording double: nothing
 * runs and nothing is sent anywhere).
 */
import fc from 'fast-check';
import type { WorkflowInput } from '../../../functions/domain/enrichment/waterfall-state';
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';
import {
  CONTRACT_SEED as SEED,
  documentValidBody,
  documentedReason,
  validPerDocument,
} from '../../support/request-contract';

class IdleStarter implements WorkflowStarter {
  readonly started: WorkflowInput[] = [];
  async start(input: WorkflowInput): Promise<void> {
    this.started.push(input);
  }
}

interface Answer {
  status: number;
  errors: { path: string; message: string }[];
}

describe('The request contract, generated from openapi.json', () => {
  let product: TestProduct;
  let account: TestAccount;
  const outcomes = new Map<string, number>();
  const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

  beforeAll(async () => {
    product = await createTestProduct({
      wrapWorkflow: () => new IdleStarter(),
      allowPrivateWebhookTargets: false,
      loopbackWebhookTargets: false,
    });
    account = await product.createAccount({ balance: 1_000_000, personal_email_consent: true });
  });
  afterAll(async () => {
    if (process.env.CONTRACT_REPORT)
      process.stdout.write(`${JSON.stringify(Object.fromEntries(outcomes))}\n`);
    await product.close();
  });

  async function post(body: unknown): Promise<Answer> {
    const response = await product.post(account.accountId, body);
    const parsed = JSON.parse(response.body) as { errors?: Answer['errors'] };
    return { status: response.statusCode, errors: parsed.errors ?? [] };
  }

  it('accepts every body valid per the document, or refuses it for a rule the document states', async () => {
    await fc.assert(
      fc.asyncProperty(documentValidBody, async (body) => {
        // Act
        const answer = await post(body);

        // Assess
        if (answer.status === 202) return void count('accepted');
        expect(answer.status).toBe(400);
        const reasons = answer.errors.map((error) => ({ ...error, documented: documentedReason(error) }));
        for (const reason of reasons) expect(reason).toEqual({ ...reason, documented: expect.any(String) });
        count(`refused: ${[...new Set(reasons.map((reason) => reason.documented))].join(' + ')}`);
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(outcomes.get('accepted') ?? 0).toBeGreaterThan(20);
  }, 120_000);

  /** Single-field changes, each breaking one rule the schema states. */
  const MUTATIONS: ReadonlyArray<{ path: string; value: unknown; rule: string }> = [
    { path: 'firstname', value: '', rule: 'minLength' },
    { path: 'firstname', value: '   ', rule: 'pattern' },
    { path: 'lastname', value: 'x'.repeat(101), rule: 'maxLength' },
    { path: 'lastname', value: 42, rule: 'type' },
    { path: 'enrichment_type', value: [], rule: 'minItems' },
    { path: 'enrichment_type', value: ['email', 'email'], rule: 'uniqueItems' },
    { path: 'enrichment_type', value: ['fax'], rule: 'enum' },
    { path: 'company_name', value: 'x'.repeat(201), rule: 'maxLength' },
    { path: 'domain', value: 'not a host', rule: 'pattern' },
    { path: 'domain', value: 'localhost', rule: 'pattern' },
    { path: 'domain', value: 'www.com', rule: 'pattern' },
    { path: 'linkedin_url', value: 'linkedin.com/in/ab', rule: 'pattern (slug of 3+)' },
    { path: 'linkedin_url', value: 'https://example.com/in/jane-doe', rule: 'pattern' },
    { path: 'webhook_url', value: 'http://hooks.example.com/x', rule: 'pattern (https)' },
    { path: 'webhook_url', value: 'hooks.example.com', rule: 'format' },
    { path: 'webhook_url', value: `https://hooks.example.com/${'a'.repeat(2048)}`, rule: 'maxLength' },
    { path: 'phone_country_codes', value: [], rule: 'minItems' },
    { path: 'phone_country_codes', value: ['XX'], rule: 'enum' },
    { path: 'phone_country_codes', value: ['FR', 'FR'], rule: 'uniqueItems' },
    { path: 'use_cache', value: 'yes', rule: 'type' },
    { path: 'custom', value: ['a'], rule: 'type' },
    { path: 'providers', value: { email: [] }, rule: 'minItems' },
    { path: 'providers', value: { email: ['hunter', 'hunter'] }, rule: 'uniqueItems' },
    { path: 'max_credits', value: -1, rule: 'minimum' },
    { path: 'max_credits', value: 100_001, rule: 'maximum' },
    { path: 'max_credits', value: 2.5, rule: 'type integer' },
    { path: 'accept_catch_all', value: 'no', rule: 'type' },
    { path: 'surname', value: 'Doe', rule: 'additionalProperties' },
  ];

  it('refuses every single-field mutation that breaks the document, naming that field', async () => {
    await fc.assert(
      fc.asyncProperty(documentValidBody, fc.constantFrom(...MUTATIONS), async (body, mutation) => {
        // Prepare
        const mutated = { ...(body as Record<string, unknown>), [mutation.path]: mutation.value };
        expect(validPerDocument(mutated)).toBe(false);

        // Act
        const answer = await post(mutated);

        // Assess
        expect(answer.status).toBe(400);
        const named = answer.errors.some(
          (error) =>
            error.path === mutation.path ||
            error.path.startsWith(`${mutation.path}[`) ||
            error.path.startsWith(`${mutation.path}.`),
        );
        expect({ errors: answer.errors, named }).toEqual({ errors: answer.errors, named: true });
        count(`mutation refused: ${mutation.path} ${mutation.rule}`);
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, 120_000);
});
