import type { ContactRecord } from '../../functions/domain/enrichment/contact';
import { toContactView, toWebhookBody } from '../../functions/domain/enrichment/contact';
import { InvalidStateError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import { RecordFeedback, type RefundSettings } from '../../functions/domain/feedback/record-feedback';
import type {
  BadResultCache,
  CachedFind,
  FeedbackRepository,
  FeedbackWrite,
} from '../../functions/domain/ports/feedback';
import { clockAt, contactRecord, pendingWebhook, prices } from './fakes';

const ID = '01KB0000000000000000000001';
const FINISHED_AT = '2026-12-01T10:00:00.000Z';
const DAY_MS = 86_400_000;

/** A finished enrichment of all three types: email from hunter (2), phones from lusha (25), personal (4). */
function finished(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return contactRecord({
    enrichment_id: ID,
    status: 'finished',
    enrichment_type: ['email', 'phone', 'personal_email'],
    finished_at: FINISHED_AT,
    results: {
      email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'hunter' },
      phones: [
        { number: '+33612345678', country: 'FR', type: 'mobile', provider: 'lusha' },
        { number: '+33198765432', country: 'FR', type: 'landline', provider: 'lusha' },
      ],
      personal_email: { value: 'jane@example.org', status: 'valid', provider: 'lusha', cached: true },
    },
    credits_reserved: 31,
    credits_used: 31,
    charges: { email: 2, phone: 25, personal_email: 4 },
    progress: null,
    ...overrides,
  });
}

/** The record in memory; a write applies when the record is at the version it was decided from. */
class FakeFeedbackStore implements FeedbackRepository {
  readonly writes: FeedbackWrite[] = [];
  /** Writes refused as if another one had come first. */
  refuseNext = 0;

  constructor(public record: ContactRecord | undefined) {}

  async getContact(accountId: string, enrichmentId: string) {
    const record = this.record;
    return record && record.account_id === accountId && record.enrichment_id === enrichmentId
      ? structuredClone(record)
      : undefined;
  }

  async recordFeedback(write: FeedbackWrite): Promise<boolean> {
    const record = this.record!;
    if (this.refuseNext > 0) {
      this.refuseNext--;
      return false;
    }
    if ((record.feedback_version ?? 0) !== write.version) return false;
    if (write.refund?.types.some((type) => record.refunded?.includes(type))) return false;
    this.writes.push(write);
    this.record = {
      ...record,
      feedback: write.feedback,
      feedback_version: write.version + 1,
      credits_refunded: (record.credits_refunded ?? 0) + (write.refund?.credits ?? 0),
      refunded: [...(record.refunded ?? []), ...(write.refund?.types ?? [])],
    };
    return true;
  }
}

/** The cache drops asked for; `failure` makes each one fail. */
class FakeBadResultCache implements BadResultCache {
  readonly forgotten: CachedFind[] = [];
  failure: Error | undefined;

  async forgetBad(find: CachedFind): Promise<boolean> {
    if (this.failure) throw this.failure;
    this.forgotten.push(find);
    return true;
  }
}

function useCase(
  store: FakeFeedbackStore,
  {
    at = new Date(FINISHED_AT),
    refunds = { onBounce: true, windowDays: 30 },
    cache = new FakeBadResultCache(),
    onUncacheFailed,
  } = {} as {
    at?: Date;
    refunds?: RefundSettings;
    cache?: BadResultCache;
    onUncacheFailed?: (error: unknown) => void;
  },
) {
  return new RecordFeedback({
    feedback: store,
    clock: clockAt(at),
    prices,
    refunds,
    cacheScope: 'account',
    cache,
    onUncacheFailed,
  });
}

async function refused(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('Use case: RecordFeedback', () => {
  describe('the body', () => {
    it.each([
      [{}, '(body)'],
      [{ email: 'opened' }, 'email'],
      [{ personal_email: true }, 'personal_email'],
      [{ phones: [] }, 'phones'],
      [{ phones: [{ number: '0612345678', outcome: 'wrong_number' }] }, 'phones[0].number'],
      [{ phones: [{ number: '+33612345678', outcome: 'bounced' }] }, 'phones[0].outcome'],
      [{ phones: [{ number: '+33612345678', outcome: 'connected', note: 'x' }] }, 'phones[0].note'],
      [{ email: 'bounced', phone: [] }, 'phone'],
      [
        {
          phones: [
            { number: '+33612345678', outcome: 'connected' },
            { number: '+33612345678', outcome: 'wrong_number' },
          ],
        },
        'phones[1].number',
      ],
      [[], '(body)'],
    ])('refuses %j naming %s, writing nothing', async (body, path) => {
      // Prepare
      const store = new FakeFeedbackStore(finished());
      // Act
      const error = await refused(useCase(store).execute('A1', ID, body));
      // Assess
      expect(error.errors.map((e) => e.path)).toEqual([path]);
      expect(store.writes).toEqual([]);
    });

    it('refuses a type the enrichment did not find, and a number not among its phones', async () => {
      const store = new FakeFeedbackStore(
        finished({
          results: {
            email: null,
            phones: [{ number: '+33612345678', country: 'FR', type: 'mobile', provider: 'lusha' }],
          },
          enrichment_type: ['email', 'phone'],
        }),
      );

      const error = await refused(
        useCase(store).execute('A1', ID, {
          email: 'bounced',
          personal_email: 'delivered',
          phones: [
            { number: '+33612345678', outcome: 'connected' },
            { number: '+33700000000', outcome: 'wrong_number' },
          ],
        }),
      );

      expect(error.errors.map((e) => e.path)).toEqual(['email', 'personal_email', 'phones[1].number']);
      expect(store.writes).toEqual([]);
    });

    it('refuses phones on an enrichment that found none', async () => {
      const store = new FakeFeedbackStore(finished({ results: { phones: [] }, enrichment_type: ['phone'] }));

      const error = await refused(
        useCase(store).execute('A1', ID, { phones: [{ number: '+33612345678', outcome: 'connected' }] }),
      );

      expect(error.errors.map((e) => e.path)).toEqual(['phones']);
    });
  });

  it('answers 404 for another account, garbage and a missing id, 409 while pending', async () => {
    const store = new FakeFeedbackStore(finished());
    await expect(useCase(store).execute('A2', ID, { email: 'bounced' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(useCase(store).execute('A1', 'nope', { email: 'bounced' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    store.record = finished({ status: 'pending', finished_at: null, results: null, credits_used: 0 });
    await expect(useCase(store).execute('A1', ID, { email: 'bounced' })).rejects.toBeInstanceOf(
      InvalidStateError,
    );
    expect(store.writes).toEqual([]);
  });

  it('refunds a bounced email its charge, drops it from the cache and counts one bounce of its provider', async () => {
    const store = new FakeFeedbackStore(finished());
    const at = new Date(Date.parse(FINISHED_AT) + 3 * DAY_MS);

    const record = await useCase(store, { at }).execute('A1', ID, { email: 'bounced' });

    const [write] = store.writes;
    expect(write!.refund).toMatchObject({ credits: 2, types: ['email'], day: '2026-12-04' });
    expect(write!.refund!.movement.entries).toEqual([
      { kind: 'refund', balance_delta: 2, reserved_delta: 0, at: at.toISOString(), enrichment_id: ID },
    ]);
    expect(write!.refund!.movement.deltas).toEqual({ balance: 2, reserved: 0, available: 2 });
    expect(write!.bounces).toEqual([{ provider: 'hunter', day: '2026-12-01', type: 'email' }]);
    // Both identities of an email: the LinkedIn URL and the name at the domain.
    expect(write!.uncache.map((find) => [find.owner, find.type])).toEqual([
      ['ACCOUNT#A1', 'email'],
      ['ACCOUNT#A1', 'email'],
    ]);
    const view = toContactView(record);
    expect(view.feedback).toEqual({ email: { outcome: 'bounced', at: at.toISOString() } });
    expect(view.credits_refunded).toBe(2);
  });

  it('counts a cached result’s bounce for the provider that first found it', async () => {
    const store = new FakeFeedbackStore(finished());

    await useCase(store).execute('A1', ID, { personal_email: 'bounced' });

    expect(store.writes[0]!.bounces).toEqual([
      { provider: 'lusha', day: '2026-12-01', type: 'personal_email' },
    ]);
    expect(store.writes[0]!.refund?.credits).toBe(4);
  });

  it('refunds the phones once, when every number of the list has been reported a wrong number', async () => {
    const store = new FakeFeedbackStore(finished());

    await useCase(store).execute('A1', ID, { phones: [{ number: '+33612345678', outcome: 'wrong_number' }] });
    const first = store.writes[0]!;
    const last = await useCase(store).execute('A1', ID, {
      phones: [{ number: '+33198765432', outcome: 'wrong_number' }],
    });

    expect(first.refund).toBeNull();
    expect(first.bounces).toEqual([{ provider: 'lusha', day: '2026-12-01', type: 'phone' }]);
    expect(first.uncache.map((find) => find.type)).toEqual(['phone']);
    expect(store.writes[1]!.refund).toMatchObject({ credits: 25, types: ['phone'] });
    // The list counted its bounce at its first wrong number.
    expect(store.writes[1]!.bounces).toEqual([]);
    expect(toContactView(last).feedback?.phones?.map((p) => [p.number, p.outcome])).toEqual([
      ['+33612345678', 'wrong_number'],
      ['+33198765432', 'wrong_number'],
    ]);
    expect(last.credits_refunded).toBe(25);
  });

  it('counts one bounce for a phone list whose numbers are all reported wrong at once', async () => {
    const store = new FakeFeedbackStore(finished());

    await useCase(store).execute('A1', ID, {
      phones: [
        { number: '+33612345678', outcome: 'wrong_number' },
        { number: '+33198765432', outcome: 'wrong_number' },
      ],
    });

    expect(store.writes[0]!.bounces).toEqual([{ provider: 'lusha', day: '2026-12-01', type: 'phone' }]);
    expect(store.writes[0]!.refund).toMatchObject({ credits: 25, types: ['phone'] });
  });

  it('counts no second bounce for a phone list when a number turns wrong again, or another one after it', async () => {
    const store = new FakeFeedbackStore(finished());
    const wrong = (number: string) => ({ phones: [{ number, outcome: 'wrong_number' }] });

    await useCase(store).execute('A1', ID, wrong('+33612345678'));
    await useCase(store).execute('A1', ID, { phones: [{ number: '+33612345678', outcome: 'connected' }] });
    await useCase(store).execute('A1', ID, wrong('+33612345678'));
    await useCase(store).execute('A1', ID, wrong('+33198765432'));

    expect(store.writes.map((write) => write.bounces.length)).toEqual([1, 0, 0, 0]);
  });

  it('drops a phone list from the cache, after the write, while it holds a number reported wrong', async () => {
    const store = new FakeFeedbackStore(finished());
    const cache = new FakeBadResultCache();

    await useCase(store, { cache }).execute('A1', ID, {
      phones: [{ number: '+33612345678', outcome: 'wrong_number' }],
    });
    await useCase(store, { cache }).execute('A1', ID, {
      phones: [{ number: '+33198765432', outcome: 'wrong_number' }],
    });

    // The phones are cached under the LinkedIn URL alone.
    expect(cache.forgotten).toEqual([
      { identity: expect.any(String), owner: 'ACCOUNT#A1', type: 'phone', values: ['+33612345678'] },
      {
        identity: expect.any(String),
        owner: 'ACCOUNT#A1',
        type: 'phone',
        values: ['+33612345678', '+33198765432'],
      },
    ]);
  });

  it('drops a bounced email from the cache while it holds the bounced address, after the write', async () => {
    const store = new FakeFeedbackStore(finished());
    const cache = new FakeBadResultCache();
    let writtenFirst = false;
    cache.forgetBad = async (find) => {
      writtenFirst = store.writes.length === 1;
      cache.forgotten.push(find);
      return false;
    };

    await useCase(store, { cache }).execute('A1', ID, { email: 'bounced' });

    expect(writtenFirst).toBe(true);
    expect(cache.forgotten.map((find) => [find.type, find.values])).toEqual([
      ['email', ['jane.doe@acme.com']],
      ['email', ['jane.doe@acme.com']],
    ]);
  });

  it('keeps the feedback and its refund when the cache drop fails, reporting the failure', async () => {
    const store = new FakeFeedbackStore(finished());
    const cache = new FakeBadResultCache();
    cache.failure = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    const failures: unknown[] = [];

    const record = await useCase(store, { cache, onUncacheFailed: (error) => failures.push(error) }).execute(
      'A1',
      ID,
      { email: 'bounced' },
    );

    expect(record.credits_refunded).toBe(2);
    expect(store.record!.feedback?.email?.outcome).toBe('bounced');
    expect(failures).toEqual([cache.failure, cache.failure]);
  });

  it('does not refund phones when one number of the list connected', async () => {
    const store = new FakeFeedbackStore(finished());

    await useCase(store).execute('A1', ID, {
      phones: [
        { number: '+33612345678', outcome: 'wrong_number' },
        { number: '+33198765432', outcome: 'connected' },
      ],
    });

    expect(store.writes[0]!.refund).toBeNull();
    expect(store.record!.credits_refunded).toBe(0);
  });

  it('writes only the feedback for good outcomes, outside the window, and with refunds off', async () => {
    const good = new FakeFeedbackStore(finished());
    await useCase(good).execute('A1', ID, { email: 'delivered', personal_email: 'delivered' });
    const late = new FakeFeedbackStore(finished());
    await useCase(late, { at: new Date(Date.parse(FINISHED_AT) + 30 * DAY_MS + 1) }).execute('A1', ID, {
      email: 'bounced',
    });
    const off = new FakeFeedbackStore(finished());
    await useCase(off, { refunds: { onBounce: false, windowDays: 30 } }).execute('A1', ID, {
      email: 'bounced',
    });

    expect(good.writes[0]).toMatchObject({ refund: null, bounces: [], uncache: [] });
    for (const store of [late, off]) {
      expect(store.writes[0]!.refund).toBeNull();
      // Still bad data: it leaves the cache and counts as a bounce.
      expect(store.writes[0]!.bounces).toHaveLength(1);
      expect(store.record!.feedback?.email?.outcome).toBe('bounced');
    }
  });

  it('refunds on the last day of the window', async () => {
    const store = new FakeFeedbackStore(finished());

    await useCase(store, { at: new Date(Date.parse(FINISHED_AT) + 30 * DAY_MS) }).execute('A1', ID, {
      email: 'bounced',
    });

    expect(store.writes[0]!.refund?.credits).toBe(2);
  });

  it('writes nothing for the same outcome sent again, and keeps its first time', async () => {
    const store = new FakeFeedbackStore(finished());
    await useCase(store).execute('A1', ID, { email: 'bounced' });
    const again = await useCase(store, { at: new Date(Date.parse(FINISHED_AT) + DAY_MS) }).execute('A1', ID, {
      email: 'bounced',
    });

    expect(store.writes).toHaveLength(1);
    expect(again.feedback?.email?.at).toBe(FINISHED_AT);
    expect(again.credits_refunded).toBe(2);
  });

  it('replaces an outcome, refunding and counting a result once whatever follows', async () => {
    const store = new FakeFeedbackStore(finished());
    const later = (days: number) => ({ at: new Date(Date.parse(FINISHED_AT) + days * DAY_MS) });

    await useCase(store, later(1)).execute('A1', ID, { email: 'bounced' });
    await useCase(store, later(2)).execute('A1', ID, { email: 'delivered' });
    const last = await useCase(store, later(3)).execute('A1', ID, { email: 'bounced' });

    expect(store.writes.map((w) => [w.refund?.credits ?? 0, w.bounces.length, w.uncache.length])).toEqual([
      [2, 1, 2],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(toContactView(last).feedback?.email).toEqual({
      outcome: 'bounced',
      at: later(3).at.toISOString(),
    });
    expect(last.credits_refunded).toBe(2);
  });

  it('decides again from a new read when another write came first', async () => {
    const store = new FakeFeedbackStore(finished());
    store.refuseNext = 2;

    const record = await useCase(store).execute('A1', ID, { email: 'bounced' });

    expect(store.writes).toHaveLength(1);
    expect(record.credits_refunded).toBe(2);
  });

  it('gives up after repeated collisions rather than looping', async () => {
    const store = new FakeFeedbackStore(finished());
    store.refuseNext = 100;

    await expect(useCase(store).execute('A1', ID, { email: 'bounced' })).rejects.toThrow(/collided/);
    expect(store.writes).toEqual([]);
  });

  describe('a record finished before charges were kept', () => {
    it('refunds the price of the result', async () => {
      const store = new FakeFeedbackStore(finished({ charges: undefined }));

      await useCase(store).execute('A1', ID, { email: 'bounced', personal_email: 'bounced' });

      // hunter's email 2; a cached personal email at its original provider's price, lusha's 4.
      expect(store.writes[0]!.refund).toMatchObject({ credits: 6, types: ['email', 'personal_email'] });
    });

    it('refunds each type what the finish charged it, rebuilt within credits_used in the order charged', async () => {
      // A max_credits of 3: the finish charged the email 2, the phones what was left, 1, and the personal email 0.
      const charged = () => finished({ charges: undefined, credits_used: 3 });
      const personal = new FakeFeedbackStore(charged());
      const all = new FakeFeedbackStore(charged());

      await useCase(personal).execute('A1', ID, { personal_email: 'bounced' });
      await useCase(all).execute('A1', ID, {
        personal_email: 'bounced',
        phones: [
          { number: '+33612345678', outcome: 'wrong_number' },
          { number: '+33198765432', outcome: 'wrong_number' },
        ],
      });
      await useCase(all).execute('A1', ID, { email: 'bounced' });

      expect(personal.writes[0]!.refund).toBeNull();
      expect(personal.record!.credits_refunded).toBe(0);
      expect(all.writes.map((write) => write.refund && [write.refund.types, write.refund.credits])).toEqual([
        [['phone'], 1],
        [['email'], 2],
      ]);
      expect(all.record!.credits_refunded).toBe(3);
    });

    it('never refunds more than was charged, and nothing for a charge of 0', async () => {
      // A max_credits of 3 charged the email 2 and the personal email what was left, 1.
      const store = new FakeFeedbackStore(
        finished({
          enrichment_type: ['email', 'personal_email'],
          results: {
            email: { value: 'jane.doe@acme.com', status: 'valid', provider: 'hunter' },
            personal_email: { value: 'jane@example.org', status: 'valid', provider: 'lusha', cached: true },
          },
          charges: undefined,
          credits_used: 3,
          credits_refunded: 2,
          refunded: ['email'],
        }),
      );

      await useCase(store).execute('A1', ID, { personal_email: 'bounced' });
      const free = new FakeFeedbackStore(finished({ charges: { email: 0 }, credits_used: 0 }));
      await useCase(free).execute('A1', ID, { email: 'bounced' });

      expect(store.writes[0]!.refund?.credits).toBe(1);
      expect(free.writes[0]!.refund).toBeNull();
      expect(free.record!.credits_refunded).toBe(0);
    });
  });

  it('leaves the webhook body as it stood at finish', async () => {
    const store = new FakeFeedbackStore(finished({ webhook: pendingWebhook() }));
    const before = toWebhookBody(store.record!);

    const record = await useCase(store).execute('A1', ID, { email: 'bounced' });

    expect(toWebhookBody(record)).toBe(before);
    expect(JSON.parse(before)).toMatchObject({ feedback: null, credits_refunded: 0 });
  });
});
