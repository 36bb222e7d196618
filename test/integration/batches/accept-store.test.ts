/**
 * Writing a batch's contacts in DynamoDB (README "Bulk enrichment", "Carried out"): one transaction per staged
 * part, and, when a contact is there already (a resumed accept), the others put one by one without resetting it.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBatchAcceptStore } from '../../../functions/adapters/dynamodb/batches/accept-store';
import { keys, PENDING_INDEX } from '../../../functions/adapters/dynamodb/keys';
import { stagedParts } from '../../../functions/domain/batches/batch';
import { AcceptEnrichment } from '../../../functions/domain/enrichment/accept-enrichment';
import type { ContactRecord } from '../../../functions/domain/enrichment/contact';
import { parseEnrichmentRequest } from '../../../functions/domain/enrichment/enrichment-request';
import { newId } from '../../../functions/domain/ids';
import { createTestTable, itemsOfAccount, type TestTable } from '../../support/dynamo';

const POLICY = { allowPrivateTargets: false };

/** A batch's contact records as the accept plans them, `note` bytes of custom each. */
function plannedContacts(accountId: string, count: number, note = 0): ContactRecord[] {
  const batchId = newId();
  return Array.from({ length: count }, (_, index) => {
    const request = parseEnrichmentRequest(
      {
        firstname: 'Jane',
        lastname: `Doe${index}`,
        domain: 'acme.com',
        enrichment_type: ['email'],
        custom: { row: index, note: 'x'.repeat(note) },
      },
      POLICY,
    );
    return {
      ...AcceptEnrichment.pendingRecord(accountId, request, null, 1, new Date()),
      batch: { batch_id: batchId, shard: Math.floor(index / 10) },
    };
  });
}

describe('Class: DynamoBatchAcceptStore writing contacts', () => {
  let table: TestTable;
  let calls: string[];
  let store: DynamoBatchAcceptStore;

  beforeAll(async () => {
    table = await createTestTable();
    // The table's client, each command it sends named in `calls`.
    const send = (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      calls.push(command.constructor.name);
      return table.db.send(command as GetCommand);
    };
    const db = new Proxy(table.db, {
      get: (target, name, receiver) => (name === 'send' ? send : Reflect.get(target, name, receiver)),
    });
    store = new DynamoBatchAcceptStore(db, table.tableName, 90);
  });
  beforeEach(() => {
    calls = [];
  });
  afterAll(() => table.drop());

  it('writes a hundred contacts in one transaction, each an ordinary pending record', async () => {
    // Prepare
    const accountId = newId();
    const records = plannedContacts(accountId, 100);

    // Act
    await store.putContacts(records);

    // Assess
    expect(calls).toEqual(['TransactWriteCommand']);
    const written = (await itemsOfAccount(table, accountId)).CONTACT ?? [];
    expect(written.map((item) => item.enrichment_id).sort()).toEqual(
      records.map((record) => record.enrichment_id).sort(),
    );
    for (const item of written) {
      expect(item).toMatchObject({ type: 'contact', status: 'pending', credits_reserved: 1 });
      // Found by the sweeper like any pending enrichment.
      expect(item[PENDING_INDEX.partitionKey]).toEqual(expect.any(String));
    }
  });

  it('writes contacts past one staged part in one transaction per part', async () => {
    // Prepare
    const accountId = newId();
    const records = plannedContacts(accountId, 80, 4000);
    expect(stagedParts(records)).toHaveLength(2);

    // Act
    await store.putContacts(records);

    // Assess
    expect(calls).toEqual(['TransactWriteCommand', 'TransactWriteCommand']);
    expect((await itemsOfAccount(table, accountId)).CONTACT).toHaveLength(80);
  });

  it('puts the missing contacts one by one and leaves one already written as it is', async () => {
    // Prepare: a resumed accept, one contact written and finished meanwhile.
    const accountId = newId();
    const records = plannedContacts(accountId, 12);
    const running = records[3]!;
    await store.putContacts([running]);
    await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.contact(accountId, running.enrichment_id),
        UpdateExpression: 'SET #status = :finished',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':finished': 'finished' },
      }),
    );
    calls = [];

    // Act
    await store.putContacts(records);

    // Assess: the part's transaction refused, then a conditional put each.
    expect(calls).toEqual(['TransactWriteCommand', ...records.map(() => 'PutCommand')]);
    const written = (await itemsOfAccount(table, accountId)).CONTACT ?? [];
    expect(written).toHaveLength(12);
    const { Item } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: keys.contact(accountId, running.enrichment_id) }),
    );
    expect(Item?.status).toBe('finished');
    expect(written.filter((item) => item.status === 'pending')).toHaveLength(11);
  });
});
