/**
 * AcceptEnrichment as a specification, with plain fakes: the order of its checks (validation, consent, credits)
 * and that a refused request writes, reserves and starts nothing; the reservation is the worst case of the
 * price list; an Idempotency-Key replays the first answer and starts its pending enrichment again; a workflow
 * that cannot be started rolls the accept back.
 */
import type { Account } from '../../functions/domain/accounts/accounts';
import { AcceptEnrichment } from '../../functions/domain/enrichment/accept-enrichment';
import {
  ConsentRequiredError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InternalError,
  ValidationError,
} from '../../functions/domain/errors';
import {
  account,
  clockAt,
  FakeAcceptStore,
  FakeAccounts,
  prices,
  PUBLIC_TARGETS,
  recordingWorkflow,
} from './fakes';

const BODY = {
  firstname: ' Jane ',
  lastname: 'Doe',
  enrichment_type: ['email', 'phone'],
  domain: 'https://www.Acme.com/about',
  linkedin_url: 'linkedin.com/in/jane-doe',
  custom: { crm_id: 42 },
};

function rig(options: { account?: Partial<Account>; failingStarts?: number } = {}) {
  const accounts = new FakeAccounts(account(options.account));
  const store = new FakeAcceptStore(accounts);
  const workflow = recordingWorkflow(options.failingStarts);
  const logged: Array<Record<string, unknown>> = [];
  const accept = new AcceptEnrichment({
    accounts,
    enrichments: store,
    workflow,
    clock: clockAt(),
    targetPolicy: PUBLIC_TARGETS,
    prices,
    accountRateLimit: 0,
    logger: { error: (_message, extra) => logged.push(extra) },
  });
  return { accept, accounts, store, workflow, logged };
}

describe('Class: AcceptEnrichment', () => {
  it.each([
    [
      'validation first, before consent and credits',
      { ...BODY, firstname: '', enrichment_type: ['personal_email'] },
      { balance: 0 },
      ValidationError,
    ],
    [
      'consent before credits',
      { ...BODY, enrichment_type: ['personal_email'] },
      { balance: 0 },
      ConsentRequiredError,
    ],
    ['credits last', BODY, { balance: 26 }, InsufficientCreditsError],
  ])(
    'checks %s, and a refused request writes, reserves and starts nothing',
    async (_, body, held, refusal) => {
      // Prepare
      const { accept, accounts, store, workflow } = rig({ account: held });

      // Act
      const accepting = accept.execute({ accountId: 'A1', body, idempotencyKey: 'key-1' });

      // Assess
      await expect(accepting).rejects.toThrow(refusal);
      expect(store.contacts.size).toBe(0);
      expect(store.keys.size).toBe(0);
      expect(accounts.ledger).toEqual([]);
      expect(accounts.current).toMatchObject({ ...held, reserved: 0 });
      expect(workflow.starts).toEqual([]);
    },
  );

  it('names the credits needed and available when they do not cover the worst case', async () => {
    // Prepare
    const { accept } = rig({ account: { balance: 30, reserved: 4 } });

    // Act & Assess
    await expect(accept.execute({ accountId: 'A1', body: BODY })).rejects.toThrow(
      'This enrichment needs up to 27 credits; 26 are available.',
    );
  });

  it('reserves the worst case of the price list, writes the normalised record and starts its waterfall', async () => {
    // Prepare
    const { accept, accounts, store, workflow } = rig();

    // Act
    const response = (await accept.execute({ accountId: 'A1', body: BODY })).response;

    // Assess: email at most 2 (hunter), phone at most 25 (lusha).
    const record = store.contacts.get(response.enrichment_id);
    expect(record).toMatchObject({
      status: 'pending',
      firstname: 'Jane',
      domain: 'acme.com',
      linkedin_url: 'https://www.linkedin.com/in/jane-doe',
      phone_country_codes: ['FR'],
      credits_reserved: 27,
      custom_json: '{"crm_id":42}',
      webhook: null,
    });
    expect(accounts.current).toMatchObject({ balance: 100, reserved: 27 });
    expect(accounts.ledger).toEqual([{ kind: 'reserve', amount: 27, of: response.enrichment_id }]);
    expect(workflow.starts).toEqual([
      { account_id: 'A1', enrichment_id: response.enrichment_id, types: ['email', 'phone'] },
    ]);
    expect(response).toEqual({
      enrichment_id: response.enrichment_id,
      firstname: 'Jane',
      lastname: 'Doe',
      status: 'pending',
      custom: { crm_id: 42 },
    });
  });

  it('replays the first answer for a repeated Idempotency-Key, starting its pending enrichment again by name', async () => {
    // Prepare
    const { accept, accounts, store, workflow } = rig();
    const first = (await accept.execute({ accountId: 'A1', body: BODY, idempotencyKey: 'key-1' })).response;

    // Act
    const again = (await accept.execute({ accountId: 'A1', body: BODY, idempotencyKey: 'key-1' })).response;

    // Assess
    expect(again).toEqual(first);
    expect(store.contacts.size).toBe(1);
    expect(accounts.ledger).toHaveLength(1);
    expect(workflow.starts.map((input) => input.enrichment_id)).toEqual([
      first.enrichment_id,
      first.enrichment_id,
    ]);
  });

  it('replays a finished enrichment without starting it, and refuses the key with another body', async () => {
    // Prepare
    const { accept, store, workflow } = rig();
    const first = (await accept.execute({ accountId: 'A1', body: BODY, idempotencyKey: 'key-1' })).response;
    store.contacts.set(first.enrichment_id, {
      ...store.contacts.get(first.enrichment_id)!,
      status: 'finished',
    });

    // Act
    const again = (await accept.execute({ accountId: 'A1', body: BODY, idempotencyKey: 'key-1' })).response;
    const other = accept.execute({
      accountId: 'A1',
      body: { ...BODY, lastname: 'Roe' },
      idempotencyKey: 'key-1',
    });

    // Assess
    expect(again).toEqual(first);
    await expect(other).rejects.toThrow(IdempotencyConflictError);
    expect(workflow.starts).toHaveLength(1);
    expect(store.contacts.size).toBe(1);
  });

  it('rolls the accept back and answers 500 when the workflow cannot be started; the key can be used again', async () => {
    // Prepare
    const { accept, accounts, store, workflow, logged } = rig({ failingStarts: 1 });

    // Act
    const accepting = accept.execute({ accountId: 'A1', body: BODY, idempotencyKey: 'key-1' });

    // Assess
    await expect(accepting).rejects.toThrow(InternalError);
    expect(store.contacts.size).toBe(0);
    expect(store.keys.size).toBe(0);
    expect(accounts.current).toMatchObject({ balance: 100, reserved: 0 });
    expect(workflow.starts).toEqual([]);
    expect(logged).toEqual([{ enrichment_id: expect.any(String), error: 'ThrottlingException' }]);
    const retried = (await accept.execute({ accountId: 'A1', body: BODY, idempotencyKey: 'key-1' })).response;
    expect(workflow.starts.map((input) => input.enrichment_id)).toEqual([retried.enrichment_id]);
    expect(accounts.current).toMatchObject({ balance: 100, reserved: 27 });
  });
});
