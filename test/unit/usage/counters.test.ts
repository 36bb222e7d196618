/**
 * The counters a first finish adds, as a specification: the account's usage of the day (by type and by the
 * provider whose result was kept, `cache` for a reused one) and each provider's stats from the trace.
 */
import type { ContactRecord, WaterfallStep } from '../../../functions/domain/enrichment/contact';
import {
  bucketOf,
  providerStatsCounters,
  statsPartOf,
  STATS_PARTS,
  usageCounters,
  utcDay,
} from '../../../functions/domain/usage/counters';

const step = (overrides: Partial<WaterfallStep>): WaterfallStep => ({
  type: 'email',
  provider: 'hunter',
  outcome: 'not_found',
  duration_ms: 120,
  detail: null,
  ...overrides,
});

const record: Pick<ContactRecord, 'enrichment_type' | 'results' | 'waterfall'> = {
  enrichment_type: ['email', 'phone', 'personal_email'],
  results: {
    email: { value: 'jane@acme.com', status: 'valid', provider: 'prospeo' },
    phones: [{ number: '+33612345678', country: 'FR', type: 'mobile', provider: 'hunter', cached: true }],
    personal_email: null,
  },
  waterfall: [
    step({ provider: 'hunter', outcome: 'not_found', duration_ms: 40 }),
    step({ provider: 'prospeo', outcome: 'found', duration_ms: 700 }),
    step({ type: 'phone', provider: 'cache', outcome: 'found', duration_ms: 0 }),
    step({ type: 'personal_email', provider: 'lusha', outcome: 'error', detail: 'skipped: circuit open' }),
    step({
      type: 'personal_email',
      provider: 'prospeo',
      outcome: 'error',
      detail: 'HTTP 500',
      duration_ms: 30_000,
    }),
    step({ type: 'personal_email', provider: 'hunter', outcome: 'rejected', detail: 'invalid email syntax' }),
    step({ type: 'personal_email', provider: 'workflow', outcome: 'error', detail: 'stopped: …' }),
  ],
};

describe('Function: usageCounters', () => {
  it('counts the enrichment, each requested type, and each find under the provider whose result was kept', () => {
    // Act
    const counters = usageCounters(record, { email: 1, phone: 10 });

    // Assess
    expect(counters).toEqual({
      enrichments: 1,
      credits_charged: 11,
      'requested#email': 1,
      'requested#phone': 1,
      'requested#personal_email': 1,
      'found#email': 1,
      'found#email#prospeo': 1,
      'credits#email': 1,
      'credits#email#prospeo': 1,
      'found#phone': 1,
      'found#phone#cache': 1,
      'credits#phone': 10,
      'credits#phone#cache': 10,
    });
  });

  it('counts a find charged nothing (max_credits spent) as found for no credits', () => {
    // Act
    const counters = usageCounters(record, { email: 1 });

    // Assess
    expect(counters).toMatchObject({ credits_charged: 1, 'found#phone': 1, 'credits#phone': 0 });
  });

  it('counts an enrichment that found nothing', () => {
    // Act
    const counters = usageCounters({ enrichment_type: ['email'], results: { email: null } }, {});

    // Assess
    expect(counters).toEqual({ enrichments: 1, credits_charged: 0, 'requested#email': 1 });
  });
});

describe('Function: providerStatsCounters', () => {
  it('counts calls, outcomes, skips, durations and credits per provider, and leaves out steps that asked nobody', () => {
    // Act
    const counters = Object.fromEntries(providerStatsCounters(record, { email: 1, phone: 10 }));

    // Assess
    expect(counters).toEqual({
      hunter: {
        'calls#email': 1,
        'not_found#email': 1,
        'ms#email#50': 1,
        'calls#personal_email': 1,
        'not_found#personal_email': 1,
        'ms#personal_email#250': 1,
      },
      prospeo: {
        'calls#email': 1,
        'found#email': 1,
        'ms#email#1000': 1,
        'credits#email': 1,
        'calls#personal_email': 1,
        'errors#personal_email': 1,
        'ms#personal_email#inf': 1,
      },
      cache: { 'calls#phone': 1, 'found#phone': 1, 'ms#phone#50': 1, 'credits#phone': 10 },
      lusha: { 'skipped#personal_email': 1 },
    });
  });

  it('puts each duration in the bucket of its upper bound', () => {
    // Assess
    expect([0, 50, 51, 20_000, 20_001].map(bucketOf)).toEqual(['50', '50', '100', '20000', 'inf']);
  });

  it('spreads finishes over the parts of a day, each enrichment always to the same part', () => {
    // Prepare
    const ids = Array.from({ length: 400 }, (_, i) => `01KB${String(i).padStart(22, '0')}`);

    // Act
    const parts = new Set(ids.map(statsPartOf));

    // Assess
    expect(parts.size).toBe(STATS_PARTS);
    expect(statsPartOf(ids[7]!)).toBe(statsPartOf(ids[7]!));
  });

  it('reads the UTC day of a time', () => {
    // Assess
    expect(utcDay('2026-12-06T23:59:59.999Z')).toBe('2026-12-06');
    expect(utcDay('2026-12-07T00:30:00.000+01:00')).toBe('2026-12-06');
  });
});
