/**
 * Upgrades: executions started before a deploy keep the definition they started with and call the new
 * functions. The task inputs the last release's state machine gave its functions (recorded by running that
 * release, `fixtures/release-2-task-inputs.json`) are replayed, in their order, against today's handlers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContactView } from '../../../functions/domain/enrichment/contact';
import type { WorkflowStarter } from '../../../functions/domain/ports/workflow';
import type { WorkflowInput } from '../../../functions/domain/enrichment/waterfall-state';
import { lambdaContext } from '../../support/api-events';
import { createTestProduct, type TestProduct } from '../../support/product';

interface Recording {
  release: string;
  enrichments: { enrichment_id: string; lastname: string; enrichment_type: string[] }[];
  tasks: { task: 'ProviderStep' | 'RecordResult'; input: Record<string, unknown> }[];
}

const recording = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'release-2-task-inputs.json'), 'utf8'),
) as Recording;

/** Accepts without starting anything: the recorded inputs drive the functions instead. */
class IdleStarter implements WorkflowStarter {
  async start(_input: WorkflowInput): Promise<void> {}
}

describe('Upgrade: the last release task inputs against today handlers', () => {
  let product: TestProduct;

  beforeAll(async () => {
    product = await createTestProduct({ wrapWorkflow: () => new IdleStarter() });
  });
  afterAll(() => product.close());

  it(`runs every ProviderStep and RecordResult input of release ${recording.release} to finished enrichments`, async () => {
    // Prepare: today's pending record for each enrichment of the recording, under the same contact.
    const account = await product.createAccount({ balance: 1000, personal_email_consent: true });
    const ids = new Map<string, string>();
    for (const old of recording.enrichments) {
      const response = await product.post(account.accountId, {
        firstname: 'Jane',
        lastname: old.lastname,
        domain: 'acme.com',
        linkedin_url: `linkedin.com/in/jane-${old.lastname.toLowerCase()}`,
        enrichment_type: old.enrichment_type,
      });
      expect(response.statusCode).toBe(202);
      ids.set(old.enrichment_id, (JSON.parse(response.body) as { enrichment_id: string }).enrichment_id);
    }

    // Act
    const outputs: unknown[] = [];
    for (const { task, input } of recording.tasks) {
      const replayed = {
        ...input,
        account_id: account.accountId,
        enrichment_id: ids.get(input.enrichment_id as string),
      };
      outputs.push(await product.product.tasks[task](replayed as never, lambdaContext));
    }

    // Assess
    expect(recording.tasks.length).toBeGreaterThan(recording.enrichments.length);
    for (const [index, { task }] of recording.tasks.entries()) {
      const output = outputs[index] as Record<string, unknown>;
      if (task === 'ProviderStep') expect(['call', 'wait', 'done']).toContain(output.next);
      else expect(output).toMatchObject({ status: 'finished' });
    }
    for (const id of ids.values()) {
      const record = JSON.parse((await product.get(account.accountId, id)).body) as ContactView;
      expect(record.status).toBe('finished');
    }
  });
});
