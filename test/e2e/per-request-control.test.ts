/**
 * Per-request control over HTTP against the local stack: the estimate (validated as its route, nothing written,
 * reserved, started or charged, and no provider called), `max_credits` below the worst case of three types (the
 * charge never above it, the skipped steps traced), `providers` and `accept_catch_all` with the sandbox's
 * `catchall` rule.
 */
import type { ContactView } from '../../functions/domain/enrichment/contact';
import type { Provider } from '../../functions/domain/provider';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import type { ApiClient } from '../support/http-client';

/** A provider double that finds every email and counts its calls. */
const counting = {
  calls: 0,
  provider: {
    name: 'counting',
    types: ['email', 'phone', 'personal_email'],
    async find(contact) {
      counting.calls += 1;
      return {
        kind: 'email',
        email: `${contact.firstname}.${contact.lastname}@acme.com`.toLowerCase(),
        verdict: 'valid',
      };
    },
  } satisfies Provider,
};

describe('Local stack: per-request control over HTTP', () => {
  let e2e: E2eStack;
  let api: ApiClient;

  beforeAll(async () => {
    // The primary costs 4 a find of any type, the secondary 1; `counting` asks nothing of the sandbox.
    e2e = await startE2eStack(
      'control',
      { credits: 100, personalEmailConsent: true },
      {
        waterfall: {
          order: {
            email: ['sandbox-primary', 'sandbox-secondary', 'counting'],
            phone: ['sandbox-primary', 'sandbox-secondary'],
            personal_email: ['sandbox-primary', 'sandbox-secondary'],
          },
          prices: {
            'sandbox-primary': { email: 4, phone: 4, personal_email: 4 },
            'sandbox-secondary': { email: 1, phone: 1, personal_email: 1 },
            counting: { email: 2 },
          },
          verifier: null,
        },
        extraProviders: { counting: counting.provider },
      },
    );
    api = e2e.api;
  });

  afterAll(() => e2e.stop());

  const person = {
    firstname: 'Jane',
    lastname: 'Doe',
    domain: 'acme.com',
    linkedin_url: 'linkedin.com/in/jane-doe',
  };

  it('estimates a single and a bulk body without writing, reserving, starting or calling anything', async () => {
    // Prepare
    const ledgerBefore = await api.ledger();

    // Act
    const single = await api.request('POST', '/contacts/enrich/estimate', {
      body: { ...person, enrichment_type: ['email', 'phone'], max_credits: 6 },
    });
    const bulk = await api.request('POST', '/contacts/enrich/estimate', {
      body: {
        contacts: [
          { ...person, enrichment_type: ['email'], providers: { email: ['counting'] } },
          { ...person, enrichment_type: ['personal_email'] },
        ],
        webhook_url: 'https://hooks.example.com/ignored',
      },
    });
    const refused = await api.request('POST', '/contacts/enrich/estimate', {
      body: { ...person, enrichment_type: ['email'], providers: { email: ['hunter'] } },
    });

    // Assess
    expect(single.status).toBe(200);
    expect(single.body).toEqual({
      worst_case_credits: 6,
      available: 100,
      sufficient: true,
      contacts: [
        {
          worst_case_credits: 6,
          types: {
            email: { worst_case_credits: 4, providers: ['sandbox-primary', 'sandbox-secondary', 'counting'] },
            phone: { worst_case_credits: 4, providers: ['sandbox-primary', 'sandbox-secondary'] },
          },
        },
      ],
    });
    expect(bulk.body).toMatchObject({
      worst_case_credits: 6,
      contacts: [
        { worst_case_credits: 2, types: { email: { providers: ['counting'] } } },
        { worst_case_credits: 4 },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ errors: [{ path: 'providers.email[0]' }] });
    expect(counting.calls).toBe(0);
    expect((await api.credits()).body).toEqual({ balance: 100, reserved: 0, available: 100 });
    expect((await api.ledger()).body.entries).toEqual(ledgerBefore.body.entries);
  });

  it('takes each body up to the size of the route it mirrors: 16 KiB single, more in bulk', async () => {
    // Prepare: about 20 KiB of names, over the single route's limit, well under the bulk route's.
    const contacts = Array.from({ length: 60 }, (_, i) => ({
      ...person,
      lastname: `Doe${'x'.repeat(90)}${i}`.slice(0, 100),
      company_name: 'y'.repeat(200),
      enrichment_type: ['email'],
    }));
    const single = { ...person, enrichment_type: ['email'], custom: { pad: 'z'.repeat(17_000) } };

    // Act
    const tooLarge = await api.request('POST', '/contacts/enrich/estimate', { body: single });
    const bulk = await api.request('POST', '/contacts/enrich/estimate', { body: { contacts } });

    // Assess
    expect(tooLarge.status).toBe(413);
    expect(bulk.status).toBe(200);
    expect(JSON.stringify({ contacts }).length).toBeGreaterThan(16 * 1024);
  });

  it('never charges three types more than their max_credits, tracing the providers that did not fit', async () => {
    // Act: worst case 12 (three types at 4), capped at 6.
    const accepted = await api.enrich({
      ...person,
      enrichment_type: ['email', 'phone', 'personal_email'],
      max_credits: 6,
    });
    const { finished } = await api.untilFinished(String(accepted.body.enrichment_id));
    const record = finished.body as unknown as ContactView;
    const ledger = await api.ledger({ limit: 10 });

    // Assess
    expect(record.max_credits).toBe(6);
    expect(record.credits_used).toBeLessThanOrEqual(6);
    expect(
      record.waterfall.filter((step) => step.detail === 'skipped: over max_credits').length,
    ).toBeGreaterThan(0);
    const mine = ledger.body.entries.filter((entry) => entry.enrichment_id === accepted.body.enrichment_id);
    expect(mine.map((entry) => [entry.kind, entry.balance_delta, entry.reserved_delta]).sort()).toEqual(
      [
        ['charge', -record.credits_used, 0],
        ['release', 0, -6],
        ['reserve', 0, 6],
      ].sort(),
    );
    if (process.env.CONTROL_REPORT) {
      process.stdout.write(
        `${JSON.stringify({ trace: record.waterfall, credits_used: record.credits_used, ledger: mine }, null, 1)}\n`,
      );
    }
  });

  it("asks the request's own providers, and refuses catch-alls when told to (sandbox catchall rule)", async () => {
    // Act
    const chosen = await api.enrich({
      ...person,
      enrichment_type: ['email'],
      providers: { email: ['sandbox-secondary'] },
    });
    const catchAll = await api.enrich({
      ...person,
      lastname: 'Catchall',
      enrichment_type: ['email'],
      accept_catch_all: false,
    });
    const chosenRecord = (await api.untilFinished(String(chosen.body.enrichment_id))).finished
      .body as unknown as ContactView;
    const catchAllRecord = (await api.untilFinished(String(catchAll.body.enrichment_id))).finished
      .body as unknown as ContactView;

    // Assess
    expect(chosenRecord.waterfall.map((step) => step.provider)).toEqual(['sandbox-secondary']);
    expect(chosenRecord.providers).toEqual({ email: ['sandbox-secondary'] });
    expect(catchAllRecord.waterfall.map((step) => [step.provider, step.outcome, step.detail])).toEqual([
      ['sandbox-primary', 'rejected', 'catch_all not accepted'],
      ['sandbox-secondary', 'found', null],
    ]);
    expect(catchAllRecord.credits_used).toBe(1);
  });
});
