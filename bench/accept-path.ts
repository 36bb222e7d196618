/**
 * How fast a request is accepted: POST /contacts/enrich/async under sustained concurrency (autocannon in a
 * child process), and beside it — same DynamoDB Local, same table, same concurrency, same duration — the
 * DynamoDB calls the accept path cannot avoid, sent straight through the AWS SDK: GetItem of the account,
 * then one TransactWriteItems of three items (account update, contact put, ledger put). The ratio of the
 * two medians is what the API, validation and handler code add over the storage they must wait for.
 *
 * Each accepted enrichment starts its workflow in the same process. To keep that from competing for the two
 * cores, this phase's waterfall has a single provider that holds its answer: every execution parks at its
 * first provider call (no CPU, no DynamoDB) until the stack has stopped and aborted it. In AWS the workflow
 * runs on Step Functions and other Lambda instances, not beside the accept function.
 *
 * A second, single-connection comparison shows the per-request overhead when nothing queues.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { keys } from '../functions/adapters/dynamodb/keys';
import { newId } from '../functions/domain/ids';
import type { Provider } from '../functions/providers/provider';
import type { LoadFigures, LoadSettings } from './load-client';
import { startBenchStack, type BenchStack } from './scenarios';
import { percentile, round, since } from './stats';

export interface AcceptPathOptions {
  dynamoEndpoint: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Duration of the extra single-connection comparison (latency without queueing). */
  singleConnectionSeconds: number;
}

export interface DirectFigures {
  pairs: number;
  pairsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface Comparison {
  connections: number;
  durationSeconds: number;
  accept: LoadFigures;
  directDynamoDb: DirectFigures;
  /** accept p50 / direct DynamoDB p50. */
  overheadRatioP50: number;
}

export interface AcceptPathResult {
  method: string;
  /** The required measurement: many connections, sustained. */
  concurrent: Comparison;
  /** The same with one connection: what one request costs when nothing queues. */
  singleConnection: Comparison;
  /** Executions started by accepted requests, parked at their first provider call until the stack stopped. */
  parkedExecutions: number;
}

const BODY = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] };

/** A provider that answers only when released: the workflow of every accepted request waits here idle. */
function parkingProvider(parked: Set<() => void>): Provider {
  return {
    name: 'bench-parked',
    types: ['email', 'phone', 'personal_email'],
    find: () => new Promise((resolve) => parked.add(() => resolve({ kind: 'not_found' }))),
  };
}

function runLoad(settings: LoadSettings): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    // fork() reuses this process's execArgv, i.e. tsx's loader, so the child runs TypeScript too.
    const child = fork(join(__dirname, 'load-client.ts'), [JSON.stringify(settings)], { stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGKILL'), (settings.durationSeconds + 60) * 1000);
    let figures: LoadFigures | undefined;
    child.on('message', (message) => {
      figures = message as LoadFigures;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (figures) resolve(figures);
      else reject(new Error(`the load client exited with ${code} and no figures`));
    });
  });
}

interface Templates {
  contact: Record<string, unknown>;
  ledger: Record<string, unknown>;
}

/** The items one real accepted request wrote, to send items of the very same shape and size directly. */
async function templatesFrom(bench: BenchStack, db: DynamoDBDocumentClient): Promise<Templates> {
  const answer = await bench.api.enrich(BODY);
  if (answer.status !== 202) throw new Error(`POST answered ${answer.status}: ${answer.text}`);
  const id = String(answer.body.enrichment_id);
  const table = bench.stack.tableName;
  const contact = await db.send(new GetCommand({ TableName: table, Key: keys.contact(bench.accountId, id) }));
  const ledger = await db.send(
    new GetCommand({
      TableName: table,
      Key: keys.ledger(bench.accountId, contact.Item?.created_at as string, `${id}#reserve`),
    }),
  );
  if (!contact.Item || !ledger.Item) throw new Error('the accepted request wrote no contact or ledger item');
  return { contact: contact.Item, ledger: ledger.Item };
}

/** GetItem account + TransactWriteItems(update account, put contact, put ledger), as accept does them. */
async function directPair(db: DynamoDBDocumentClient, table: string, accountId: string, t: Templates) {
  await db.send(new GetCommand({ TableName: table, Key: keys.account(accountId) }));
  const id = newId();
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: table,
            Key: keys.account(accountId),
            UpdateExpression: 'SET reserved = reserved + :cost, available = available - :cost',
            ConditionExpression: 'attribute_exists(PK) AND available >= :cost',
            ExpressionAttributeValues: { ':cost': 1 },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: table,
            Item: { ...t.contact, ...keys.contact(accountId, id), enrichment_id: id },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName: table,
            Item: {
              ...t.ledger,
              ...keys.ledger(accountId, t.ledger.at as string, `${id}#reserve`),
              enrichment_id: id,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ],
    }),
  );
}

async function runDirect(
  db: DynamoDBDocumentClient,
  bench: BenchStack,
  templates: Templates,
  connections: number,
  durationSeconds: number,
): Promise<DirectFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        try {
          await directPair(db, bench.stack.tableName, bench.accountId, templates);
          latencies.push(since(sent));
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const seconds = since(started) / 1000;
  return {
    pairs: latencies.length,
    pairsPerSecond: round(latencies.length / seconds, 1),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    errors,
  };
}

export async function measureAcceptPath(options: AcceptPathOptions): Promise<AcceptPathResult> {
  const parked = new Set<() => void>();
  const bench = await startBenchStack({
    dynamoEndpoint: options.dynamoEndpoint,
    tableName: `bench-accept-${Date.now()}`,
    waterfall: {
      order: { email: ['bench-parked'], phone: ['bench-parked'], personal_email: ['bench-parked'] },
      prices: {},
      verifier: null,
    },
    extraProviders: { 'bench-parked': parkingProvider(parked) },
  });
  const db = createDocumentClient({ endpoint: options.dynamoEndpoint });
  try {
    const templates = await templatesFrom(bench, db);
    const load = async (connections: number, durationSeconds: number) => {
      const figures = await runLoad({
        url: `${bench.stack.apiUrl}/contacts/enrich/async`,
        apiKey: bench.apiKey,
        body: JSON.stringify(BODY),
        connections,
        durationSeconds,
      });
      // autocannon stops at its deadline with requests still in flight; they finish before anything else.
      await bench.probe.drained('accept', 30_000);
      return figures;
    };
    const direct = (connections: number, seconds: number) =>
      runDirect(db, bench, templates, connections, seconds);
    const compare = async (connections: number, seconds: number): Promise<Comparison> => {
      const directFigures = await direct(connections, seconds);
      const accept = await load(connections, seconds);
      return {
        connections,
        durationSeconds: seconds,
        accept,
        directDynamoDb: directFigures,
        overheadRatioP50: round(accept.p50Ms / directFigures.p50Ms),
      };
    };

    // DynamoDB Local's JVM and the API's code paths are cold until they have run for a few seconds.
    await load(options.connections, options.warmupSeconds);
    await direct(options.connections, options.warmupSeconds);
    const parkedBefore = parked.size;
    const singleConnection = await compare(1, options.singleConnectionSeconds);
    const concurrent = await compare(options.connections, options.durationSeconds);

    return {
      method:
        `autocannon in a child process POSTs {"enrichment_type":["email"]} with a valid key to the local API; ` +
        `percentiles from each 2xx response's exact duration. Direct: as many concurrent loops in the bench ` +
        `process, each sending GetItem(account) then TransactWriteItems(update account, put contact, put ` +
        `ledger) with items copied from a real accepted request, to the same DynamoDB Local and table through ` +
        `the AWS SDK; latency per pair. Each comparison runs direct then API for the same duration, after a ` +
        `${options.warmupSeconds} s warm-up of both. Executions of accepted requests park at their first ` +
        `provider call (see the file's header). The local StartExecution is an in-process call; in AWS it is ` +
        `an HTTPS call to Step Functions that the accept function waits for.`,
      concurrent,
      singleConnection,
      parkedExecutions: parked.size - parkedBefore,
    };
  } finally {
    db.destroy();
    await bench.stop();
    // Released after the stop aborted their executions: each returns from its provider step and ends.
    for (const release of parked) release();
  }
}
