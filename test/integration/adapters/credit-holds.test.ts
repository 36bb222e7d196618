/**
 * Holds on `max_credits` on DynamoDB Local: parallel types holding at once never hold more than the budget left
 * (one conditional update each), a retried step keeps its hold, and the step's end gives it back less what was
 * found.
 */
import { DynamoProgressStore } from '../../../functions/adapters/dynamodb/progress-store';
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import { createTestProduct, type TestAccount, type TestProduct } from '../../support/product';

describe('Class: DynamoProgressStore, holds on max_credits', () => {
  let product: TestProduct;
  let account: TestAccount;
  let store: DynamoProgressStore;
  const idle: WorkflowStarter = { start: async () => undefined };

  beforeAll(async () => {
    product = await createTestProduct({ wrapWorkflow: () => idle });
    account = await product.createAccount({ balance: 100, personal_email_consent: true });
    store = new DynamoProgressStore(product.table.db, product.table.tableName);
  });
  afterAll(() => product.close());

  async function acceptCapped(maxCredits: number): Promise<string> {
    const response = await product.post(account.accountId, {
      firstname: 'Jane',
      lastname: 'Doe',
      domain: 'acme.com',
      linkedin_url: 'linkedin.com/in/jane-doe',
      enrichment_type: ['email', 'phone', 'personal_email'],
      max_credits: maxCredits,
    });
    expect(response.statusCode).toBe(202);
    return (JSON.parse(response.body) as { enrichment_id: string }).enrichment_id;
  }

  it('lets only as many parallel holds through as the budget holds', async () => {
    // Prepare
    const id = await acceptCapped(9);

    // Act: three types at once, 4 credits each, against 9.
    const outcomes = await Promise.all(
      (['email', 'phone', 'personal_email'] as const).map((type) =>
        store.hold(account.accountId, id, type, 4),
      ),
    );
    const record = await store.getContact(account.accountId, id);

    // Assess
    expect(outcomes.filter((outcome) => outcome === 'held')).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome === 'over')).toHaveLength(1);
    expect(record!.progress!.budget_left).toBe(1);
    expect(Object.values(record!.progress!.holds ?? {})).toEqual([4, 4]);
  });

  it("keeps a retried step's hold, and gives back at the step's end what was not found", async () => {
    // Prepare
    const id = await acceptCapped(5);
    await store.hold(account.accountId, id, 'email', 4);

    // Act
    const again = await store.hold(account.accountId, id, 'email', 4);
    await store.recordProgress(account.accountId, id, {
      type: 'email',
      steps: [],
      close: true,
      release: { held: 4, charged: 0 },
    });
    const record = await store.getContact(account.accountId, id);

    // Assess
    expect(again).toBe('held');
    expect(record!.progress!.budget_left).toBe(5);
    expect(record!.progress!.holds).toEqual({});
  });
});
