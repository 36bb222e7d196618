/**
 * How fast a request is accepted, against the DynamoDB calls accepting cannot avoid: POST /contacts/enrich/async
 * under load (autocannon in a child process), and beside it, on the same DynamoDB Local and table, with as many
 * concurrent loops for as long, those calls sent straight through the AWS SDK (README "Data model", access
 * pattern 2): GetItem of the account, then one TransactWriteItems of three items (reserve on the account, put the
 * pending contact, put the reserve ledger entry), with items copied from a real accepted request.
 *
 * The API is loaded twice per run, in turn on the same stack: for an account without a rate limit (the
 * deployment's `accountRateLimit` is 0 here) and for one with its own (so high that nothing is refused), whose
 * every accept also takes from its bucket in the reservation's update: what the account rate limit costs.
 *
 * In AWS the accept function's StartExecution hands the workflow to Step Functions, which runs it elsewhere. The
 * local runner would run every accepted workflow in this process and on this DynamoDB Local, competing with what
 * is measured, so for this phase its start does nothing (the call is still made).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { newId } from '../functions/domain/ids';
import type { LoadFigures, LoadSettings } from './load-client';
import { BenchStack } from './local';
import { percentile, round, since } from './stats';

export interface Comparison {
  connections: number;
  seconds: number;
  api: LoadFigures;
  direct: LoadFigures;
  /** API p50 / direct p50. */
  ratio: number;
  /** The same load for an account with a rate limit (a bucket taken on every accept). */
  limited: LoadFigures;
  /** Limited / unlimited, p50 and p99. */
  bucketRatio: { p50: number; p99: number };
}

/** The limited account's rate: the setting's maximum, far over what one machine sends, so nothing is refused. */
const UNREFUSED_RATE = 100_000;

const BODY = { firstname: 'Jane', lastname: 'Doe', domain: 'acme.com', enrichment_type: ['email'] };

function runLoad(settings: LoadSettings): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    // fork() keeps this process's execArgv (tsx's loader), so the child runs TypeScript too.
    const child = fork(join(__dirname, 'load-client.ts'), [JSON.stringify(settings)], { stdio: 'inherit' });
    let figures: LoadFigures | undefined;
    child.on('message', (message) => (figures = message as LoadFigures));
    child.on('error', reject);
    child.on('exit', (code) =>
      figures ? resolve(figures) : reject(new Error(`load client exited ${code}`)),
    );
  });
}

export async function measureAcceptPath(
  dynamoEndpoint: string,
  runs: Array<{ connections: number; seconds: number }>,
  warmupSeconds: number,
): Promise<Comparison[]> {
  const bench = await BenchStack.start({ dynamoEndpoint, environment: { ACCOUNT_RATE_LIMIT: '0' } });
  bench.stack.product.workflow.start = async () => undefined;
  const db = createDocumentClient({ endpoint: dynamoEndpoint });
  const TableName = bench.stack.tableName;
  const account = { PK: `ACCOUNT#${bench.accountId}`, SK: '#ACCOUNT' };
  try {
    const { id: templateId } = await bench.enrich(BODY);
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': account.PK },
      }),
    );
    const [contact, ledger] = ['CONTACT#', 'LEDGER#'].map((prefix) => {
      const item = Items.find((i) => String(i.SK).startsWith(prefix) && String(i.SK).includes(templateId));
      if (!item) throw new Error(`the accepted request wrote no ${prefix} item`);
      return item;
    });
    const as = (item: Record<string, unknown>, id: string) => ({
      ...item,
      SK: String(item.SK).replace(templateId, id),
      enrichment_id: id,
    });
    const acceptCalls = async () => {
      await db.send(new GetCommand({ TableName, Key: account }));
      const id = newId();
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: account,
                UpdateExpression: 'SET reserved = reserved + :cost, available = available - :cost',
                ConditionExpression: 'attribute_exists(PK) AND available >= :cost',
                ExpressionAttributeValues: { ':cost': 1 },
              },
            },
            { Put: { TableName, Item: as(contact!, id), ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName, Item: as(ledger!, id), ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
        }),
      );
    };
    const direct = async (connections: number, seconds: number): Promise<LoadFigures> => {
      const latencies: number[] = [];
      let failed = 0;
      const deadline = performance.now() + seconds * 1000;
      const loop = async () => {
        while (performance.now() < deadline) {
          const sent = performance.now();
          await acceptCalls().then(
            () => latencies.push(since(sent)),
            () => (failed += 1),
          );
        }
      };
      await Promise.all(Array.from({ length: connections }, loop));
      return {
        perSecond: round(latencies.length / seconds, 1),
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        failed,
      };
    };
    const limitedAccount = await bench.createAccount({ rateLimit: UNREFUSED_RATE });
    const api = async (connections: number, seconds: number, authorization = bench.authorization) => {
      const figures = await runLoad({
        url: `${bench.stack.apiUrl}/contacts/enrich/async`,
        authorization,
        body: JSON.stringify(BODY),
        connections,
        seconds,
      });
      // Requests still in flight when autocannon stopped end before the next run starts.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return figures;
    };

    // DynamoDB Local's JVM and the API's code paths are cold until they have run for a few seconds.
    await api(runs.at(-1)!.connections, warmupSeconds);
    await api(runs.at(-1)!.connections, warmupSeconds, limitedAccount);
    await direct(runs.at(-1)!.connections, warmupSeconds);
    const comparisons: Comparison[] = [];
    for (const { connections, seconds } of runs) {
      const directFigures = await direct(connections, seconds);
      const apiFigures = await api(connections, seconds);
      const limited = await api(connections, seconds, limitedAccount);
      comparisons.push({
        connections,
        seconds,
        api: apiFigures,
        direct: directFigures,
        ratio: round(apiFigures.p50 / directFigures.p50),
        limited,
        bucketRatio: { p50: round(limited.p50 / apiFigures.p50), p99: round(limited.p99 / apiFigures.p99) },
      });
    }
    return comparisons;
  } finally {
    db.destroy();
    await bench.stop();
  }
}
