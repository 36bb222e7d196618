/**
 * AcceptBatch as a specification, with plain fakes: a batch is validated all or nothing, naming each contact's
 * offending fields; consent is asked of the whole batch; the batch makes one reservation, the sum of its
 * contacts' worst cases; every contact is started; an Idempotency-Key replays the first answer, carrying out a
 * batch whose accept stopped half-way.
 */
import type { Account } from '../../functions/domain/accounts/accounts';
import { AcceptBatch } from '../../functions/domain/batches/accept-batch';
import {
  ConsentRequiredError,
  InsufficientCreditsError,
  ValidationError,
} from '../../functions/domain/errors';
import {
  account,
  clockAt,
  FakeAccounts,
  FakeBatchStore,
  prices,
  PUBLIC_TARGETS,
  recordingWorkflow,
} from './fakes';

const JANE = { firstname: 'Jane', lastname: 'Doe', enrichment_type: ['email'], domain: 'acme.com' };
const JOHN = {
  firstname: 'John',
  lastname: 'Roe',
  enrichment_type: ['phone'],
  linkedin_url: 'linkedin.com/in/john-roe',
  custom: { row: 2 },
};
const BATCH = { contacts: [JANE, JOHN, { ...JANE, firstname: 'Joan' }], custom: { import: 'june' } };

function rig(held: Partial<Account> = {}) {
  const accounts = new FakeAccounts(account(held));
  const store = new FakeBatchStore(accounts);
  const workflow = recordingWorkflow();
  const accept = new AcceptBatch({
    accounts,
    batches: store,
    workflow,
    clock: clockAt(),
    targetPolicy: PUBLIC_TARGETS,
    prices,
    accountRateLimit: 0,
  });
  return { accept, accounts, store, workflow };
}

describe('Class: AcceptBatch', () => {
  it('refuses the whole batch naming every offending field of every contact', async () => {
    // Prepare
    const { accept, store, workflow } = rig();
    const body = {
      contacts: [JANE, { ...JOHN, linkedin_url: null }, { ...JANE, lastname: '', colour: 'red' }],
    };

    // Act
    const accepting = accept.execute({ accountId: 'A1', body });

    // Assess
    const error = await accepting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      { path: 'contacts[1].linkedin_url', message: 'is required for the phone enrichment' },
      { path: 'contacts[2].lastname', message: 'must not be empty' },
      { path: 'contacts[2].colour', message: 'is not a known field' },
    ]);
    expect(store.commits).toBe(0);
    expect(workflow.starts).toEqual([]);
  });

  it('refuses the whole batch when one contact asks for personal emails without consent', async () => {
    // Prepare
    const { accept, accounts, store, workflow } = rig();
    const body = { contacts: [JANE, { ...JOHN, enrichment_type: ['personal_email'] }] };

    // Act & Assess
    await expect(accept.execute({ accountId: 'A1', body })).rejects.toThrow(ConsentRequiredError);
    expect(store.commits).toBe(0);
    expect(accounts.ledger).toEqual([]);
    expect(workflow.starts).toEqual([]);
  });

  it('refuses the batch when the sum of its worst cases is not available, committing nothing', async () => {
    // Prepare: 2 + 25 + 2 = 29 needed.
    const { accept, store } = rig({ balance: 28 });

    // Act & Assess
    await expect(accept.execute({ accountId: 'A1', body: BATCH })).rejects.toThrow(
      new InsufficientCreditsError(29, 28),
    );
    expect(store.commits).toBe(0);
  });

  it('reserves the batch once, writes each contact with its own worst case and starts every one', async () => {
    // Prepare
    const { accept, accounts, store, workflow } = rig();

    // Act
    const response = (await accept.execute({ accountId: 'A1', body: BATCH })).response;

    // Assess
    expect(accounts.ledger).toEqual([{ kind: 'reserve', amount: 29, of: response.batch_id }]);
    expect(accounts.current).toMatchObject({ balance: 100, reserved: 29 });
    const ids = response.contacts.map((contact) => contact.enrichment_id);
    expect(response.contacts.map((contact) => [contact.firstname, contact.custom])).toEqual([
      ['Jane', {}],
      ['John', { row: 2 }],
      ['Joan', {}],
    ]);
    expect(response.custom).toEqual({ import: 'june' });
    expect(ids.map((id) => store.contacts.get(id)?.credits_reserved)).toEqual([2, 25, 2]);
    expect(ids.map((id) => store.contacts.get(id)?.batch)).toEqual(
      ids.map(() => ({ batch_id: response.batch_id, shard: 0 })),
    );
    expect(store.batches.get(response.batch_id)).toMatchObject({
      accept_state: 'accepted',
      enrichment_ids: ids,
    });
    expect(workflow.starts.map((input) => input.enrichment_id).sort()).toEqual([...ids].sort());
  });

  it('carries out on replay a batch whose accept stopped after its commit, answering as the first time', async () => {
    // Prepare: the first run commits, writes one contact, then stops.
    const { accept, accounts, store, workflow } = rig();
    store.failingPuts = 2;
    await expect(accept.execute({ accountId: 'A1', body: BATCH, idempotencyKey: 'k' })).rejects.toThrow(
      'the function stopped',
    );
    const [batch] = [...store.batches.values()];

    // Act
    const replayed = (await accept.execute({ accountId: 'A1', body: BATCH, idempotencyKey: 'k' })).response;
    const again = (await accept.execute({ accountId: 'A1', body: BATCH, idempotencyKey: 'k' })).response;

    // Assess
    expect(replayed.batch_id).toBe(batch!.batch_id);
    expect(replayed.contacts.map((contact) => contact.enrichment_id)).toEqual(batch!.enrichment_ids);
    expect(again).toEqual(replayed);
    expect(store.commits).toBe(1);
    expect(accounts.ledger).toHaveLength(1);
    expect(store.batches.get(batch!.batch_id)?.accept_state).toBe('accepted');
    // Started by name on each replay while pending: the starter keeps a running execution the only one.
    expect(workflow.starts.map((input) => input.enrichment_id)).toEqual([
      ...batch!.enrichment_ids,
      ...batch!.enrichment_ids,
    ]);
  });
});
