/**
 * The AWS bill per 1,000 enrichments: arithmetic over the operations one enrichment makes, at prices.ts.
 * - Counted by the overhead run (end-to-end.ts): Standard state transitions, Express steps runs and their
 *   durations, ProviderStep invocations, bytes logged.
 * - Written here from the access patterns (README "Data model"): the DynamoDB calls; one API request; three SQS
 *   requests per webhook (SendMessage; ReceiveMessage and DeleteMessageBatch by the event source mapping).
 *   The run also counts the DynamoDB calls the product makes: any difference is reported beside the bill.
 * - Assumed: 512 MB arm64 functions (the construct's default), 25 ms billed per invocation (warm handlers take
 *   a few ms), 350 bytes per invocation of Lambda's START/END/REPORT lines and per request of access log; the
 *   steps runs billed at 64 MB, the smallest step (their definition is a few KB, their data ids and cursors).
 */
import type { OverheadFigures, ScenarioId } from './end-to-end';
import { PRICES } from './prices';
import { round, sum } from './stats';

/** DynamoDB calls per enrichment, `<operation> [<action>] <item>`, by access pattern of the README. */
export const DYNAMODB_CALLS: Record<ScenarioId, Record<string, number>> = {
  // One type, one provider call that finds: the provider step (5) once.
  a: {
    'GetItem account': 2, // accept (2); the webhook's signing secret (8)
    'TransactWriteItems Update account': 2, // reserve (2); settle (6)
    'TransactWriteItems Put contact': 1, // accept (2)
    'TransactWriteItems Put ledger': 3, // reserve (2); charge and release (6)
    'GetItem contact': 3, // provider step (5), finish (6), webhook attempt (8)
    'UpdateItem contact': 2, // the step's trace and result (5); webhook state (8)
    'TransactWriteItems Update contact': 1, // finish (6)
    'TransactWriteItems Update usage': 1, // the account's usage counters of the day, in the finish (6)
    'GetItem provider': 1, // provider traffic item (rate limit, breaker) before the call
    'UpdateItem provider': 2, // the call counted in the breaker's window; the provider's stats after the finish (6)
    'GetItem cache': 1, // results cache lookup at the type's first step: name at domain
    'BatchWriteItem Put cache': 1, // the find, cached under the same identity
    'GetItem suppressions': 2, // suppression list: the contact at the type's first step, the found email
  },
  // Three types, three provider calls each: nine provider steps (5).
  b: {
    'GetItem account': 2,
    'TransactWriteItems Update account': 2,
    'TransactWriteItems Put contact': 1,
    'TransactWriteItems Put ledger': 3,
    'GetItem contact': 11, // 9 provider steps, finish, webhook
    'UpdateItem contact': 10, // 9 provider steps, webhook
    'TransactWriteItems Update contact': 1,
    'TransactWriteItems Update usage': 1,
    'GetItem provider': 9,
    'UpdateItem provider': 12, // 9 calls in the breaker's window; the stats of the 3 providers asked
    'GetItem cache': 4, // email: LinkedIn URL and name at domain; phone, personal email: LinkedIn URL
    'BatchWriteItem Put cache': 4,
    'GetItem suppressions': 8,
  },
};

/** Items read with ConsistentRead; the other reads are eventually consistent (half a unit). */
const CONSISTENT_READS = new Set(['contact', 'provider', 'suppressions']);

export const ASSUMED = {
  memoryMb: 512,
  expressBilledMemoryMb: 64,
  billedMsPerInvocation: 25,
  platformLogBytes: 350,
  accessLogBytes: 350,
};

export interface BillLine {
  item: string;
  perEnrichment: number;
  usdPer1000: number;
}

export interface Bill {
  id: ScenarioId;
  lines: BillLine[];
  usdPer1000: number;
  readUnits: number;
  writeUnits: number;
  /** Calls the table above and the run disagree on: per enrichment, written → counted. */
  tableDifferences: string[];
}

function units(
  call: string,
  count: number,
  itemBytes: Record<string, number>,
): { read: number; write: number } {
  const operation = call.split(' ')[0]!;
  const kind = call.split(' ').at(-1)!;
  const bytes = itemBytes[kind] ?? 1024;
  if (operation === 'GetItem') {
    return { read: count * Math.ceil(bytes / 4096) * (CONSISTENT_READS.has(kind) ? 1 : 0.5), write: 0 };
  }
  return { read: 0, write: count * Math.ceil(bytes / 1024) * (operation === 'TransactWriteItems' ? 2 : 1) };
}

export function bill(figures: OverheadFigures): Bill {
  const table = DYNAMODB_CALLS[figures.id];
  const dynamo = Object.entries(table).map(([call, count]) => units(call, count, figures.itemBytes));
  const readUnits = sum(dynamo.map((u) => u.read));
  const writeUnits = sum(dynamo.map((u) => u.write));
  const invocations = 3 + figures.providerSteps; // accept, provider steps, record-result, deliver-webhook
  const logBytes = figures.logBytes + invocations * ASSUMED.platformLogBytes + ASSUMED.accessLogBytes;
  const perMillion = (usd: number) => usd / 1_000_000;
  const perInvocation =
    perMillion(PRICES.lambdaPerMillionRequests.usd) +
    (ASSUMED.billedMsPerInvocation / 1000) * (ASSUMED.memoryMb / 1024) * PRICES.lambdaArmPerGbSecond.usd;
  const line = (item: string, perEnrichment: number, usdEach: number): BillLine => ({
    item,
    perEnrichment,
    usdPer1000: round(perEnrichment * usdEach * 1000, 5),
  });
  const lines = [
    line('API Gateway requests', 1, perMillion(PRICES.apiGatewayPerMillionRequests.usd)),
    line(
      'Step Functions Standard state transitions',
      figures.stateTransitions,
      PRICES.stepFunctionsStandardPerThousandTransitions.usd / 1000,
    ),
    line(
      'Step Functions Express requests (steps runs)',
      figures.stepsRuns,
      perMillion(PRICES.stepFunctionsExpressPerMillionRequests.usd),
    ),
    line(
      `Step Functions Express GB-seconds (${ASSUMED.expressBilledMemoryMb} MB, 100 ms steps)`,
      round((figures.stepsBilledMs / 1000) * (ASSUMED.expressBilledMemoryMb / 1024), 6),
      PRICES.stepFunctionsExpressPerGbSecond.usd,
    ),
    line('Lambda invocations', invocations, perInvocation),
    line('DynamoDB write units', writeUnits, perMillion(PRICES.dynamoDbPerMillionWriteUnits.usd)),
    line('DynamoDB read units', readUnits, perMillion(PRICES.dynamoDbPerMillionReadUnits.usd)),
    line('SQS requests', 3, perMillion(PRICES.sqsPerMillionRequests.usd)),
    line('CloudWatch Logs bytes', logBytes, PRICES.cloudWatchLogsPerGbIngested.usd / 1e9),
  ];
  const calls = new Set([...Object.keys(table), ...Object.keys(figures.dynamoDbCalls)]);
  return {
    id: figures.id,
    lines,
    usdPer1000: round(sum(lines.map((line) => line.usdPer1000)), 4),
    readUnits,
    writeUnits,
    tableDifferences: [...calls]
      .filter((call) => Math.abs((table[call] ?? 0) - (figures.dynamoDbCalls[call] ?? 0)) >= 0.5)
      .map((call) => `${call}: ${table[call] ?? 0} → ${figures.dynamoDbCalls[call] ?? 0}`),
  };
}

/** The bill as measured before the provider steps moved to the Express steps workflow (bench/RESULTS.md). */
export const BEFORE_STEPS_WORKFLOW = {
  commit: '6ba9389',
  a: { stateTransitions: 5, usdPer1000: 0.1453 },
  b: { stateTransitions: 23, usdPer1000: 0.6262 },
} as const;
