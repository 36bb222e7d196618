/**
 * `npm run admin -- providers stats [--days 7]`: the provider scorecard of the last days (today included), read
 * from the stats counters alone: one Query per configured provider and one for the cache, however many
 * enrichments finished.
 */
import type { Clock } from '../domain/clock';
import { ENRICHMENT_TYPES } from '../domain/enrichment/enrichment-request';
import type { WaterfallSettings } from '../domain/enrichment/waterfall-settings';
import type { ProviderStatsReader } from '../domain/ports/usage';
import { MAX_USAGE_DAYS } from '../domain/usage/account-usage';
import { CACHE_PROVIDER, utcDay, type Counters } from '../domain/usage/counters';
import { scorecard, type ProviderFees, type Scorecard } from '../domain/usage/scorecard';

export const DEFAULT_STATS_DAYS = 7;
export const MAX_STATS_DAYS = MAX_USAGE_DAYS;

export class ProviderScorecard {
  constructor(
    private readonly deps: {
      stats: ProviderStatsReader;
      waterfall: WaterfallSettings;
      fees: ProviderFees;
      clock: Clock;
    },
  ) {}

  async read(days: number): Promise<Scorecard> {
    const { stats, waterfall, fees, clock } = this.deps;
    const now = clock.now();
    const range = { from: utcDay(new Date(now.getTime() - (days - 1) * 86_400_000)), to: utcDay(now) };
    const providers = [
      ...new Set([...ENRICHMENT_TYPES.flatMap((type) => waterfall.order[type]), CACHE_PROVIDER]),
    ];
    const items = new Map<string, Counters[]>(
      await Promise.all(
        providers.map(async (provider) => [provider, await stats.statsOf(provider, range)] as const),
      ),
    );
    return scorecard({ range, items, order: waterfall.order, fees });
  }
}
