/** bench/RESULTS.md: every figure with its method in a line, then the per-function and per-line detail. */
import type { Comparison } from './accept-path';
import type { ColdStartResult } from './cold-start';
import { ASSUMED, type Bill } from './cost';
import type { OverheadFigures, ParallelTypesFigures } from './end-to-end';
import { PRICES } from './prices';

export interface Results {
  quick: boolean;
  date: string;
  commit: string;
  uncommittedFiles: number;
  machine: string;
  loadAverage: number[];
  wallSeconds: number;
  coldStart: ColdStartResult;
  acceptPath: Comparison[];
  overhead: OverheadFigures[];
  parallelTypes: ParallelTypesFigures;
  bills: Bill[];
}

const range = (values: number[]) => `${Math.min(...values)}–${Math.max(...values)}`;

/** The summary rows: figure, result, method. */
export function summary(r: Results): string[][] {
  const { bundles, runs, bareNodeMs } = r.coldStart;
  const sizes = range(bundles.map((b) => b.kib));
  const sdk = range(bundles.map((b) => b.awsSdkKib));
  const imports = range(bundles.map((b) => b.requireMs));
  return [
    [
      'Bundle size, minified',
      `${sizes} KiB, AWS SDK ${sdk} KiB of it`,
      `each entry of functions/lambda/ bundled with the CDK construct's esbuild options (SDK bundled)`,
    ],
    [
      'Module import (cold start)',
      `${imports} ms median; bare \`node -e 0\` process ${bareNodeMs} ms`,
      `\`require(bundle)\` timed in ${runs} fresh \`node --enable-source-maps\` processes per bundle`,
    ],
    ...r.acceptPath.map((c) => [
      `Accept p50 / p99, ${c.connections === 1 ? '1 connection' : `${c.connections} connections`}`,
      `${c.api.p50} / ${c.api.p99} ms, **×${c.ratio}** the bare DynamoDB calls (${c.direct.p50} / ${c.direct.p99} ms)`,
      `${c.seconds} s of POSTs (autocannon, ${c.api.perSecond}/s, ${c.api.failed} failed) vs GetItem + ` +
        `TransactWriteItems(3) through the SDK, same table and concurrency (accept-path.ts)`,
    ]),
    ...r.overhead.map((o) => [
      `POST → finished, (${o.id}) ${o.title}`,
      `p50 **${o.finishMs.p50} ms**, p99 ${o.finishMs.p99} ms; webhook received p50 ${o.webhookMs.p50} ms`,
      `${o.finishMs.count} enrichments one at a time, instant providers, 1 ms state machine pauses; finished = ` +
        `RecordResult's progress line`,
    ]),
    [
      'POST → finished, three-type `flaky` / one-type `flaky`',
      `**×${r.parallelTypes.ratio}** (three types: ${r.parallelTypes.threeTypesSeconds.join(', ')} s; one type: ` +
        `${r.parallelTypes.oneTypeSeconds.join(', ')} s)`,
      `ratio of medians; real retry pauses; each enrichment on its own stack, all at once; breaker skipped the ` +
        `first provider in ${r.parallelTypes.breakerSkips} of ${r.parallelTypes.threeTypesSeconds.length} three-type runs`,
    ],
    ...r.bills.map((b) => [
      `AWS bill per 1,000 enrichments, (${b.id})`,
      `**$${b.usdPer1000}**`,
      `operations counted per enrichment × ${PRICES.region} prices (cost.ts)` +
        (b.tableDifferences.length
          ? `; **table of DynamoDB calls out of date**: ${b.tableDifferences.join(', ')}`
          : ''),
    ]),
  ];
}

const table = (header: string[], rows: Array<Array<string | number>>) =>
  [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');

export function renderMarkdown(r: Results): string {
  const quick = r.quick
    ? '\n**Quick run** (`BENCH_QUICK=1`): every phase shortened, so the timings only show that the benchmarks ' +
      "work; sizes, counted operations and the bill do not depend on the run's length.\n"
    : '';
  const billRows = r.bills[0]!.lines.map((line, i) => [
    line.item,
    ...r.bills.flatMap((b) => [b.lines[i]!.perEnrichment, `$${b.lines[i]!.usdPer1000}`]),
  ]);
  const dynamo = r.bills.map((b) => {
    const items = Object.entries(r.overhead.find((o) => o.id === b.id)!.itemBytes);
    const check = b.tableDifferences.length
      ? `the calls counted in the run differ (table → counted): ${b.tableDifferences.join(', ')}`
      : 'the calls counted in the run match the table';
    return `- (${b.id}): ${b.readUnits} read and ${b.writeUnits} write units; largest items ${items.map(([k, v]) => `${k} ${v} B`).join(', ')}; ${check}.`;
  });
  return (
    `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); do not edit. ${r.date}, commit \`${r.commit.slice(0, 12)}\`` +
    `${r.uncommittedFiles ? ` with ${r.uncommittedFiles} uncommitted file(s)` : ''}, ${r.machine}, load average ` +
    `${r.loadAverage.join(' ')} at start (above the core count, other work shared the machine and every latency ` +
    `is inflated), ${r.wallSeconds} s. Everything runs on 127.0.0.1: DynamoDB Local, the local stack ` +
    `(\`startLocalStack\`), sandbox providers; nothing calls AWS. Raw figures: bench/results.json (not in git).
${quick}
${table(['Figure', 'Result', 'Method'], summary(r))}

The \`flaky\` ratio: each type waits through three retry pauses with full jitter (0–2, 0–4, 0–8 s), and three
types in parallel end with the slowest of three, so even perfectly parallel types give a ratio of medians of
about 1.34 (9.4 s against 7.0 s of pauses); one after another they would give about 3. Once the first provider
has failed on most of ten calls within a minute, its circuit breaker skips it for the remaining attempts.

## Cold start by function

Lambda adds what this machine cannot show: fetching the code, starting the runtime, and a CPU share
proportional to memory (512 MB is about 0.29 of a vCPU), so its init takes several times these figures.

${table(
  ['Function', 'KiB', 'AWS SDK KiB', 'require() ms'],
  r.coldStart.bundles.map((b) => [b.handler, b.kib, b.awsSdkKib, b.requireMs]),
)}

## Bill per 1,000 enrichments

Counted in the run: state transitions (states entered, from the local workflow's execution summaries),
ProviderStep invocations, log and metric bytes at INFO. From the access patterns (bench/cost.ts): the DynamoDB
calls, priced per 4 KB read (half when eventually consistent) and 1 KB write (twice in a transaction), each item
at the largest size of its kind in the table; 1 API request; 3 SQS requests per webhook. Assumed: ${ASSUMED.memoryMb} MB
arm64, ${ASSUMED.billedMsPerInvocation} ms billed per invocation, ${ASSUMED.platformLogBytes} B of platform log per
invocation and ${ASSUMED.accessLogBytes} B of access log per request. Left out: provider fees, free tiers, X-Ray,
monthly items (alarms, dashboard, secret, the sweeper). Prices: ${PRICES.region}, checked ${PRICES.checked}
(bench/prices.ts names the pages).

${table(['Item', ...r.bills.flatMap((b) => [`(${b.id}) per enrichment`, `(${b.id}) USD per 1,000`])], [...billRows, ['**Total**', ...r.bills.flatMap((b) => ['', `**$${b.usdPer1000}**`])]])}

${dynamo.join('\n')}
`
  );
}
