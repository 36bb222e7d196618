/**
 * `npm run bench`: cold start, accept path, end-to-end overhead and cost per enrichment, one after another
 * on this machine, then bench/results.json, bench/RESULTS.md and a summary table. Everything it starts
 * (DynamoDB Local, local stacks, the load generator, webhook receiver) is stopped before it exits, also on
 * Ctrl-C and when the time budget runs out.
 *
 * BENCH_QUICK=1 shortens every phase (a smoke run while editing the benchmarks; its figures mean little).
 */
import './lambda-logs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local';
import { measureAcceptPath } from './accept-path';
import { measureColdStarts } from './cold-start';
import { measureCost } from './cost-model';
import { readDeployment } from './deployment';
import { measureEndToEnd } from './end-to-end';
import { describeMachine, loadAverage } from './machine';
import { evaluateTargets, renderMarkdown, summaryTable, type PhaseRecord, type Results } from './report';
import { round, since } from './stats';

const QUICK = process.env.BENCH_QUICK === '1';

const SETTINGS = QUICK
  ? {
      coldStartRuns: 3,
      accept: { connections: 32, durationSeconds: 4, warmupSeconds: 2, singleConnectionSeconds: 2 },
      endToEnd: { count: 20, warmup: 5 },
      cost: { count: 10, polls: 5 },
    }
  : {
      coldStartRuns: 15,
      accept: { connections: 32, durationSeconds: 20, warmupSeconds: 5, singleConnectionSeconds: 10 },
      endToEnd: { count: 200, warmup: 20 },
      cost: { count: 50, polls: 20 },
    };

/** The task allows 10 minutes from a fresh clone; stop well before rather than run on. */
const TIME_BUDGET_MS = 9 * 60 * 1000;

const BENCH_DIR = __dirname;
let dynamo: DynamoDbLocal | undefined;

async function cleanUp(): Promise<void> {
  const running = dynamo;
  dynamo = undefined;
  await running?.stop();
}

function exitOn(reason: string, code: number): void {
  console.error(`\nbench: ${reason}; stopping what it started.`);
  void cleanUp().finally(() => process.exit(code));
}

async function phase<T>(phases: PhaseRecord[], name: string, run: () => Promise<T>): Promise<T> {
  const loadBefore = loadAverage()[0]!;
  const started = performance.now();
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${name}…`);
  const result = await run();
  phases.push({ name, seconds: round(since(started) / 1000, 1), loadBefore, loadAfter: loadAverage()[0]! });
  return result;
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = describeMachine();
  const phases: PhaseRecord[] = [];
  console.log(
    `bench: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `load ${machine.loadAverageAtStart.join(' ')}, commit ${machine.gitCommit.slice(0, 12)}` +
      (QUICK ? ' (BENCH_QUICK: shortened phases)' : ''),
  );

  const coldStart = await phase(phases, 'cold start', () =>
    measureColdStarts({ outDir: join(BENCH_DIR, '.tmp', 'bundles'), runs: SETTINGS.coldStartRuns }),
  );

  dynamo = await phase(phases, 'DynamoDB Local start', () => startDynamoDbLocal());
  const dynamoEndpoint = dynamo.endpoint;
  const acceptPath = await phase(phases, 'accept path', () =>
    measureAcceptPath({ dynamoEndpoint, ...SETTINGS.accept }),
  );
  const endToEnd = await phase(phases, 'end to end', () =>
    measureEndToEnd({ dynamoEndpoint, ...SETTINGS.endToEnd }),
  );
  const cost = await phase(phases, 'cost model', async () =>
    measureCost({ dynamoEndpoint, ...SETTINGS.cost, deployment: await readDeployment() }),
  );
  await cleanUp();

  const results: Results = {
    command: QUICK ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench',
    wallSeconds: round(since(started) / 1000, 1),
    machine,
    phases,
    coldStart,
    acceptPath,
    endToEnd,
    cost,
    targets: evaluateTargets(coldStart, acceptPath, endToEnd, cost),
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(BENCH_DIR, 'RESULTS.md'), renderMarkdown(results));
  console.log(`\n${summaryTable(results)}`);
}

process.once('SIGINT', () => exitOn('interrupted', 130));
process.once('SIGTERM', () => exitOn('terminated', 143));
setTimeout(() => exitOn(`over the ${TIME_BUDGET_MS / 60_000}-minute budget`, 1), TIME_BUDGET_MS).unref();

main().then(
  // Aborted workflow executions may still hold timers; the results are written, nothing else is pending.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    exitOn('failed', 1);
  },
);
