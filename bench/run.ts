/**
 * `npm run bench`: cold start, accept path, end-to-end overhead with the bill it implies, bulk enrichment, CSV
 * enrichment, three-type against one-type enrichments, and provider traffic control against the provider simulator,
 * one after another on one DynamoDB Local; then bench/RESULTS.md and bench/results.json.
 * Everything it starts is stopped before it exits, also on Ctrl-C and past the time limit.
 *
 * BENCH_QUICK=1 shortens every phase (a check that the benchmarks work; its figures mean little).
 * BENCH_ONLY=usage,cold-start,… runs only the phases named (the keys of PHASES_ALONE) and prints their figures;
 * bench/RESULTS.md and bench/results.json are left as they are.
 */
import './lambda-logs';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local';
import { measureAcceptPath } from './accept-path';
import { measureBulk } from './bulk';
import { measureColdStarts } from './cold-start';
import { measureCsv } from './csv';
import { bill } from './cost';
import { measureOverhead, measureParallelTypes, SCENARIOS } from './end-to-end';
import { renderMarkdown, summary, usageRows, type Results } from './report';
import { round, since } from './stats';
import { measureTrafficControl } from './traffic';
import { measureUsage } from './usage';

const QUICK = process.env.BENCH_QUICK === '1';
const SETTINGS = {
  coldStartRuns: QUICK ? 2 : 10,
  acceptSeconds: QUICK ? 2 : 10,
  acceptWarmupSeconds: QUICK ? 2 : 5,
  enrichments: QUICK ? 20 : 200,
  warmup: QUICK ? 5 : 20,
  flakySamples: QUICK ? 2 : 8,
  batches: QUICK ? 2 : 5,
  singleAccepts: QUICK ? 5 : 20,
  trafficEnrichments: QUICK ? 40 : 200,
  csvRows: QUICK ? 200 : 1000,
  usageSizes: QUICK ? [100, 1000] : [100, 10_000],
};

/** The phases BENCH_ONLY may name, each answering its figures (report rows, or the raw figures). */
const PHASES_ALONE: Record<string, (endpoint: string) => Promise<unknown>> = {
  usage: async (endpoint) => usageRows(await measureUsage(endpoint, SETTINGS.usageSizes)),
  'cold-start': () => coldStarts(),
  bulk: (endpoint) => measureBulk(endpoint, SETTINGS.batches, SETTINGS.singleAccepts),
  'end-to-end': async (endpoint) => {
    const bills: Record<string, unknown> = {};
    for (const scenario of SCENARIOS) {
      const figures = await phase(`end to end (${scenario.id})`, () =>
        measureOverhead(endpoint, scenario, SETTINGS.enrichments, SETTINGS.warmup),
      );
      const { lines, usdPer1000, tableDifferences } = bill(figures);
      bills[scenario.id] = { title: scenario.title, usdPer1000, lines, tableDifferences };
    }
    return bills;
  },
};
const ONLY = process.env.BENCH_ONLY?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
/** A run that takes longer than this is stuck, not slow. */
const TIME_LIMIT_MS = 12 * 60_000;

let dynamo: DynamoDbLocal | undefined;

const coldStarts = () => measureColdStarts(join(__dirname, '.tmp', 'bundles'), SETTINGS.coldStartRuns);

function exit(reason: string, code: number): void {
  console.error(`bench: ${reason}; stopping what it started.`);
  void (dynamo?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
}

async function phase<T>(name: string, run: () => Promise<T>): Promise<T> {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${name}…`);
  return run();
}

function git(...args: string[]): string {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

function isRows(figures: unknown): figures is string[][] {
  return Array.isArray(figures) && figures.every((row) => Array.isArray(row));
}

async function runOnly(names: string[]): Promise<void> {
  const unknown = names.filter((name) => !PHASES_ALONE[name]);
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown phase(s) ${unknown.join(', ')}`);
  dynamo = await startDynamoDbLocal();
  const endpoint = dynamo.endpoint;
  for (const name of names) {
    const figures = await phase(name, () => PHASES_ALONE[name]!(endpoint));
    console.log(
      isRows(figures)
        ? figures.map(([figure, result]) => `${figure}: ${result}`).join('\n')
        : JSON.stringify(figures, null, 2),
    );
  }
  await dynamo.stop();
  dynamo = undefined;
}

async function main(): Promise<void> {
  if (ONLY) return runOnly(ONLY);
  const started = performance.now();
  const loadAverage = loadavg().map((value) => round(value));
  const coldStart = await phase('cold start', coldStarts);
  dynamo = await startDynamoDbLocal();
  const endpoint = dynamo.endpoint;
  const acceptPath = await phase('accept path', () =>
    measureAcceptPath(
      endpoint,
      [1, 32].map((connections) => ({ connections, seconds: SETTINGS.acceptSeconds })),
      SETTINGS.acceptWarmupSeconds,
    ),
  );
  const overhead = [];
  for (const scenario of SCENARIOS) {
    overhead.push(
      await phase(`end to end (${scenario.id})`, () =>
        measureOverhead(endpoint, scenario, SETTINGS.enrichments, SETTINGS.warmup),
      ),
    );
  }
  const bulk = await phase('bulk enrichment', () =>
    measureBulk(endpoint, SETTINGS.batches, SETTINGS.singleAccepts),
  );
  const csv = await phase('CSV enrichment', () => measureCsv(endpoint, SETTINGS.csvRows));
  const parallelTypes = await phase('three-type vs one-type flaky', () =>
    measureParallelTypes(endpoint, SETTINGS.flakySamples),
  );
  const traffic = await phase('provider traffic control', () =>
    measureTrafficControl(endpoint, SETTINGS.trafficEnrichments),
  );
  const usage = await phase('usage', () => measureUsage(endpoint, SETTINGS.usageSizes));
  await dynamo.stop();
  dynamo = undefined;

  const status = git('status', '--porcelain');
  const results: Results = {
    quick: QUICK,
    date: new Date().toISOString(),
    commit: git('rev-parse', 'HEAD'),
    uncommittedFiles: status ? status.split('\n').length : 0,
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`,
    loadAverage,
    wallSeconds: round(since(started) / 1000, 1),
    coldStart,
    acceptPath,
    overhead,
    bulk,
    csv,
    parallelTypes,
    traffic,
    usage,
    bills: overhead.map(bill),
  };
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(__dirname, 'RESULTS.md'), renderMarkdown(results));
  console.log(
    `\n${summary(results)
      .map(([figure, result]) => `${figure}: ${result}`)
      .join('\n')}`,
  );
  console.log(`\nbench/RESULTS.md written${QUICK ? ' (quick run)' : ''} in ${results.wallSeconds} s.`);
}

process.once('SIGINT', () => exit('interrupted', 130));
process.once('SIGTERM', () => exit('terminated', 143));
setTimeout(() => exit(`still running after ${TIME_LIMIT_MS / 60_000} minutes`, 1), TIME_LIMIT_MS).unref();

main().then(
  // Executions aborted when their stack stopped may still hold timers; everything is written.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    exit('failed', 1);
  },
);
