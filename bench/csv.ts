/**
 * The CSV tool (integrations/csv/) on the local stack: a 1,000-row file enriched end to end (parse, chunks of 100
 * through the bulk route, every batch waited for, the output written), against the same contacts sent by the
 * bulk route directly with the same client (10 requests of 100, every batch waited for). New people each time,
 * so the results cache never answers; instant sandbox providers, 1 ms state machine pauses; both poll with
 * `Retry-After` scaled to 1/20 (100 ms), so the figure is the tool's cost, not the polling interval. Measured
 * bulk, CSV, CSV, bulk, each figure the sum of its two runs, so a drift in the machine's load falls on both.
 *
 * `tsx bench/csv.ts` runs this phase alone on its own DynamoDB Local.
 */
import './lambda-logs';
import { EnrichmentClient } from '../client';
import { CHUNK_SIZE, enrichCsv } from '../integrations/csv/enrich-csv';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { BenchStack } from './local';
import { round } from './stats';

export interface CsvFigures {
  rows: number;
  /** Mean of the two runs. */
  csvSeconds: number;
  csvRowsPerSecond: number;
  bulkSeconds: number;
  bulkRowsPerSecond: number;
  /** CSV time / bulk-route time for the same contacts. */
  ratio: number;
}

const contacts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    firstname: 'Jane',
    lastname: `${prefix}${i}`,
    domain: 'acme.com',
  }));

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

export async function measureCsv(dynamoEndpoint: string, rows: number): Promise<CsvFigures> {
  const bench = await BenchStack.start({ dynamoEndpoint, fastWaitsMs: 1 });
  const client = new EnrichmentClient({ ...bench.client.options, waitScale: 0.05 });
  const bulk = async (prefix: string, count: number) => {
    const people = contacts(prefix, count).map((c) => ({ ...c, enrichment_type: ['email' as const] }));
    const batches = [];
    for (let start = 0; start < people.length; start += CHUNK_SIZE) {
      batches.push(await client.enrichBulk({ contacts: people.slice(start, start + CHUNK_SIZE) }));
    }
    await Promise.all(batches.map((batch) => client.waitForBatch(batch.batch_id)));
  };
  const csv = (prefix: string, count: number) =>
    enrichCsv({
      input: `firstname,lastname,domain\n${contacts(prefix, count)
        .map((c) => `${c.firstname},${c.lastname},${c.domain}`)
        .join('\n')}\n`,
      types: ['email'],
      client,
    });
  try {
    // Warm-up: both paths and DynamoDB Local's JVM.
    await bulk('WarmBulk', CHUNK_SIZE);
    await csv('WarmCsv', CHUNK_SIZE);
    let bulkSeconds = await timed(() => bulk('BulkA', rows));
    await bench.stack.idle();
    let csvSeconds = await timed(() => csv('CsvA', rows));
    csvSeconds += await timed(() => csv('CsvB', rows));
    await bench.stack.idle();
    bulkSeconds += await timed(() => bulk('BulkB', rows));
    return {
      rows,
      csvSeconds: round(csvSeconds / 2, 1),
      csvRowsPerSecond: round((2 * rows) / csvSeconds),
      bulkSeconds: round(bulkSeconds / 2, 1),
      bulkRowsPerSecond: round((2 * rows) / bulkSeconds),
      ratio: round(csvSeconds / bulkSeconds, 2),
    };
  } finally {
    await bench.stop();
  }
}

if (require.main === module) {
  void (async () => {
    const dynamo = await startDynamoDbLocal();
    try {
      console.log(JSON.stringify(await measureCsv(dynamo.endpoint, Number(process.env.CSV_ROWS ?? 1000))));
    } finally {
      await dynamo.stop();
    }
    process.exit(0);
  })();
}
