/**
 * Credit prices: what a found result costs, and the worst case reserved at accept (CONTRACT.md "Credits").
 */
import type { EnrichmentType } from './enrichment-request';

export const DEFAULT_PRICES: Readonly<Record<EnrichmentType, number>> = {
  email: 1,
  phone: 10,
  personal_email: 3,
};

/** The price of one found result of `type` from one provider (per-provider prices override the default). */
export type PriceOf = (type: EnrichmentType, provider: string) => number;

/** The most a request can cost: for each type, the dearest provider that could answer it. */
export function worstCaseCost(
  types: readonly EnrichmentType[],
  providersFor: (type: EnrichmentType) => readonly string[],
  priceOf: PriceOf,
): number {
  return types.reduce((total, type) => {
    const prices = providersFor(type).map((provider) => priceOf(type, provider));
    return total + (prices.length ? Math.max(...prices) : 0);
  }, 0);
}
