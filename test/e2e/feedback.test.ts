/**
 * Outcome feedback over HTTP against a started local stack (results cache on): a bounced email is refunded, shown
 * on the record and in the ledger, and its person is asked of the providers again; the refusals. Every answer is
 * checked against the OpenAPI document by the client.
 */
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const PERSON = {
  firstname: 'Maelys',
  lastname: 'Rochebrune',
  domain: 'mr-feedback.com',
  linkedin_url: 'https://www.linkedin.com/in/maelys-rochebrune',
  phone_country_codes: ['FR'],
};

interface Step {
  type: string;
  provider: string;
  outcome: string;
}

describe('Local stack: outcome feedback and refunds over HTTP', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack(
      'feedback',
      { credits: 100 },
      {
        traffic: { resultCache: { days: 30, scope: 'account' } },
      },
    );
  });
  afterAll(() => e2e.stop());

  async function finished(body: Record<string, unknown>) {
    const accepted = await e2e.api.enrich(body);
    expect(accepted.status).toBe(202);
    const id = String(accepted.body.enrichment_id);
    return (await e2e.api.untilFinished(id)).finished.body as Record<string, unknown> & {
      enrichment_id: string;
      waterfall: Step[];
      results: { phones?: Array<{ number: string }> };
    };
  }

  it('refunds a bounced email, shows it on the record and in the ledger, and asks the providers next time', async () => {
    // Prepare
    const first = await finished({ ...PERSON, enrichment_type: ['email', 'phone'] });
    expect(first).toMatchObject({ feedback: null, credits_used: 11, credits_refunded: 0 });
    const before = (await e2e.api.credits()).body;

    // Act
    const answer = await e2e.api.feedback(first.enrichment_id, { email: 'bounced' });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      enrichment_id: first.enrichment_id,
      feedback: { email: { outcome: 'bounced', at: expect.any(String) } },
      credits_refunded: 1,
    });
    expect((await e2e.api.contact(first.enrichment_id)).body).toEqual(answer.body);
    expect((await e2e.api.credits()).body).toEqual({
      balance: before.balance + 1,
      reserved: 0,
      available: before.available + 1,
    });
    const ledger = await e2e.api.ledger({ limit: 1 });
    expect(ledger.body.entries).toEqual([
      {
        at: expect.any(String),
        kind: 'refund',
        balance_delta: 1,
        reserved_delta: 0,
        enrichment_id: first.enrichment_id,
      },
    ]);

    // Act: the same person again.
    const second = await finished({ ...PERSON, enrichment_type: ['email', 'phone'] });

    // Assess: the bounced email is asked of a provider; the phone, not reported on, still comes from the cache.
    const providerOf = (type: string) =>
      second.waterfall
        .filter((step) => step.type === type && step.outcome === 'found')
        .map((s) => s.provider);
    expect(providerOf('email')).toEqual(['sandbox-primary']);
    expect(providerOf('phone')).toEqual(['cache']);
  });

  it('refunds the phones once every number is a wrong number, and not again', async () => {
    // Prepare
    const record = await finished({ ...PERSON, lastname: 'Rochebrune-Phones', enrichment_type: ['phone'] });
    const numbers = record.results.phones!.map((phone) => phone.number);
    expect(numbers).toHaveLength(1);
    const body = { phones: numbers.map((number) => ({ number, outcome: 'wrong_number' })) };

    // Act
    const answers = await Promise.all([1, 2, 3].map(() => e2e.api.feedback(record.enrichment_id, body)));
    const corrected = await e2e.api.feedback(record.enrichment_id, {
      phones: [{ number: numbers[0], outcome: 'connected' }],
    });

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(corrected.body).toMatchObject({
      feedback: { phones: [{ number: numbers[0], outcome: 'connected' }] },
      credits_refunded: 10,
    });
    const entries = (await e2e.api.ledger({ limit: 200 })).body.entries;
    expect(
      entries.filter((entry) => entry.kind === 'refund' && entry.enrichment_id === record.enrichment_id),
    ).toHaveLength(1);
  });

  it('answers 400 naming the field, 404 and 409 as the contract says, writing nothing', async () => {
    // Prepare
    const record = await finished({ ...PERSON, lastname: 'Rochebrune-Refusals', enrichment_type: ['phone'] });
    const other = await e2e.admin.create({
      name: 'Other',
      credits: 10,
      personalEmailConsent: false,
      phoneCountryCodes: null,
    });
    // Not from the cache (which knows this LinkedIn URL): the slow sandbox keeps it pending for seconds.
    const slow = await e2e.api.enrich({
      ...PERSON,
      lastname: 'Slow-Rochebrune',
      enrichment_type: ['email'],
      use_cache: false,
    });

    // Act
    const notFound = await e2e.api.feedback(record.enrichment_id, { email: 'bounced' });
    const unknownNumber = await e2e.api.feedback(record.enrichment_id, {
      phones: [{ number: '+33700000000', outcome: 'wrong_number' }],
    });
    const unknownKey = await e2e.api.feedback(record.enrichment_id, { email: 'bounced', sms: 'sent' });
    const empty = await e2e.api.feedback(record.enrichment_id, {});
    const otherAccount = await e2e.api.withKey(other.api_key).feedback(record.enrichment_id, {
      phones: [{ number: record.results.phones![0]!.number, outcome: 'connected' }],
    });
    const garbage = await e2e.api.feedback('not-an-id', { email: 'bounced' });
    const pending = await e2e.api.feedback(String(slow.body.enrichment_id), { email: 'bounced' });

    // Assess
    expect(notFound.status).toBe(400);
    expect(notFound.body).toMatchObject({ code: 'validation_error', errors: [{ path: 'email' }] });
    expect(unknownNumber.body).toMatchObject({
      code: 'validation_error',
      errors: [{ path: 'phones[0].number' }],
    });
    expect(unknownKey.body).toMatchObject({
      code: 'validation_error',
      errors: [{ path: 'sms', message: 'is not a known field' }],
    });
    expect(empty.body).toMatchObject({ code: 'validation_error', errors: [{ path: '(body)' }] });
    expect([otherAccount.status, garbage.status]).toEqual([404, 404]);
    expect(otherAccount.body).toMatchObject({ code: 'not_found' });
    expect(pending.status).toBe(409);
    expect(pending.body).toMatchObject({ code: 'invalid_state' });
    expect((await e2e.api.contact(record.enrichment_id)).body).toMatchObject({
      feedback: null,
      credits_refunded: 0,
    });
    await e2e.api.untilFinished(String(slow.body.enrichment_id));
  });
});
