/**
 * What AWS bills per enrichment, from the operations enrichments actually perform. Each scenario of
 * scenarios.ts runs again on its own stack, this time with a webhook to a local receiver and DynamoDB behind
 * the metering proxy (dynamodb-meter.ts), and the run counts: API requests, Lambda invocations and their
 * duration by function (product-probe.ts), state transitions of every execution, DynamoDB request units,
 * SQS requests around the webhook queue, and the bytes the functions log at the deployed INFO level. Those
 * counts are priced at the published prices of prices.ts, with memory sizes read from lib/ (deployment.ts),
 * once for Standard workflows (what lib/ deploys) and once as if the workflow were Express.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { retryScheduleFrom } from '../functions/domain/retry-schedule';
import { composeWebhookDelivery } from '../local/compose';
import type { Deployment } from './deployment';
import { DynamoDbMeter, itemSize, type MeterReading } from './dynamodb-meter';
import { invocationFigures, type InvocationFigures } from './end-to-end';
import { logBytes } from './lambda-logs';
import { PRICES } from './prices';
import type { FunctionName } from './product-probe';
import { SCENARIOS, startBenchStack, runOneByOne, type BenchStack, type Scenario } from './scenarios';
import { percentile, round, sum } from './stats';

/** Estimates for log lines the local stack cannot produce; each is named in the report. */
export const LOG_LINE_ESTIMATES = {
  /** START, END and REPORT (with the X-Ray trace id) that Lambda writes for every invocation. */
  lambdaPlatformBytesPerInvocation: 350,
  /** One JSON access-log line per API request, in the format lib/constructs/api.ts sets. */
  accessLogBytesPerRequest: 350,
};

export interface CostOptions {
  dynamoEndpoint: string;
  /** Measured enrichments per scenario. */
  count: number;
  /** GET /contacts/{id} requests priced apart, for clients that poll instead of taking the webhook. */
  polls: number;
  deployment: Deployment;
}

export interface SqsCounts {
  sendMessage: number;
  receiveMessage: number;
  deleteMessage: number;
}

export interface CountedOperations {
  scenario: Scenario['id'];
  title: string;
  enrichments: number;
  apiRequestsPerEnrichment: number;
  lambda: Partial<Record<FunctionName, InvocationFigures & { meanBilledMs: number }>>;
  stateTransitionsPerEnrichment: number;
  /** record-result finished − 202 received, the part of an Express execution the local run can see. */
  executionMsP50: number;
  dynamoDb: {
    readUnitsPerEnrichment: number;
    writeUnitsPerEnrichment: number;
    /** Calls and request units per enrichment, by DynamoDB operation. */
    byOperation: Record<string, { calls: number; readUnits: number; writeUnits: number }>;
    largestItemBytes: Record<string, number>;
  };
  sqsRequestsPerEnrichment: SqsCounts;
  webhooksDelivered: number;
  logBytesPerEnrichment: {
    /** Powertools Logger lines at INFO, measured. */
    logLines: number;
    /** Powertools Metrics EMF lines, measured. */
    metricLines: number;
    /** Lambda platform lines and API access log lines, estimated (LOG_LINE_ESTIMATES). */
    platformAndAccess: number;
  };
}

export interface BillLine {
  item: string;
  quantityPerEnrichment: number;
  unit: string;
  usdPer1000: number;
}

export interface Bill {
  scenario: Scenario['id'];
  title: string;
  lines: BillLine[];
  standardWorkflow: BillLine;
  expressWorkflow: BillLine[];
  usdPer1000Standard: number;
  usdPer1000Express: number;
}

export interface PollCost {
  dynamoDbReadUnitsPerPoll: number;
  getContactMeanBilledMs: number;
  usdPer1000Polls: number;
}

export interface CostResult {
  method: string;
  deployment: Deployment;
  prices: typeof PRICES;
  logLineEstimates: typeof LOG_LINE_ESTIMATES;
  counted: CountedOperations[];
  bills: Bill[];
  poll: PollCost | null;
  /** What 1,000 cache misses of the authorizer cost (its answer is cached per key for the TTL). */
  authorizerMissUsdPer1000: number;
  /** Billed duration of the authorizer's first (uncached, first-call) invocations, ms. */
  authorizerBilledMs: number;
}

/** A customer's webhook endpoint: takes every delivery with 204. */
async function startReceiver(): Promise<{ url: string; delivered: () => number; stop: () => Promise<void> }> {
  let delivered = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      delivered += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    delivered: () => delivered,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Drives the stack's webhook queue with the same deliver handler (composed by local/compose.ts as the stack
 * composes it), timed like the others and counting the SQS requests Lambda's event source mapping makes:
 * one ReceiveMessage per batch, one DeleteMessageBatch per batch with a success, one SendMessage per
 * message first received.
 */
function meterWebhookQueue(bench: BenchStack, dynamoEndpoint: string) {
  const db = createDocumentClient({ endpoint: dynamoEndpoint });
  const deliver = composeWebhookDelivery({
    db,
    tableName: bench.stack.tableName,
    queue: bench.stack.queue,
    allowPrivateWebhookTargets: true,
    schedule: retryScheduleFrom([0.1, 0.1]),
  });
  bench.probe.time('deliver-webhook', deliver);
  const counts: SqsCounts = { sendMessage: 0, receiveMessage: 0, deleteMessage: 0 };
  bench.stack.queue.start(async (event: SQSEvent, context) => {
    counts.receiveMessage += 1;
    counts.sendMessage += event.Records.filter((r) => r.attributes.ApproximateReceiveCount === '1').length;
    const response = await deliver(event, context);
    if ((response?.batchItemFailures.length ?? 0) < event.Records.length) counts.deleteMessage += 1;
    return response;
  });
  return {
    counts,
    reset: () => Object.assign(counts, { sendMessage: 0, receiveMessage: 0, deleteMessage: 0 }),
    close: () => db.destroy(),
  };
}

function perEnrichment(reading: MeterReading, enrichments: number): CountedOperations['dynamoDb'] {
  const largestItemBytes: Record<string, number> = {};
  for (const count of Object.values(reading.byOperation)) {
    for (const [kind, sizes] of Object.entries(count.itemBytes)) {
      largestItemBytes[kind] = Math.max(largestItemBytes[kind] ?? 0, ...sizes);
    }
  }
  return {
    readUnitsPerEnrichment: round(reading.readUnits / enrichments, 3),
    writeUnitsPerEnrichment: round(reading.writeUnits / enrichments, 3),
    byOperation: Object.fromEntries(
      Object.entries(reading.byOperation).map(([operation, count]) => [
        operation,
        {
          calls: round(count.calls / enrichments, 3),
          readUnits: round(count.readUnits / enrichments, 3),
          writeUnits: round(count.writeUnits / enrichments, 3),
        },
      ]),
    ),
    largestItemBytes,
  };
}

function withBilledMs(durations: Map<FunctionName, number[]>, enrichments: number) {
  const figures = invocationFigures(durations, enrichments);
  const lambda: CountedOperations['lambda'] = {};
  for (const [name, list] of durations) {
    const billed = list.map((ms) => Math.max(1, Math.ceil(ms)));
    lambda[name] = { ...figures[name]!, meanBilledMs: round(sum(billed) / billed.length) };
  }
  return lambda;
}

async function countScenario(
  scenario: Scenario,
  options: CostOptions,
  meter: DynamoDbMeter,
  meterEndpoint: string,
  sizeOf: (table: string, key: Record<string, Record<string, unknown>>) => Promise<number | undefined>,
): Promise<{
  counted: CountedOperations;
  poll: { readUnits: number; billedMs: number[] };
  authorizerBilledMs: number[];
}> {
  const receiver = await startReceiver();
  const bench = await startBenchStack({
    dynamoEndpoint: meterEndpoint,
    tableName: `bench-cost-${scenario.id}-${Date.now()}`,
    waterfall: scenario.waterfall,
  });
  const webhooks = meterWebhookQueue(bench, meterEndpoint);
  const body = { ...scenario.body, webhook_url: receiver.url };
  try {
    await runOneByOne(bench, body, 5);
    await bench.stack.idle();
    await meter.reading(sizeOf);
    // The authorizer ran once, for the first request; its answer is cached for the rest of the run.
    const authorizerBilledMs = (bench.probe.durations.get('authorizer') ?? []).map((ms) => Math.ceil(ms));
    meter.reset();
    bench.probe.reset();
    webhooks.reset();
    const deliveredBefore = receiver.delivered();

    const logsBefore = logBytes();
    const timings = await runOneByOne(bench, body, options.count);
    await bench.stack.idle();
    const logsAfter = logBytes();
    const n = timings.length;
    const reading = await meter.reading(sizeOf);
    const lambda = withBilledMs(bench.probe.durations, n);
    const transitions = timings.map(
      (t) => bench.stack.product.workflow.execution(t.id)?.stateTransitions ?? 0,
    );
    const invocations = sum(Object.values(lambda).map((figures) => figures.perEnrichment));
    const platformAndAccess =
      invocations * LOG_LINE_ESTIMATES.lambdaPlatformBytesPerInvocation +
      LOG_LINE_ESTIMATES.accessLogBytesPerRequest;

    // Clients without a webhook poll GET /contacts/{id}; one poll is priced apart.
    meter.reset();
    bench.probe.reset();
    for (const timing of timings.slice(0, options.polls)) await bench.api.contact(timing.id);
    const pollReading = await meter.reading(sizeOf);

    return {
      counted: {
        scenario: scenario.id,
        title: scenario.title,
        enrichments: n,
        apiRequestsPerEnrichment: 1,
        lambda,
        stateTransitionsPerEnrichment: round(sum(transitions) / n, 2),
        executionMsP50: round(
          percentile(
            timings.map((t) => t.finishMs - t.acceptMs),
            50,
          ),
        ),
        dynamoDb: perEnrichment(reading, n),
        sqsRequestsPerEnrichment: {
          sendMessage: round(webhooks.counts.sendMessage / n, 3),
          receiveMessage: round(webhooks.counts.receiveMessage / n, 3),
          deleteMessage: round(webhooks.counts.deleteMessage / n, 3),
        },
        webhooksDelivered: receiver.delivered() - deliveredBefore,
        logBytesPerEnrichment: {
          logLines: round((logsAfter.logLines - logsBefore.logLines) / n, 0),
          metricLines: round((logsAfter.metricLines - logsBefore.metricLines) / n, 0),
          platformAndAccess: round(platformAndAccess, 0),
        },
      },
      poll: {
        readUnits: pollReading.readUnits / Math.max(1, Math.min(options.polls, n)),
        billedMs: (bench.probe.durations.get('get-contact') ?? []).map((ms) => Math.max(1, Math.ceil(ms))),
      },
      authorizerBilledMs,
    };
  } finally {
    webhooks.close();
    await bench.stop();
    await receiver.stop();
  }
}

const perMillion = (usd: number) => usd / 1_000_000;

function lambdaUsd(invocations: number, billedMs: number, memoryMb: number): number {
  return (
    invocations * perMillion(PRICES.lambdaPerMillionRequests.usd) +
    invocations * (billedMs / 1000) * (memoryMb / 1024) * PRICES.lambdaArmPerGbSecond.usd
  );
}

function bill(counted: CountedOperations, deployment: Deployment): Bill {
  const per1000 = (usdPerEnrichment: number) => round(usdPerEnrichment * 1000, 5);
  const lines: BillLine[] = [
    {
      item: 'API Gateway REST requests',
      quantityPerEnrichment: counted.apiRequestsPerEnrichment,
      unit: 'request',
      usdPer1000: per1000(
        counted.apiRequestsPerEnrichment * perMillion(PRICES.apiGatewayRestPerMillionRequests.usd),
      ),
    },
  ];
  for (const [name, figures] of Object.entries(counted.lambda) as Array<
    [FunctionName, InvocationFigures & { meanBilledMs: number }]
  >) {
    const memory = deployment.memoryMb[name];
    lines.push({
      item: `Lambda ${name} (${memory} MB, ${figures.meanBilledMs} ms billed on average)`,
      quantityPerEnrichment: figures.perEnrichment,
      unit: 'invocation',
      usdPer1000: per1000(lambdaUsd(figures.perEnrichment, figures.meanBilledMs, memory)),
    });
  }
  const dynamo = counted.dynamoDb;
  lines.push(
    {
      item: 'DynamoDB write request units',
      quantityPerEnrichment: dynamo.writeUnitsPerEnrichment,
      unit: 'WRU',
      usdPer1000: per1000(
        dynamo.writeUnitsPerEnrichment * perMillion(PRICES.dynamoDbPerMillionWriteRequestUnits.usd),
      ),
    },
    {
      item: 'DynamoDB read request units',
      quantityPerEnrichment: dynamo.readUnitsPerEnrichment,
      unit: 'RRU',
      usdPer1000: per1000(
        dynamo.readUnitsPerEnrichment * perMillion(PRICES.dynamoDbPerMillionReadRequestUnits.usd),
      ),
    },
  );
  const sqs = sum(Object.values(counted.sqsRequestsPerEnrichment));
  lines.push({
    item: 'SQS requests (send, receive, delete)',
    quantityPerEnrichment: round(sqs, 3),
    unit: 'request',
    usdPer1000: per1000(sqs * perMillion(PRICES.sqsPerMillionRequests.usd)),
  });
  const bytes = sum(Object.values(counted.logBytesPerEnrichment));
  lines.push({
    item: 'CloudWatch Logs ingestion (log and metric lines measured, platform and access lines estimated)',
    quantityPerEnrichment: bytes,
    unit: 'byte',
    usdPer1000: per1000((bytes / 1e9) * PRICES.cloudWatchLogsPerGbIngested.usd),
  });

  const standardWorkflow: BillLine = {
    item: 'Step Functions Standard state transitions',
    quantityPerEnrichment: counted.stateTransitionsPerEnrichment,
    unit: 'transition',
    usdPer1000: per1000(
      (counted.stateTransitionsPerEnrichment / 1000) * PRICES.stepFunctionsStandardPerThousandTransitions.usd,
    ),
  };
  // Express bills the execution's wall time in 100 ms steps and its memory in 64 MB chunks; this
  // definition and its small state fit the first chunk.
  const billedSeconds = Math.max(1, Math.ceil(counted.executionMsP50 / 100)) / 10;
  const expressWorkflow: BillLine[] = [
    {
      item: 'Step Functions Express requests',
      quantityPerEnrichment: 1,
      unit: 'execution',
      usdPer1000: per1000(perMillion(PRICES.stepFunctionsExpressPerMillionRequests.usd)),
    },
    {
      item: `Step Functions Express duration (${billedSeconds} s × 64 MB)`,
      quantityPerEnrichment: round(billedSeconds * (64 / 1024), 5),
      unit: 'GB-s',
      usdPer1000: per1000(billedSeconds * (64 / 1024) * PRICES.stepFunctionsExpressPerGbSecond.usd),
    },
  ];
  const common = sum(lines.map((line) => line.usdPer1000));
  return {
    scenario: counted.scenario,
    title: counted.title,
    lines,
    standardWorkflow,
    expressWorkflow,
    usdPer1000Standard: round(common + standardWorkflow.usdPer1000, 4),
    usdPer1000Express: round(common + sum(expressWorkflow.map((line) => line.usdPer1000)), 4),
  };
}

export async function measureCost(options: CostOptions): Promise<CostResult> {
  const meter = new DynamoDbMeter(options.dynamoEndpoint);
  const meterEndpoint = await meter.start();
  const direct = new DynamoDBClient({
    endpoint: options.dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const sizeOf = async (table: string, key: Record<string, Record<string, unknown>>) => {
    const { Item } = await direct.send(
      new GetItemCommand({ TableName: table, Key: key as never, ConsistentRead: true }),
    );
    return Item ? itemSize(Item as unknown as Record<string, Record<string, unknown>>) : undefined;
  };
  try {
    const counted: CountedOperations[] = [];
    const authorizerBilledMs: number[] = [];
    let poll: PollCost | null = null;
    for (const scenario of SCENARIOS) {
      const result = await countScenario(scenario, options, meter, meterEndpoint, sizeOf);
      counted.push(result.counted);
      authorizerBilledMs.push(...result.authorizerBilledMs);
      if (!poll && result.poll.billedMs.length) {
        const billedMs = sum(result.poll.billedMs) / result.poll.billedMs.length;
        const usd =
          perMillion(PRICES.apiGatewayRestPerMillionRequests.usd) +
          lambdaUsd(1, billedMs, options.deployment.memoryMb['get-contact']) +
          result.poll.readUnits * perMillion(PRICES.dynamoDbPerMillionReadRequestUnits.usd);
        poll = {
          dynamoDbReadUnitsPerPoll: round(result.poll.readUnits, 3),
          getContactMeanBilledMs: round(billedMs),
          usdPer1000Polls: round(usd * 1000, 5),
        };
      }
    }
    // A cache miss costs one authorizer invocation and one eventually consistent GetItem of the key.
    const authorizerMs = authorizerBilledMs.length ? sum(authorizerBilledMs) / authorizerBilledMs.length : 0;
    const authorizerMiss =
      lambdaUsd(1, authorizerMs, options.deployment.memoryMb.authorizer) +
      0.5 * perMillion(PRICES.dynamoDbPerMillionReadRequestUnits.usd);
    return {
      method:
        `Each scenario on a fresh stack with DynamoDB behind the metering proxy and webhook_url set to a local ` +
        `receiver answering 204; 5 warm-up enrichments, then ${options.count} measured one at a time and ` +
        `everything drained (workflows, webhook queue). Counted per enrichment: API requests, Lambda ` +
        `invocations and durations by function (billed = each duration rounded up to 1 ms), state ` +
        `transitions (states entered), DynamoDB request units from item sizes, SQS requests of the webhook ` +
        `queue, bytes of Powertools log (INFO) and metric lines. Then ${options.polls} GET /contacts/{id} priced as one poll. ` +
        `Prices: ${PRICES.region}, on-demand, free tiers ignored, checked ${PRICES.checked}.`,
      deployment: options.deployment,
      prices: PRICES,
      logLineEstimates: LOG_LINE_ESTIMATES,
      counted,
      bills: counted.map((c) => bill(c, options.deployment)),
      poll,
      authorizerMissUsdPer1000: round(authorizerMiss * 1000, 5),
      authorizerBilledMs: round(authorizerMs),
    };
  } finally {
    direct.destroy();
    await meter.stop();
  }
}
