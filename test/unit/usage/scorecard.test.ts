/**
 * The provider scorecard's arithmetic: rates, fees and latency quantiles from counters, the recommended order by
 * expected fee per find, and its saving, with the README's worked example.
 */
import type { Counters } from '../../../functions/domain/usage/counters';
import {
  expectedCost,
  quantileOf,
  recommend,
  scorecard,
  statsOf,
} from '../../../functions/domain/usage/scorecard';

const RANGE = { from: '2026-12-01', to: '2026-12-07' };
const NO_ORDER = { email: [], phone: [], personal_email: [] };

/** `found` finds and `missed` misses of email, over `parts` items as the parts of a day hold them. */
function emailItems(found: number, missed: number, extra: Counters = {}): Counters[] {
  return [
    { 'calls#email': found, 'found#email': found, 'ms#email#250': found },
    { 'calls#email': missed, 'not_found#email': missed, 'ms#email#1000': missed, ...extra },
  ];
}

describe('Function: statsOf', () => {
  it('sums the parts of the days into counts, a find rate, fees and fee per find', () => {
    // Act
    const stats = statsOf(
      [
        ...emailItems(30, 10),
        { 'bounces#email': 3 },
        { 'skipped#email': 2, 'calls#email': 1, 'errors#email': 1 },
      ],
      'email',
      { usd: 0.01, per: 'call' },
    );

    // Assess
    expect(stats).toEqual({
      calls: 41,
      found: 30,
      not_found: 10,
      errors: 1,
      skipped: 2,
      find_rate: 0.75,
      p50_ms: 250,
      p95_ms: 1000,
      credits_charged: 0,
      estimated_fees_usd: 0.41,
      fee_per_find_usd: 0.013667,
      bounces: 3,
      bounce_rate: 0.1,
    });
  });

  it('says null where nothing can be told: no answers, no fee known', () => {
    // Act
    const stats = statsOf([{ 'skipped#email': 4 }], 'email', undefined);

    // Assess
    expect(stats).toMatchObject({
      calls: 0,
      find_rate: null,
      p50_ms: null,
      p95_ms: null,
      estimated_fees_usd: null,
      fee_per_find_usd: null,
      bounce_rate: null,
    });
  });

  it('charges a per-find price on finds only, and the cache nothing', () => {
    // Assess
    expect(statsOf(emailItems(4, 6), 'email', { usd: 0.5, per: 'find' }).estimated_fees_usd).toBe(2);
    expect(statsOf(emailItems(4, 6), 'email', undefined, true).estimated_fees_usd).toBe(0);
  });
});

describe('Function: quantileOf', () => {
  it('answers the upper bound of the bucket holding the quantile, the last bound for the overflow', () => {
    // Assess
    expect(quantileOf({ '50': 50, '100': 45, '5000': 5 }, 0.5)).toBe(50);
    expect(quantileOf({ '50': 50, '100': 45, '5000': 5 }, 0.95)).toBe(100);
    expect(quantileOf({ '50': 50, '100': 44, '5000': 6 }, 0.95)).toBe(5000);
    expect(quantileOf({ inf: 1 }, 0.5)).toBe(20_000);
    expect(quantileOf({}, 0.5)).toBeNull();
  });
});

describe('Function: recommend', () => {
  it('orders by expected fee per find and says what it saves (README worked example)', () => {
    // Prepare: b bills $0.03 per find and finds 80%; a bills $0.01 per call and finds 50%.
    const b = { provider: 'b', feePerCall: 0.03 * 0.8, rate: 0.8 };
    const a = { provider: 'a', feePerCall: 0.01, rate: 0.5 };

    // Act
    const recommendation = recommend([b, a]);

    // Assess: [b, a] costs 0.024 + 0.2 × 0.01 = 0.026; [a, b] 0.01 + 0.5 × 0.024 = 0.022.
    expect(expectedCost([b, a])).toBeCloseTo(0.026, 10);
    expect(expectedCost([a, b])).toBeCloseTo(0.022, 10);
    expect(recommendation).toEqual({
      configured_order: ['b', 'a'],
      recommended_order: ['a', 'b'],
      estimated_saving_pct: 15.4,
    });
  });

  it('saves 0 when the configured order is already the best', () => {
    // Act
    const recommendation = recommend([
      { provider: 'a', feePerCall: 0.01, rate: 0.5 },
      { provider: 'b', feePerCall: 0.024, rate: 0.8 },
    ]);

    // Assess
    expect(recommendation.recommended_order).toEqual(['a', 'b']);
    expect(recommendation.estimated_saving_pct).toBe(0);
  });

  it('puts providers that cannot be ranked last, in their configured order, and one that never finds after the rest', () => {
    // Act
    const recommendation = recommend([
      { provider: 'unpriced', feePerCall: null, rate: 0.9 },
      { provider: 'unmeasured', feePerCall: null, rate: null },
      { provider: 'never', feePerCall: 0.001, rate: 0 },
      { provider: 'good', feePerCall: 0.01, rate: 0.5 },
    ]);

    // Assess
    expect(recommendation.recommended_order).toEqual(['good', 'never', 'unpriced', 'unmeasured']);
  });
});

describe('Function: scorecard', () => {
  it('scores each provider and type from its items, and recommends per type from the measured rates', () => {
    // Prepare
    const items = new Map<string, Counters[]>([
      ['b', emailItems(80, 20)],
      ['a', emailItems(50, 50)],
      ['cache', [{ 'calls#email': 5, 'found#email': 5, 'credits#email': 5 }]],
    ]);

    // Act
    const card = scorecard({
      range: RANGE,
      items,
      order: { ...NO_ORDER, email: ['b', 'a'] },
      fees: { a: { email: { usd: 0.01, per: 'call' } }, b: { email: { usd: 0.03, per: 'find' } } },
    });

    // Assess
    expect(card.providers.a?.email).toMatchObject({ calls: 100, find_rate: 0.5, fee_per_find_usd: 0.02 });
    expect(card.providers.b?.email).toMatchObject({ calls: 100, find_rate: 0.8, fee_per_find_usd: 0.03 });
    expect(card.providers.cache?.email).toMatchObject({
      found: 5,
      estimated_fees_usd: 0,
      credits_charged: 5,
    });
    expect(card.providers.a?.phone).toBeUndefined();
    expect(card.recommendations.email).toEqual({
      configured_order: ['b', 'a'],
      recommended_order: ['a', 'b'],
      estimated_saving_pct: 15.4,
    });
    expect(card.recommendations.phone.recommended_order).toEqual([]);
  });
});
