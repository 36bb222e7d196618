/**
 * FinishEnrichment as a specification, with plain fakes: it charges what was found at the finding provider's
 * price and never more than was reserved, settles an enrichment exactly once, hands the webhook to the queue only
 * when a URL was given, and closes the types whose waterfall did not end with a `workflow` trace step.
 */
import type { ContactRecord } from '../../functions/domain/enrichment/contact';
import { FinishEnrichment } from '../../functions/domain/enrichment/finish-enrichment';
import type { FinishCommand } from '../../functions/domain/enrichment/waterfall-state';
import type { QueuedWebhook } from '../../functions/domain/webhooks/webhook-message';
import {
  account,
  clockAt,
  contactRecord,
  FakeAccounts,
  FakeFinishStore,
  NOW,
  pendingWebhook,
  prices,
} from './fakes';

const ID = '01KB0000000000000000000001';
const JANE_EMAIL = { value: 'jane@acme.com', status: 'valid' as const, provider: 'hunter' };
const WEBHOOK = pendingWebhook();

/** Every type walked to its end: email found by hunter (2 credits), phone and personal email not found. */
function walkedRecord(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return contactRecord({
    enrichment_type: ['email', 'phone', 'personal_email'],
    credits_reserved: 31,
    progress: {
      found: { email: JANE_EMAIL },
      closed: { email: true, phone: true, personal_email: true },
      candidates: {},
    },
    ...overrides,
  });
}

function rig(record: ContactRecord) {
  const accounts = new FakeAccounts(account({ reserved: record.credits_reserved }));
  const store = new FakeFinishStore(record, accounts);
  const queued: QueuedWebhook[] = [];
  const finish = new FinishEnrichment({
    finishes: store,
    webhooks: { enqueue: async (message) => void queued.push(message) },
    clock: clockAt(),
    prices,
  });
  const command: FinishCommand = { account_id: 'A1', enrichment_id: ID };
  return { finish, accounts, store, queued, command };
}

describe('Class: FinishEnrichment', () => {
  it("charges what was found at its provider's price and releases the whole reservation", async () => {
    // Prepare
    const { finish, accounts, store, command } = rig(walkedRecord());

    // Act
    const report = await finish.execute(command);

    // Assess
    expect(report).toEqual({ status: 'finished', credits_used: 2 });
    expect(accounts.ledger).toEqual([
      { kind: 'charge', amount: 2, of: ID },
      { kind: 'release', amount: 31, of: ID },
    ]);
    expect(accounts.current).toMatchObject({ balance: 98, reserved: 0 });
    expect(store.record).toMatchObject({
      status: 'finished',
      finished_at: NOW.toISOString(),
      results: { email: JANE_EMAIL, phones: [], personal_email: null },
      waterfall: [],
    });
  });

  it('never charges more than was reserved', async () => {
    // Prepare: a phone found by lusha (25) on a record that reserved 10 under an older price list.
    const phone = { number: '+33612345678', country: 'FR', type: 'mobile' as const, provider: 'lusha' };
    const record = contactRecord({
      credits_reserved: 10,
      progress: { found: { phones: [phone] }, closed: { phone: true }, candidates: {} },
    });
    const { finish, accounts, command } = rig(record);

    // Act
    const report = await finish.execute(command);

    // Assess
    expect(report.credits_used).toBe(10);
    expect(accounts.current).toMatchObject({ balance: 90, reserved: 0 });
  });

  it('settles exactly once: finishing a finished enrichment charges nothing again', async () => {
    // Prepare
    const { finish, accounts, store, command } = rig(walkedRecord());
    await finish.execute(command);

    // Act
    const again = await finish.execute(command);

    // Assess
    expect(again).toEqual({ status: 'already_finished', credits_used: 2 });
    expect(store.finishes).toHaveLength(1);
    expect(accounts.ledger.map((entry) => entry.kind)).toEqual(['charge', 'release']);
    expect(accounts.current).toMatchObject({ balance: 98, reserved: 0 });
  });

  it('answers missing for an erased enrichment, moving nothing', async () => {
    // Prepare
    const { finish, accounts, store, queued, command } = rig(walkedRecord());
    store.record = undefined;

    // Act & Assess
    expect(await finish.execute(command)).toEqual({ status: 'missing', credits_used: 0 });
    expect(accounts.ledger).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('queues the webhook only when a URL was given', async () => {
    // Prepare
    const withUrl = rig(walkedRecord({ webhook: WEBHOOK }));
    const without = rig(walkedRecord({ webhook: null }));

    // Act
    await withUrl.finish.execute(withUrl.command);
    await without.finish.execute(without.command);

    // Assess
    expect(withUrl.queued).toEqual([{ account_id: 'A1', enrichment_id: ID }]);
    expect(without.queued).toEqual([]);
  });

  it('queues again on a replay while no delivery was attempted, and not once one was', async () => {
    // Prepare
    const { finish, store, queued, command } = rig(walkedRecord({ webhook: WEBHOOK }));
    await finish.execute(command);

    // Act
    await finish.execute(command);
    store.record = { ...store.record!, webhook: pendingWebhook({ attempts: 1, last_response_status: 500 }) };
    await finish.execute(command);

    // Assess
    expect(queued).toHaveLength(2);
  });

  it('closes each unfinished type with a workflow step naming why, charging what the others found', async () => {
    // Prepare: email found; phone's step kept failing; personal email still walking when the sweeper came.
    const record = walkedRecord({
      progress: { found: { email: JANE_EMAIL }, closed: { email: true }, candidates: {} },
    });
    const { finish, store, accounts } = rig(record);
    const outcomes = [{ type: 'phone' as const, failure: { Error: 'States.Timeout' } }];

    // Act
    await finish.execute({
      account_id: 'A1',
      enrichment_id: ID,
      outcomes,
      reason: 'swept after 300 seconds',
    });

    // Assess
    expect(store.record?.waterfall).toEqual([
      {
        type: 'phone',
        provider: 'workflow',
        outcome: 'error',
        duration_ms: 0,
        detail: 'stopped: the waterfall step kept failing (States.Timeout)',
      },
      {
        type: 'personal_email',
        provider: 'workflow',
        outcome: 'error',
        duration_ms: 0,
        detail: 'stopped: swept after 300 seconds',
      },
    ]);
    expect(store.record?.results).toEqual({ email: JANE_EMAIL, phones: [], personal_email: null });
    expect(accounts.current.balance).toBe(98);
  });

  it('closes the types a failed steps run left open with its failure, each type named or as it ended', async () => {
    // Prepare: email found in an earlier steps run; phone's step kept failing; personal email still open when the
    // last steps run failed (the waterfall holds it as its bare name, the run handed nothing back).
    const record = walkedRecord({
      progress: { found: { email: JANE_EMAIL }, closed: { email: true }, candidates: {} },
    });
    const { finish, store } = rig(record);

    // Act
    await finish.execute({
      account_id: 'A1',
      enrichment_id: ID,
      outcomes: [{ type: 'email' }, { type: 'phone', failure: { Error: 'TypeError' } }, 'personal_email'],
      failure: { Error: 'States.TaskFailed', Cause: '{"status":"TIMED_OUT"}' },
    });

    // Assess
    expect(store.record?.waterfall.map((step) => [step.type, step.detail])).toEqual([
      ['phone', 'stopped: the waterfall step kept failing (TypeError)'],
      ['personal_email', 'stopped: the steps workflow failed (States.TaskFailed)'],
    ]);
    expect(store.record?.status).toBe('finished');
  });
});
