/**
 * Usage and the provider scorecard read from counters (README "Usage and the provider scorecard"): GET
 * /account/usage over HTTP of the local stack, and the `providers stats` read, at a small and a large number of
 * finished enrichments. The finishes are seeded cheaply (each accepted with its waterfall already walked) but
 * through the real accept and finish stores, so the counters are the ones a finish writes; spread over the last
 * 30 days. Goal: the same number of DynamoDB commands for each read at both sizes.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAcceptStore } from '../functions/adapters/dynamodb/accept-store';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { DynamoFinishStore } from '../functions/adapters/dynamodb/finish-store';
import { DynamoProviderStats, DynamoUsage } from '../functions/adapters/dynamodb/usage-store';
import { ProviderScorecard } from '../functions/admin/provider-stats';
import { PriceList } from '../functions/domain/credits/credits';
import type { ContactRecord, Results, WaterfallStep } from '../functions/domain/enrichment/contact';
import { FinishEnrichment } from '../functions/domain/enrichment/finish-enrichment';
import { SANDBOX_WATERFALL } from '../functions/domain/enrichment/waterfall-settings';
import { newId } from '../functions/domain/ids';
import { ReadAccountUsage } from '../functions/domain/usage/account-usage';
import { providerFees } from '../functions/providers/directory';
import { contactRecord } from '../test/unit/fakes';
import { BenchStack } from './local';
import { round, spread, since, type Spread } from './stats';

export interface ReadFigures {
  ms: Spread;
  /** DynamoDB commands of one read, by name. */
  commands: Record<string, number>;
  readUnits: number;
}

export interface UsageSize {
  finished: number;
  /** GET /account/usage (default range: 30 days) over HTTP; its commands and units from the same read in-process. */
  usage: ReadFigures;
  /** `providers stats --days 30`. */
  scorecard: ReadFigures;
  seedSeconds: number;
}

export interface UsageFigures {
  sizes: UsageSize[];
  /** Every size read with the same commands, for both reads. */
  sameReads: boolean;
}

const DAYS = 30;
const READS = 30;
const SEED_CONCURRENCY = 8;

/** A document client that tells each command's name and consumed read units to `into`. */
function counted(db: DynamoDBDocumentClient, into: { commands: Record<string, number>; units: number }) {
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      into.commands[name] = (into.commands[name] ?? 0) + 1;
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      into.units += consumed?.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'usageBenchCounter' },
  );
}

/** The i-th seeded enrichment: email and phone; found by the primary, the secondary, the cache or nobody. */
function walked(accountId: string, i: number, createdAt: string, prices: PriceList): ContactRecord {
  const step = (type: WaterfallStep['type'], provider: string, outcome: WaterfallStep['outcome']) => ({
    type,
    provider,
    outcome,
    duration_ms: 50 + (i % 7) * 60,
    detail: null,
  });
  const found: Results = {};
  const waterfall: WaterfallStep[] = [];
  switch (i % 4) {
    case 0:
      waterfall.push(step('email', 'sandbox-primary', 'found'));
      found.email = { value: 'jane@acme.com', status: 'valid', provider: 'sandbox-primary' };
      break;
    case 1:
      waterfall.push(
        step('email', 'sandbox-primary', 'not_found'),
        step('email', 'sandbox-secondary', 'found'),
      );
      found.email = { value: 'jane@acme.com', status: 'valid', provider: 'sandbox-secondary' };
      break;
    case 2:
      waterfall.push(step('email', 'cache', 'found'));
      found.email = { value: 'jane@acme.com', status: 'valid', provider: 'sandbox-primary', cached: true };
      break;
    default:
      waterfall.push(
        step('email', 'sandbox-primary', 'not_found'),
        step('email', 'sandbox-secondary', 'not_found'),
      );
  }
  if (i % 3 === 0) {
    waterfall.push(step('phone', 'sandbox-primary', 'found'));
    found.phones = [{ number: '+33612345678', country: 'FR', type: 'mobile', provider: 'sandbox-primary' }];
  } else {
    waterfall.push(
      step('phone', 'sandbox-primary', 'not_found'),
      step('phone', 'sandbox-secondary', 'not_found'),
    );
  }
  const types = ['email', 'phone'] as const;
  return contactRecord({
    account_id: accountId,
    enrichment_id: newId(),
    linkedin_url: null,
    enrichment_type: [...types],
    created_at: createdAt,
    credits_reserved: prices.reservationFor({ enrichment_type: types }),
    waterfall,
    progress: { found, closed: { email: true, phone: true }, candidates: {} },
  });
}

/** Accepts and finishes enrichments `from`…`to - 1` of the account, each finished on one of the last 30 days. */
async function seed(bench: BenchStack, from: number, to: number): Promise<void> {
  const { db, config } = bench.stack.product.runtime;
  const table = bench.stack.tableName;
  const prices = new PriceList(SANDBOX_WATERFALL);
  const accepts = new DynamoAcceptStore(db, table, config.retentionDays);
  const now = Date.now();
  let next = from;
  const worker = async () => {
    for (let i = next++; i < to; i = next++) {
      const at = new Date(now - (i % DAYS) * 86_400_000).toISOString();
      const record = walked(bench.accountId, i, at, prices);
      await accepts.accept(record, {
        enrichment_id: record.enrichment_id,
        firstname: 'Jane',
        lastname: 'Doe',
        status: 'pending',
        custom: {},
      });
      await new FinishEnrichment({
        finishes: new DynamoFinishStore(db, table),
        webhooks: { enqueue: async () => undefined },
        clock: { now: () => new Date(at) },
        prices,
        stats: new DynamoProviderStats(db, table),
      }).execute({ account_id: bench.accountId, enrichment_id: record.enrichment_id });
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
}

async function measureReads(
  bench: BenchStack,
  endpoint: string,
): Promise<Omit<UsageSize, 'finished' | 'seedSeconds'>> {
  const table = bench.stack.tableName;
  const httpMs: number[] = [];
  for (let i = 0; i < READS; i += 1) {
    const started = performance.now();
    const answer = await fetch(`${bench.stack.apiUrl}/account/usage`, {
      headers: { Authorization: bench.authorization },
    });
    if (answer.status !== 200) throw new Error(`GET /account/usage answered ${answer.status}`);
    await answer.arrayBuffer();
    httpMs.push(since(started));
  }
  const usageCount = { commands: {}, units: 0 };
  const usageDb = createDocumentClient({ endpoint });
  counted(usageDb, usageCount);
  await new ReadAccountUsage({
    usage: new DynamoUsage(usageDb, table),
    clock: { now: () => new Date() },
  }).execute(bench.accountId, null);
  usageDb.destroy();

  const cardMs: number[] = [];
  let cardCount = { commands: {}, units: 0 };
  for (let i = 0; i < READS; i += 1) {
    const count = { commands: {}, units: 0 };
    const db = createDocumentClient({ endpoint });
    counted(db, count);
    const started = performance.now();
    await new ProviderScorecard({
      stats: new DynamoProviderStats(db, table),
      waterfall: SANDBOX_WATERFALL,
      fees: providerFees(),
      clock: { now: () => new Date() },
    }).read(DAYS);
    cardMs.push(since(started));
    db.destroy();
    cardCount = count;
  }
  return {
    usage: { ms: spread(httpMs), commands: usageCount.commands, readUnits: round(usageCount.units, 1) },
    scorecard: { ms: spread(cardMs), commands: cardCount.commands, readUnits: round(cardCount.units, 1) },
  };
}

export async function measureUsage(dynamoEndpoint: string, sizes: readonly number[]): Promise<UsageFigures> {
  const bench = await BenchStack.start({ dynamoEndpoint, fastWaitsMs: 1 });
  try {
    const figures: UsageSize[] = [];
    let finished = 0;
    for (const size of sizes) {
      const started = performance.now();
      await seed(bench, finished, size);
      const seedSeconds = round(since(started) / 1000, 1);
      finished = size;
      figures.push({ finished, seedSeconds, ...(await measureReads(bench, dynamoEndpoint)) });
    }
    const same = (pick: (size: UsageSize) => Record<string, number>) =>
      figures.every((size) => JSON.stringify(pick(size)) === JSON.stringify(pick(figures[0]!)));
    return { sizes: figures, sameReads: same((s) => s.usage.commands) && same((s) => s.scorecard.commands) };
  } finally {
    await bench.stop();
  }
}
