/**
 * Credits, in one place: what a found result costs, the worst case reserved at accept, and the settlement at
 * finish (charge what was found, never more than reserved, release the rest). The adapters persist the numbers
 * computed here and nothing else (README "Credits").
 */
import type { Results } from './contact';
import type { EnrichmentType } from './enrichment-request';
import { providersOf, type WaterfallSettings } from './waterfall-settings';

/** The price of a found result of each type when the configuration names no per-provider price. */
export const DEFAULT_PRICES: Readonly<Record<EnrichmentType, number>> = {
  email: 1,
  phone: 10,
  personal_email: 3,
};

/** The `prices` entry that prices results reused from the cache. */
export const CACHE_PRICE_KEY = 'cache';

/** The deployment's price list: per-provider prices from the waterfall settings over the defaults. */
export class PriceList {
  constructor(private readonly settings: WaterfallSettings) {}

  /** The price of one found result of `type` from `provider`. */
  priceOf(type: EnrichmentType, provider: string): number {
    return this.settings.prices[provider]?.[type] ?? DEFAULT_PRICES[type];
  }

  /** The most a request can cost: for each type, the dearest provider that could answer it. */
  worstCase(types: readonly EnrichmentType[]): number {
    return types.reduce((total, type) => {
      const prices = providersOf(this.settings, type).map((provider) => this.priceOf(type, provider));
      return total + (prices.length ? Math.max(...prices) : 0);
    }, 0);
  }

  /**
   * What found results cost, each at the price of the provider that found it (phones: one price); a result reused
   * from the cache costs as its original find, unless `prices.cache` names a price for its type.
   */
  priceOfResults(results: Results): number {
    const price = (type: EnrichmentType, result: { provider: string; cached?: boolean }) =>
      (result.cached ? this.settings.prices[CACHE_PRICE_KEY]?.[type] : undefined) ??
      this.priceOf(type, result.provider);
    let total = 0;
    if (results.email) total += price('email', results.email);
    if (results.personal_email) total += price('personal_email', results.personal_email);
    const phone = results.phones?.[0];
    if (phone) total += price('phone', phone);
    return total;
  }
}

/** The money movements of one finish: the balance is charged, the whole reservation released. */
export interface Settlement {
  charged: number;
  released: number;
}

/** Charge what was found, but never more than was reserved: the reservation is the price the client agreed to. */
export function settle(reserved: number, found: number): Settlement {
  return { charged: Math.min(found, reserved), released: reserved };
}
