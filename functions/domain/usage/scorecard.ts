/**
 * The provider scorecard (`npm run admin -- providers stats`): per provider and type, what the deployment's
 * calls found and cost over some days, read from the stats counters alone; and per type the order of the
 * configured providers that should cost least per find (README "Usage and the provider scorecard").
 *
 * Expected cost of an order: each provider is asked only when every one before it missed, so
 * `cost = Σ_i feePerCall_i × Π_{j<i} (1 − rate_j)`. Sorting by expected fee per find (`feePerCall / rate`)
 * minimises it. A provider billing per find has `feePerCall = price × rate`, so its fee per find is its price.
 */
import { ENRICHMENT_TYPES, type EnrichmentType } from '../enrichment/enrichment-request';
import {
  CACHE_PROVIDER,
  DURATION_BUCKETS_MS,
  OVERFLOW_BUCKET,
  STATS_COUNTERS,
  type Counters,
} from './counters';

/** A provider's list price for one type, in USD: per call made, or per find (charged only when found). */
export interface ProviderFee {
  usd: number;
  per: 'call' | 'find';
}

export type ProviderFees = Readonly<Record<string, Partial<Record<EnrichmentType, ProviderFee>>>>;

export interface ProviderTypeStats {
  calls: number;
  found: number;
  not_found: number;
  errors: number;
  skipped: number;
  /** found / (found + not_found); null before any answer. */
  find_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  credits_charged: number;
  /** From the catalog's price; null when the provider's fee is not known (the cache costs nothing). */
  estimated_fees_usd: number | null;
  fee_per_find_usd: number | null;
  bounces: number;
  /** bounces / found; null before any find. */
  bounce_rate: number | null;
}

export interface TypeRecommendation {
  configured_order: string[];
  recommended_order: string[];
  /** How much less the recommended order's expected cost is than the configured order's, in percent. */
  estimated_saving_pct: number;
}

export interface Scorecard {
  from: string;
  to: string;
  providers: Record<string, Partial<Record<EnrichmentType, ProviderTypeStats>>>;
  recommendations: Record<EnrichmentType, TypeRecommendation>;
}

const round = (value: number, digits: number) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** The upper bound of the bucket holding the `q` quantile of a histogram; the last bound for the overflow. */
export function quantileOf(histogram: Readonly<Record<string, number>>, q: number): number | null {
  const labels = [...DURATION_BUCKETS_MS.map(String), OVERFLOW_BUCKET];
  const total = labels.reduce((sum, label) => sum + (histogram[label] ?? 0), 0);
  if (!total) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const [index, label] of labels.entries()) {
    seen += histogram[label] ?? 0;
    if (seen >= rank) return DURATION_BUCKETS_MS[Math.min(index, DURATION_BUCKETS_MS.length - 1)]!;
  }
  return DURATION_BUCKETS_MS[DURATION_BUCKETS_MS.length - 1]!;
}

/** One provider's stats of one type, summed over its counter items. */
export function statsOf(
  items: readonly Counters[],
  type: EnrichmentType,
  fee: ProviderFee | undefined,
  isCache = false,
): ProviderTypeStats {
  const sum = (name: string) =>
    items.reduce((total, item) => total + (typeof item[name] === 'number' ? item[name] : 0), 0);
  const calls = sum(STATS_COUNTERS.of('calls', type));
  const found = sum(STATS_COUNTERS.of('found', type));
  const notFound = sum(STATS_COUNTERS.of('not_found', type));
  const bounces = sum(STATS_COUNTERS.bounces(type));
  const histogram = Object.fromEntries(
    [...DURATION_BUCKETS_MS.map(String), OVERFLOW_BUCKET].map((label) => [
      label,
      sum(STATS_COUNTERS.duration(type, label)),
    ]),
  );
  const fees = isCache ? 0 : fee ? (fee.per === 'find' ? found : calls) * fee.usd : null;
  return {
    calls,
    found,
    not_found: notFound,
    errors: sum(STATS_COUNTERS.of('errors', type)),
    skipped: sum(STATS_COUNTERS.of('skipped', type)),
    find_rate: found + notFound ? round(found / (found + notFound), 4) : null,
    p50_ms: quantileOf(histogram, 0.5),
    p95_ms: quantileOf(histogram, 0.95),
    credits_charged: sum(STATS_COUNTERS.of('credits', type)),
    estimated_fees_usd: fees === null ? null : round(fees, 6),
    fee_per_find_usd: fees === null || !found ? null : round(fees / found, 6),
    bounces,
    bounce_rate: found ? round(bounces / found, 4) : null,
  };
}

/** What ranking needs of a provider: its expected fee per call and its find rate, when both are known. */
export interface Measured {
  provider: string;
  feePerCall: number | null;
  rate: number | null;
}

export function feePerCallOf(fee: ProviderFee | undefined, rate: number | null): number | null {
  if (!fee) return null;
  if (fee.per === 'call') return fee.usd;
  return rate === null ? null : fee.usd * rate;
}

/** Expected fee per find; Infinity for a provider that never finds; null when it cannot be told. */
export function feePerFindOf(measured: Measured): number | null {
  if (measured.feePerCall === null || measured.rate === null) return null;
  return measured.rate > 0 ? measured.feePerCall / measured.rate : Infinity;
}

/**
 * Expected fee of asking the providers in this order: `Σ_i feePerCall_i × Π_{j<i} (1 − rate_j)`. A provider whose
 * fee or rate is not known counts as free and as never finding.
 */
export function expectedCost(order: readonly Measured[]): number {
  let reached = 1;
  let cost = 0;
  for (const { feePerCall, rate } of order) {
    cost += (feePerCall ?? 0) * reached;
    reached *= 1 - (feePerCall === null ? 0 : (rate ?? 0));
  }
  return cost;
}

/**
 * The configured providers sorted by expected fee per find (ties and providers that cannot be ranked keep their
 * configured order; those last), and the saving of its expected cost against the configured order's.
 */
export function recommend(configured: readonly Measured[]): TypeRecommendation {
  const ranked = configured
    .map((measured, index) => ({ measured, index, perFind: feePerFindOf(measured) }))
    .sort((a, b) => {
      if (a.perFind === null || b.perFind === null) {
        return a.perFind === b.perFind ? a.index - b.index : a.perFind === null ? 1 : -1;
      }
      return a.perFind === b.perFind ? a.index - b.index : a.perFind - b.perFind;
    })
    .map(({ measured }) => measured);
  const same = ranked.every((measured, index) => measured === configured[index]);
  const before = expectedCost(configured);
  const after = expectedCost(ranked);
  return {
    configured_order: configured.map((m) => m.provider),
    recommended_order: ranked.map((m) => m.provider),
    estimated_saving_pct: same || before <= 0 ? 0 : round((100 * (before - after)) / before, 1),
  };
}

/**
 * The whole scorecard: each provider's items (every day item and part of the range), the configured order of
 * each type, and the catalog's fees. The `cache` is scored like a provider (at no fee) but is never in an order.
 */
export function scorecard(input: {
  range: { from: string; to: string };
  items: ReadonlyMap<string, readonly Counters[]>;
  order: Readonly<Record<EnrichmentType, readonly string[]>>;
  fees: ProviderFees;
}): Scorecard {
  const providers: Scorecard['providers'] = {};
  const names = new Set<string>([
    ...ENRICHMENT_TYPES.flatMap((type) => input.order[type]),
    ...input.items.keys(),
  ]);
  for (const provider of names) {
    const items = input.items.get(provider) ?? [];
    for (const type of ENRICHMENT_TYPES) {
      const configured = input.order[type].includes(provider);
      const stats = statsOf(items, type, input.fees[provider]?.[type], provider === CACHE_PROVIDER);
      if (!configured && !stats.calls && !stats.skipped && !stats.bounces) continue;
      (providers[provider] ??= {})[type] = stats;
    }
  }
  const recommendations = Object.fromEntries(
    ENRICHMENT_TYPES.map((type) => [
      type,
      recommend(
        input.order[type].map((provider) => {
          const rate = providers[provider]?.[type]?.find_rate ?? null;
          return { provider, rate, feePerCall: feePerCallOf(input.fees[provider]?.[type], rate) };
        }),
      ),
    ]),
  ) as Record<EnrichmentType, TypeRecommendation>;
  return { from: input.range.from, to: input.range.to, providers, recommendations };
}
