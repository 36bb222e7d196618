/**
 * FinishEnrichment as a specification, with plain fakes: it charges what was found at the finding provider's
 * price and never more than was reserved, settles an enrichment exactly once, hands the webhook to the queue only
 * when a URL was given, and closes the types whose waterfall did not end with a `workflow` trace step.
 */
import type { ContactRecord } from '../../functions/domain/enrichment/contact';
import { FinishEnrichment } from '../../functions/domain/enrichment/finish-enrichment';
import type { FinishCommand } from '../../functions/domain/enrichment/waterfall-state';
import type { QueuedWebhook } from '../../functions/domain/webhooks/webhook-message';
import type { ProviderStatsRecorder } from '../../functions/domain/ports/usage';
import { statsPartOf, type Counters } from '../../functions/domain/usage/counters';
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

/** Provider stats as added: one entry per update; `failing` refuses every update. */
class RecordingStats implements ProviderStatsRecorder {
  readonly added: { provider: string; day: string; part: string; counters: Counters }[] = [];
  constructor(private readonly failing = false) {}
  async add(provider: string, day: string, part: string, counters: Counters): Promise<void> {
    if (this.failing) throw new Error('ProvisionedThroughputExceededException');
    this.added.push({ provider, day, part, counters });
  }
}

function rig(record: ContactRecord, stats = new RecordingStats()) {
  const accounts = new FakeAccounts(account({ reserved: record.credits_reserved }));
  const store = new FakeFinishStore(record, accounts);
  const queued: QueuedWebhook[] = [];
  const lost: unknown[] = [];
  const finish = new FinishEnrichment({
    finishes: store,
    webhooks: { enqueue: async (message) => void queued.push(message) },
    clock: clockAt(),
    prices,
    stats,
    onStatsLost: (error) => lost.push(error),
  });
  const command: FinishCommand = { account_id: 'A1', enrichment_id: ID };
  return { finish, accounts, store, queued, command, stats, lost };
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

  it("keeps each type's charge on the record and adds the day's usage in the finish itself", async () => {
    // Prepare
    const { finish, store, command } = rig(walkedRecord());

    // Act
    await finish.execute(command);

    // Assess
    expect(store.finishes[0]).toMatchObject({
      charges: { email: 2 },
      usage: {
        day: '2026-12-01',
        counters: {
          enrichments: 1,
          credits_charged: 2,
          'requested#email': 1,
          'requested#phone': 1,
          'requested#personal_email': 1,
          'found#email#hunter': 1,
          'credits#email#hunter': 2,
        },
      },
    });
  });

  it("adds a first finish's trace to each provider's stats, once per provider, and a replay adds nothing", async () => {
    // Prepare
    const steps = [
      {
        type: 'email' as const,
        provider: 'prospeo',
        outcome: 'not_found' as const,
        duration_ms: 80,
        detail: null,
      },
      {
        type: 'email' as const,
        provider: 'hunter',
        outcome: 'found' as const,
        duration_ms: 300,
        detail: null,
      },
      {
        type: 'phone' as const,
        provider: 'prospeo',
        outcome: 'not_found' as const,
        duration_ms: 90,
        detail: null,
      },
    ];
    const { finish, command, stats } = rig(walkedRecord({ waterfall: steps }));

    // Act
    await finish.execute(command);
    await finish.execute(command);

    // Assess
    expect(stats.added).toEqual([
      {
        provider: 'prospeo',
        day: '2026-12-01',
        part: statsPartOf(ID),
        counters: {
          'calls#email': 1,
          'not_found#email': 1,
          'ms#email#100': 1,
          'calls#phone': 1,
          'not_found#phone': 1,
          'ms#phone#100': 1,
        },
      },
      {
        provider: 'hunter',
        day: '2026-12-01',
        part: statsPartOf(ID),
        counters: { 'calls#email': 1, 'found#email': 1, 'ms#email#500': 1, 'credits#email': 2 },
      },
    ]);
  });

  it('stands when the provider stats cannot be added: reports them lost, hands the webhook over', async () => {
    // Prepare
    const steps = [
      {
        type: 'email' as const,
        provider: 'hunter',
        outcome: 'found' as const,
        duration_ms: 300,
        detail: null,
      },
    ];
    const { finish, command, queued, lost, store } = rig(
      walkedRecord({ waterfall: steps, webhook: WEBHOOK }),
      new RecordingStats(true),
    );

    // Act
    const report = await finish.execute(command);

    // Assess
    expect(report).toEqual({ status: 'finished', credits_used: 2 });
    expect(store.record?.status).toBe('finished');
    expect(queued).toHaveLength(1);
    expect(lost).toEqual([expect.objectContaining({ message: 'ProvisionedThroughputExceededException' })]);
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
