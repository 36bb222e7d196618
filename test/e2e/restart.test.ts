/** `npm start -- --persist`: records and balances survive a restart of the local stack. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoAccountAdminStore } from '../../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../../functions/admin/accounts';
import { systemClock } from '../../functions/domain/clock';
import { DynamoAcceptStore } from '../../functions/adapters/dynamodb/accept-store';
import { PriceList } from '../../functions/domain/credits/credits';
import { SANDBOX_WATERFALL } from '../../functions/domain/enrichment/waterfall-settings';
import { AcceptEnrichment } from '../../functions/domain/enrichment/accept-enrichment';
import { startLocalStack } from '../../local/stack';
import { ApiClient } from '../support/http-client';

describe('Local stack: data kept on disk', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'enrichment-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps records and balances across a restart, and finishes what the last run left pending', async () => {
    // Prepare
    const first = await startLocalStack({ port: 0, dataDir, fastWaitsMs: 5 });
    const db = createDocumentClient({ endpoint: first.dynamoEndpoint });
    const account = await new AccountAdministration(
      new DynamoAccountAdminStore(db, first.tableName),
      systemClock,
    ).create({
      name: 'Persistent',
      credits: 10,
      personalEmailConsent: false,
      phoneCountryCodes: null,
    });
    const accepted = await new ApiClient(first.apiUrl, account.api_key).enrich({
      firstname: 'Jane',
      lastname: 'Doe',
      domain: 'acme.com',
      enrichment_type: ['email'],
    });
    await first.idle();
    // An enrichment whose execution was lost when the process ended: accepted, never run.
    const { response: orphan } = await new AcceptEnrichment({
      accounts: new DynamoAccountAdminStore(db, first.tableName),
      enrichments: new DynamoAcceptStore(db, first.tableName, 90),
      workflow: { start: async () => undefined },
      clock: systemClock,
      targetPolicy: { allowPrivateTargets: true },
      prices: new PriceList(SANDBOX_WATERFALL),
      accountRateLimit: 0,
    }).execute({
      accountId: account.account_id,
      body: { firstname: 'Orphan', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] },
    });
    db.destroy();
    await first.stop();

    // Act
    const second = await startLocalStack({ port: 0, dataDir, fastWaitsMs: 5 });
    try {
      const api = new ApiClient(second.apiUrl, account.api_key);
      const record = await api.contact(String(accepted.body.enrichment_id));
      await second.idle();
      const resumed = await api.contact(orphan.enrichment_id);
      const credits = await api.credits();

      // Assess
      expect(second.tableCreated).toBe(false);
      expect(record.body).toMatchObject({
        status: 'finished',
        credits_used: 1,
        results: { email: { value: 'jane.doe@acme.com' } },
      });
      expect(resumed.body).toMatchObject({
        status: 'finished',
        results: { email: { value: 'orphan.doe@acme.com' } },
      });
      expect(credits.body).toEqual({ balance: 8, reserved: 0, available: 8 });
    } finally {
      await second.stop();
    }
  }, 120_000);
});
