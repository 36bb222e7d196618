/**
 * Provider traffic control (README "Provider traffic control") against the provider simulator
 * (test/support/provider-simulator.ts): Hunter's email finder on 127.0.0.1, answering after a log-normal latency
 * (p50 1.5 s, p99 8 s) and refusing, as Hunter does (403), what goes over 20 requests in any rolling second:
 * twice the deployment's 10/s limit, the burst the limit allows in any one second.
 *
 * Two stacks, each on a table and simulator of its own, waterfall `hunter` then `sandbox-secondary`, the state
 * machine's own waits (a step waits for its rate-limit slot in WaitForProvider, a retry its real pause):
 * - today: no rate limit (RATE_LIMITS gives hunter 10,000/s, the setting's maximum; without it the catalog's
 *   documented 15/s would apply) and no results cache (RESULT_CACHE_DAYS=0);
 * - traffic control: RATE_LIMITS `{"hunter":{"perSecond":10}}`, the results cache at its defaults.
 * Each stack enriches `count` people (one type, email) all at once, then the same people again.
 */
import { ENV } from '../functions/config';
import type { WaterfallSettings } from '../functions/domain/enrichment/waterfall-settings';
import { providerVariable } from '../functions/providers/directory';
import { logNormalLatency, startProviderSimulator } from '../test/support/provider-simulator';
import { BenchStack } from './local';
import { HUNTER_PRICE } from './prices';
import { round, spread, type Spread } from './stats';

const HUNTER_FIRST: WaterfallSettings = {
  order: { email: ['hunter', 'sandbox-secondary'], phone: [], personal_email: [] },
  prices: {},
  verifier: null,
};

/** The limit traffic control is given. */
export const PROVIDER_PER_SECOND = 10;
/** What the simulated provider tolerates in any rolling second: the limit's documented burst. */
export const PROVIDER_REFUSES_ABOVE = 2 * PROVIDER_PER_SECOND;

export interface PassFigures {
  /** Requests the simulator refused for going over its rate. */
  refusals: number;
  providerCalls: number;
  callsPerEnrichment: number;
  /** The most requests the simulator received within any one second. */
  maxCallsInAnySecond: number;
  finishMs: Spread;
  /** Enrichments by where their email came from: a provider's name, `cache`, or `none`. */
  foundBy: Record<string, number>;
  /** Enrichments in which the circuit breaker skipped hunter. */
  breakerSkips: number;
  /** Hunter's steps traced `error`, by detail (what the adapter made of the simulator's refusals). */
  hunterErrors: Record<string, number>;
  /** Hunter's fees for this pass's finds, and those a cached Hunter find saved, at HUNTER_PRICE. */
  hunterFeesUsd: number;
  feesSavedUsd: number;
}

export interface TrafficRun {
  label: 'today' | 'traffic control';
  /** RATE_LIMITS for hunter (per second), and RESULT_CACHE_DAYS (null: unset, the default of 30 days). */
  perSecond: number;
  cacheDays: number | null;
  passes: PassFigures[];
}

interface Trace {
  results: { email?: { provider: string } | null } | null;
  waterfall: Array<{ provider: string; outcome: string; detail?: string }>;
}

async function run(
  dynamoEndpoint: string,
  label: TrafficRun['label'],
  count: number,
  environment: { perSecond: number; cacheDays: number | null },
): Promise<TrafficRun> {
  const simulator = await startProviderSimulator({
    maxPerSecond: PROVIDER_REFUSES_ABOVE,
    latencyMs: logNormalLatency(1500, 8000),
  });
  const bench = await BenchStack.start({
    dynamoEndpoint,
    waterfall: HUNTER_FIRST,
    environment: {
      [providerVariable('hunter', 'API_KEY')]: 'bench-key',
      [providerVariable('hunter', 'BASE_URL')]: simulator.baseUrl,
      [ENV.rateLimits]: JSON.stringify({ hunter: { perSecond: environment.perSecond } }),
      ...(environment.cacheDays === null ? {} : { [ENV.resultCacheDays]: String(environment.cacheDays) }),
    },
  }).catch(async (error: unknown) => {
    await simulator.stop();
    throw error;
  });
  const pass = async (): Promise<PassFigures> => {
    simulator.reset();
    const durations = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const { id, sentAt } = await bench.enrich({
          firstname: 'Jane',
          lastname: `Doe${i}`,
          domain: 'acme.com',
          enrichment_type: ['email'],
        });
        return { id, ms: (await bench.finished(id, 150_000)) - sentAt };
      }),
    );
    const traces = (await Promise.all(durations.map(({ id }) => bench.contact(id)))) as unknown as Trace[];
    const foundBy: Record<string, number> = {};
    const hunterErrors: Record<string, number> = {};
    let hunterFinds = 0;
    let cachedHunterFinds = 0;
    for (const trace of traces) {
      const cached = trace.waterfall.some((step) => step.provider === 'cache' && step.outcome === 'found');
      for (const step of trace.waterfall) {
        if (step.provider !== 'hunter' || step.outcome !== 'error') continue;
        const detail = step.detail ?? 'error';
        hunterErrors[detail] = (hunterErrors[detail] ?? 0) + 1;
      }
      const provider = trace.results?.email?.provider;
      const source = cached ? 'cache' : (provider ?? 'none');
      foundBy[source] = (foundBy[source] ?? 0) + 1;
      if (provider === 'hunter' && cached) cachedHunterFinds += 1;
      else if (provider === 'hunter') hunterFinds += 1;
    }
    return {
      refusals: simulator.throttled,
      providerCalls: simulator.arrivals.length,
      callsPerEnrichment: round(simulator.arrivals.length / count),
      maxCallsInAnySecond: simulator.maxInAnySecond(),
      finishMs: spread(durations.map((d) => d.ms)),
      foundBy,
      breakerSkips: traces.filter((t) => t.waterfall.some((step) => step.detail?.startsWith('skipped')))
        .length,
      hunterErrors,
      hunterFeesUsd: round(hunterFinds * HUNTER_PRICE.usdPerFind, 4),
      feesSavedUsd: round(cachedHunterFinds * HUNTER_PRICE.usdPerFind, 4),
    };
  };
  try {
    const passes = [await pass(), await pass()];
    return { label, ...environment, passes };
  } finally {
    await bench.stop();
    await simulator.stop();
  }
}

export async function measureTrafficControl(dynamoEndpoint: string, count: number): Promise<TrafficRun[]> {
  return [
    await run(dynamoEndpoint, 'today', count, { perSecond: 10_000, cacheDays: 0 }),
    await run(dynamoEndpoint, 'traffic control', count, { perSecond: PROVIDER_PER_SECOND, cacheDays: null }),
  ];
}
