/**
 * The local stack's webhook targets (contract, Release 3, "Edges"): loopback, where its receivers listen, is
 * allowed; other private ranges only when started with `ALLOW_PRIVATE_WEBHOOK_TARGETS=true`. Checked at accept
 * time: nothing is ever sent to these addresses (the workflow is a recording double).
 */
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import type { WorkflowInput } from '../../../functions/domain/enrichment/waterfall-state';
import { createTestProduct, type TestProduct } from '../../support/product';

class RecordingStarter implements WorkflowStarter {
  readonly started: WorkflowInput[] = [];
  async start(input: WorkflowInput): Promise<void> {
    this.started.push(input);
  }
}

const contact = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] };

describe('Local stack: webhook targets', () => {
  const previous = process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  afterEach(() => {
    if (previous === undefined) delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
    else process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = previous;
  });

  async function accepting(url: string): Promise<{ status: number; body: unknown; started: number }> {
    const starter = new RecordingStarter();
    const product: TestProduct = await createTestProduct({ wrapWorkflow: () => starter });
    try {
      const account = await product.createAccount({ balance: 10 });
      const response = await product.post(account.accountId, { ...contact, webhook_url: url });
      return {
        status: response.statusCode,
        body: JSON.parse(response.body),
        started: starter.started.length,
      };
    } finally {
      await product.close();
    }
  }

  it('allows a loopback target, where local receivers listen', async () => {
    // Act
    const answer = await accepting('http://127.0.0.1:4000/hook');

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.started).toBe(1);
  });

  it('refuses a private-range target unless started with ALLOW_PRIVATE_WEBHOOK_TARGETS=true', async () => {
    // Act
    delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
    const refused = await accepting('http://10.1.2.3/hook');
    process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = 'true';
    const allowed = await accepting('http://10.1.2.3/hook');

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ errors: [{ path: 'webhook_url' }] });
    expect(refused.started).toBe(0);
    expect(allowed.status).toBe(202);
  });
});
