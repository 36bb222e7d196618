/**
 * What one first finish adds to the counters (README "Usage and the provider scorecard"): the account's usage of
 * the UTC day it finished, and each provider's deployment-wide stats of that day, from the record's waterfall
 * trace. The adapters only ADD the numbers computed here.
 */
import type { Charges } from '../credits/credits';
import { resultKeyOf, type ContactRecord, type Results, type WaterfallStep } from '../enrichment/contact';
import { ENRICHMENT_TYPES, type EnrichmentType } from '../enrichment/enrichment-request';
import { CACHE_STEP } from '../enrichment/result-cache';

/** Counter name → amount to add. Names are attribute names of the counter items (`found#email#hunter`). */
export type Counters = Record<string, number>;

/** The provider a result is counted under: `cache` for a result reused from the results cache. */
export const CACHE_PROVIDER = CACHE_STEP;

/** The UTC day (`YYYY-MM-DD`) of an ISO 8601 time. */
export function utcDay(at: string | Date): string {
  return (typeof at === 'string' ? new Date(at) : at).toISOString().slice(0, 10);
}

/** Names of the usage counters, so the writer and the reader cannot disagree. */
export const USAGE_COUNTERS = {
  enrichments: 'enrichments',
  creditsCharged: 'credits_charged',
  /** Added by a refund (the feedback use case), on the usage item of the refund's UTC day. */
  creditsRefunded: 'credits_refunded',
  requested: (type: EnrichmentType) => `requested#${type}`,
  found: (type: EnrichmentType, provider?: string) => `found#${type}${provider ? `#${provider}` : ''}`,
  credits: (type: EnrichmentType, provider?: string) => `credits#${type}${provider ? `#${provider}` : ''}`,
} as const;

/** The provider whose result a type kept, `cache` when it was reused; undefined when nothing was found. */
export function providerOfResult(results: Results | null, type: EnrichmentType): string | undefined {
  const value = results?.[resultKeyOf(type)];
  const result = Array.isArray(value) ? value[0] : value;
  if (!result) return undefined;
  return result.cached ? CACHE_PROVIDER : result.provider;
}

/**
 * The usage one finished enrichment adds to its account's day: one enrichment, what it was charged, and per
 * requested type whether it was found, by whom, and for how much (`charges`, each type's share of the charge).
 */
export function usageCounters(
  record: Pick<ContactRecord, 'enrichment_type' | 'results'>,
  charges: Charges,
): Counters {
  const counters: Counters = { [USAGE_COUNTERS.enrichments]: 1 };
  let charged = 0;
  for (const type of record.enrichment_type) {
    counters[USAGE_COUNTERS.requested(type)] = 1;
    const provider = providerOfResult(record.results, type);
    if (provider === undefined) continue;
    const credits = charges[type] ?? 0;
    charged += credits;
    counters[USAGE_COUNTERS.found(type)] = 1;
    counters[USAGE_COUNTERS.found(type, provider)] = 1;
    counters[USAGE_COUNTERS.credits(type)] = credits;
    counters[USAGE_COUNTERS.credits(type, provider)] = credits;
  }
  counters[USAGE_COUNTERS.creditsCharged] = charged;
  return counters;
}

// Provider stats ---------------------------------------------------------------------------------------------

/**
 * Upper bounds (ms, inclusive) of the call-duration histogram's buckets; a call slower than the last falls in the
 * overflow bucket `inf`. Declared once: the writer counts into them, the scorecard reads p50/p95 from them.
 */
export const DURATION_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 20_000] as const;
export const OVERFLOW_BUCKET = 'inf';

/** The bucket label of a duration: its upper bound, or `inf`. */
export function bucketOf(durationMs: number): string {
  const bound = DURATION_BUCKETS_MS.find((upper) => durationMs <= upper);
  return bound === undefined ? OVERFLOW_BUCKET : String(bound);
}

export const STATS_OUTCOMES = ['calls', 'found', 'not_found', 'errors', 'skipped', 'credits'] as const;
export type StatsCounter = (typeof STATS_OUTCOMES)[number];

/** Names of a provider's stats counters (attribute names of its day items). */
export const STATS_COUNTERS = {
  of: (counter: StatsCounter, type: EnrichmentType) => `${counter}#${type}`,
  duration: (type: EnrichmentType, bucket: string) => `ms#${type}#${bucket}`,
  /** Added by feedback (a bounced email, a wrong number), on the provider's unsharded item of the find's day. */
  bounces: (type: EnrichmentType) => `bounces#${type}`,
} as const;

/** Trace steps that asked no provider: they are nobody's stats. */
const NOT_PROVIDERS = new Set(['workflow', 'suppression-list']);

/** A step that called nobody: no API key, type not offered, circuit open, over max_credits… */
export function isSkip(step: Pick<WaterfallStep, 'outcome' | 'detail'>): boolean {
  return step.outcome === 'error' && (step.detail ?? '').startsWith('skipped:');
}

/**
 * What one finished enrichment adds to each provider's stats of the day: per type, the calls (a skip is not a
 * call), their outcomes (`rejected`, an answer that could not be used, counts as not found), their durations,
 * and the credits the type was charged when this provider's result was kept. The cache counts as a provider of
 * its own (`cache`); its calls cost nothing.
 */
export function providerStatsCounters(
  record: Pick<ContactRecord, 'waterfall' | 'results' | 'enrichment_type'>,
  charges: Charges,
): Map<string, Counters> {
  const byProvider = new Map<string, Counters>();
  const add = (provider: string, name: string, amount: number) => {
    const counters = byProvider.get(provider) ?? {};
    counters[name] = (counters[name] ?? 0) + amount;
    byProvider.set(provider, counters);
  };
  for (const step of record.waterfall) {
    if (NOT_PROVIDERS.has(step.provider)) continue;
    const type = step.type;
    if (isSkip(step)) {
      add(step.provider, STATS_COUNTERS.of('skipped', type), 1);
      continue;
    }
    add(step.provider, STATS_COUNTERS.of('calls', type), 1);
    const outcome: StatsCounter =
      step.outcome === 'found' ? 'found' : step.outcome === 'error' ? 'errors' : 'not_found';
    add(step.provider, STATS_COUNTERS.of(outcome, type), 1);
    add(step.provider, STATS_COUNTERS.duration(type, bucketOf(step.duration_ms)), 1);
  }
  for (const type of ENRICHMENT_TYPES) {
    const provider = providerOfResult(record.results, type);
    const credits = charges[type];
    if (provider !== undefined && credits) add(provider, STATS_COUNTERS.of('credits', type), credits);
  }
  return byProvider;
}

/** How many parts a provider's day of stats is written in: each finish adds to one, chosen by its id. */
export const STATS_PARTS = 8;

/** The part of a provider's day an enrichment's finish adds to: stable, so it is spread and reproducible. */
export function statsPartOf(enrichmentId: string): string {
  let hash = 0;
  for (const char of enrichmentId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return String(hash % STATS_PARTS);
}
