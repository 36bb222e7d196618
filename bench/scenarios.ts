/**
 * The enrichments the benchmarks run, and the local stack each one runs on. Providers answer instantly, so
 * every millisecond measured is the product's own: API, validation, DynamoDB, the state machine, Lambda
 * handler code.
 *
 *  (a) one type, found at the first provider: email, sandbox-primary hits;
 *  (b) three types, two misses each: two bench providers answer not_found at once, then sandbox-primary hits.
 */
import { DynamoAccountAdminStore } from '../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../functions/admin/accounts';
import type { WaterfallSettings } from '../functions/domain/waterfall-settings';
import { systemClock } from '../functions/domain/clock';
import type { Provider } from '../functions/providers/provider';
import { startLocalStack, type LocalStack } from '../local/stack';
import { ApiClient } from '../test/support/http-client';
import { ProductProbe } from './product-probe';
import { since } from './stats';

const ALL_TYPES = ['email', 'phone', 'personal_email'] as const;

function instantMiss(name: string): Provider {
  return { name, types: ALL_TYPES, find: async () => ({ kind: 'not_found', detail: 'bench: instant miss' }) };
}

export const MISS_PROVIDERS: Record<string, Provider> = {
  'bench-miss-1': instantMiss('bench-miss-1'),
  'bench-miss-2': instantMiss('bench-miss-2'),
};

export interface Scenario {
  id: 'a' | 'b';
  title: string;
  waterfall: WaterfallSettings;
  body: Record<string, unknown>;
  /** Provider steps the waterfall must take (one Lambda invocation each). */
  providerSteps: number;
}

export const ONE_TYPE_FIRST_HIT: Scenario = {
  id: 'a',
  title: 'one type (email), found at the first provider',
  waterfall: {
    order: { email: ['sandbox-primary'], phone: ['sandbox-primary'], personal_email: ['sandbox-primary'] },
    prices: {},
    verifier: null,
  },
  body: { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] },
  providerSteps: 1,
};

const TWO_MISSES_THEN_HIT = ['bench-miss-1', 'bench-miss-2', 'sandbox-primary'];

export const THREE_TYPES_TWO_MISSES: Scenario = {
  id: 'b',
  title: 'three types, two instant misses each, then a hit',
  waterfall: {
    order: { email: TWO_MISSES_THEN_HIT, phone: TWO_MISSES_THEN_HIT, personal_email: TWO_MISSES_THEN_HIT },
    prices: {},
    verifier: null,
  },
  body: {
    firstname: 'Jane',
    lastname: 'Doe',
    domain: 'acme.com',
    linkedin_url: 'https://www.linkedin.com/in/jane-doe',
    enrichment_type: ['email', 'phone', 'personal_email'],
  },
  providerSteps: 9,
};

export const SCENARIOS = [ONE_TYPE_FIRST_HIT, THREE_TYPES_TWO_MISSES];

export interface BenchStack {
  stack: LocalStack;
  probe: ProductProbe;
  api: ApiClient;
  accountId: string;
  apiKey: string;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  dynamoEndpoint: string;
  tableName: string;
  waterfall: WaterfallSettings;
  extraProviders?: Record<string, Provider>;
  credits?: number;
}

/** A local stack on an already running DynamoDB Local, with one account that can afford the whole run. */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const stack = await startLocalStack({
    port: 0,
    dynamoEndpoint: options.dynamoEndpoint,
    tableName: options.tableName,
    waterfall: options.waterfall,
    extraProviders: { ...MISS_PROVIDERS, ...options.extraProviders },
    // Instant providers never wait; a failed webhook attempt should not hold the run either.
    fastWaitsMs: 1,
    webhookRetrySchedule: [0.1, 0.1],
    authorizerCacheSeconds: 60,
  });
  const db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
  try {
    const admin = new AccountAdministration(new DynamoAccountAdminStore(db, stack.tableName), systemClock);
    const account = await admin.create({
      name: 'Bench',
      credits: options.credits ?? 10_000_000,
      personalEmailConsent: true,
      phoneCountryCodes: null,
    });
    return {
      stack,
      probe: new ProductProbe(stack),
      api: new ApiClient(stack.apiUrl, account.api_key),
      accountId: account.account_id,
      apiKey: account.api_key,
      stop: () => stack.stop(),
    };
  } catch (error) {
    await stack.stop();
    throw error;
  } finally {
    db.destroy();
  }
}

export interface EnrichmentTiming {
  id: string;
  /** POST sent → 202 received (ms). */
  acceptMs: number;
  /** POST sent → record-result wrote `finished` (ms). */
  finishMs: number;
}

/** Runs enrichments one after another, so each latency is the product's alone, not a queue's. */
export async function runOneByOne(
  bench: BenchStack,
  body: Record<string, unknown>,
  count: number,
): Promise<EnrichmentTiming[]> {
  const timings: EnrichmentTiming[] = [];
  for (let i = 0; i < count; i++) {
    const sent = performance.now();
    const answer = await bench.api.enrich(body);
    const acceptMs = since(sent);
    if (answer.status !== 202) throw new Error(`POST answered ${answer.status}: ${answer.text}`);
    const id = String(answer.body.enrichment_id);
    const finishedAt = await bench.probe.finished(id, 30_000);
    timings.push({ id, acceptMs, finishMs: finishedAt - sent });
  }
  return timings;
}
