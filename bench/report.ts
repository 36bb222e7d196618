/** bench/RESULTS.md: every figure with its method in a line, then the per-function and per-line detail. */
import type { Comparison } from './accept-path';
import { BATCH_SIZE, type BulkFigures } from './bulk';
import { BUNDLE_BUDGET_KIB } from '../lib/bundling';
import type { ColdStartResult } from './cold-start';
import type { CsvFigures } from './csv';
import { ASSUMED, BEFORE_STEPS_WORKFLOW, type Bill } from './cost';
import type { OverheadFigures, ParallelTypesFigures } from './end-to-end';
import { HUNTER_PRICE, PRICES } from './prices';
import { PROVIDER_PER_SECOND, PROVIDER_REFUSES_ABOVE, type PassFigures, type TrafficRun } from './traffic';
import type { UsageFigures } from './usage';

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
  bulk: BulkFigures;
  csv: CsvFigures;
  parallelTypes: ParallelTypesFigures;
  traffic: TrafficRun[];
  usage: UsageFigures;
  bills: Bill[];
}

const range = (values: number[]) => `${Math.min(...values)}–${Math.max(...values)}`;
const target = (met: boolean) => (met ? 'met' : '**missed**');
const usd = (value: number) => `$${value.toFixed(2)}`;

/** Today's run and the traffic-controlled one, first and second pass each. */
function trafficPasses(r: Results): { today: PassFigures[]; controlled: PassFigures[]; count: number } {
  const today = r.traffic.find((t) => t.label === 'today')!.passes;
  const controlled = r.traffic.find((t) => t.label === 'traffic control')!.passes;
  return { today, controlled, count: today[0]!.finishMs.count };
}

/** The summary rows: figure, result, method. */
export function summary(r: Results): string[][] {
  const { bundles, runs, bareNodeMs } = r.coldStart;
  const sizes = range(bundles.map((b) => b.kib));
  const sdk = range(bundles.map((b) => b.awsSdkKib));
  const imports = range(bundles.map((b) => b.requireMs));
  const over = bundles.filter((b) => b.kib > BUNDLE_BUDGET_KIB).map((b) => b.handler);
  return [
    [
      'Bundle size, minified',
      `${sizes} KiB, AWS SDK ${sdk} KiB of it; budget ≤ ${BUNDLE_BUDGET_KIB} KiB: ` +
        (over.length ? `**missed** (${over.join(', ')})` : 'met'),
      `each entry of functions/manifest/ bundled with the construct's esbuild options (lib/bundling.ts: the ` +
        `AWS SDK left to the nodejs22.x runtime, the phone metadata a JSON file beside provider-step's bundle)`,
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
    ...r.acceptPath.map((c) => [
      `Accept with the account rate limit, ${c.connections === 1 ? '1 connection' : `${c.connections} connections`}`,
      `${c.limited.p50} / ${c.limited.p99} ms, **×${c.bucketRatio.p50}** p50 and **×${c.bucketRatio.p99}** p99 ` +
        `without it; target ≤ 1.05×: ${c.bucketRatio.p50 <= 1.05 && c.bucketRatio.p99 <= 1.05 ? 'met' : '**missed**'}`,
      `the same ${c.seconds} s load right after, for an account with its own rate (${c.limited.perSecond}/s, ` +
        `${c.limited.failed} failed), which nothing exceeds: its bucket is taken in every reservation's update; ` +
        `with many requests of the one account at once, a take from its full bucket that another request's ` +
        `commit overtook is decided again (one more transaction)`,
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
    ...bulkRows(r),
    [
      `CSV enrichment, ${r.csv.rows} rows`,
      `**${r.csv.csvRowsPerSecond} rows/s** (${r.csv.csvSeconds} s), **×${r.csv.ratio}** the time of the same ` +
        `contacts sent by the bulk route directly (${r.csv.bulkRowsPerSecond} rows/s)`,
      `\`enrichCsv\` on a generated file, every batch waited for, against 10 bulk POSTs of 100 and their batches ` +
        `waited for, same client; new people each run; bulk, CSV, CSV, bulk, summed (csv.ts)`,
    ],
    ...trafficRows(r),
    ...usageRows(r.usage),
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

function bulkRows(r: Results): string[][] {
  const b = r.bulk;
  const s = b.batchAcceptSpans;
  return [
    [
      `Batch accept, ${BATCH_SIZE} contacts`,
      `p50 **${b.batchAcceptMs.p50} ms**, **×${b.ratio}** one single accept (p50 ${b.singleAcceptMs.p50} ms); ` +
        `target ≤ 20×: ${target(b.ratio <= 20)}. Its spans (p50): ${s.validateMs} ms to its first DynamoDB ` +
        `request, ${s.dynamoRequests} requests in ${s.dynamoMs} ms, ${BATCH_SIZE} workflow starts in ` +
        `${s.startsMs} ms, ${s.answerMs} ms to the 202`,
      `${b.batchAcceptMs.count} batches and ${b.singleAcceptMs.count} single POSTs of one-type contacts, one ` +
        `request at a time, new people each, the next once the last finished; their workflows run in the same ` +
        `process (bulk.ts)`,
    ],
    [
      `POST → batch finished, ${BATCH_SIZE} contacts`,
      `all finished p50 ${b.allFinishedMs.p50} ms; batch webhook received p50 **${b.batchWebhookMs.p50} ms**, ` +
        `slowest ${b.worstBatchWebhookMs} ms; target ≤ 5 s: ${target(b.worstBatchWebhookMs <= 5000)}`,
      `the same batches; instant sandbox providers, default settings, 1 ms state machine pauses; finished = ` +
        `each contact's RecordResult progress line, webhook = its arrival on 127.0.0.1`,
    ],
  ];
}

/** GET /account/usage and the scorecard read at each size: latency, commands, read units. */
export function usageRows(u: UsageFigures): string[][] {
  const commands = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([name, n]) => `${n} ${name.replace(/Command$/, '')}`)
      .join(', ');
  const method = (what: string) =>
    `${what}; seeded through the real accept and finish stores (email and phone, finished over the last 30 ` +
    `days), commands and read units counted by SDK middleware (usage.ts); target: the same commands at every size`;
  return u.sizes.flatMap((s) => [
    [
      `GET /account/usage, ${s.finished.toLocaleString('en-US')} finished`,
      `p50 **${s.usage.ms.p50} ms**, p99 ${s.usage.ms.p99} ms; ${commands(s.usage.commands)}, ` +
        `${s.usage.readUnits} read units; same commands at every size: ${target(u.sameReads)}`,
      method(`${s.usage.ms.count} GETs over HTTP of the local stack, default range (30 days)`),
    ],
    [
      `providers stats, ${s.finished.toLocaleString('en-US')} finished`,
      `p50 **${s.scorecard.ms.p50} ms**, p99 ${s.scorecard.ms.p99} ms; ${commands(s.scorecard.commands)}, ` +
        `${s.scorecard.readUnits} read units`,
      method(`${s.scorecard.ms.count} reads of 30 days, in-process (the operator CLI's code)`),
    ],
  ]);
}

function trafficRows(r: Results): string[][] {
  const { today, controlled, count } = trafficPasses(r);
  const method =
    `${count} one-type email enrichments posted at once to a stack whose waterfall asks \`hunter\`, pointed at ` +
    `the provider simulator (refuses over ${PROVIDER_REFUSES_ABOVE} requests in any second; latency p50 1.5 s, ` +
    `p99 8 s), then \`sandbox-secondary\`; real state machine waits; today = no rate limit, cache off`;
  const [first, second] = [0, 1];
  return [
    [
      'Provider refusals (simulator over its rate)',
      `today ${today[first]!.refusals}; with a ${PROVIDER_PER_SECOND}/s limit **${controlled[first]!.refusals}**; ` +
        `target 0: ${target(controlled[first]!.refusals === 0)}`,
      method,
    ],
    [
      'Provider calls per enrichment',
      `today ${today[first]!.callsPerEnrichment}; with the limit **${controlled[first]!.callsPerEnrichment}**`,
      'requests the simulator received / enrichments (refused ones included)',
    ],
    [
      'POST → finished against the simulator',
      `today p50 ${today[first]!.finishMs.p50} ms, p99 ${today[first]!.finishMs.p99} ms; with the limit p50 ` +
        `**${controlled[first]!.finishMs.p50} ms**, p99 ${controlled[first]!.finishMs.p99} ms`,
      'each POST to its RecordResult progress line',
    ],
    [
      'Second pass, the same people: provider calls',
      `today ${today[second]!.providerCalls} (cache off${
        today[second]!.breakerSkips
          ? `; hunter skipped by the breaker its first pass opened in ${today[second]!.breakerSkips} of ${count}`
          : ''
      }); with the results cache **${controlled[second]!.providerCalls}**; ` +
        `target 0: ${target(controlled[second]!.providerCalls === 0)}; Hunter fees saved ` +
        `**${usd(controlled[second]!.feesSavedUsd)}** (${usd((controlled[second]!.feesSavedUsd / count) * 1000)} per 1,000)`,
      `the same ${count} enrichments again on the same stacks; fees at $${HUNTER_PRICE.usdPerFind} per email ` +
        `Hunter found (${HUNTER_PRICE.plan})`,
    ],
  ];
}

function trafficSection(r: Results): string {
  const { today, controlled, count } = trafficPasses(r);
  const columns: Array<[string, PassFigures]> = [
    ['today, 1st pass', today[0]!],
    ['today, 2nd pass', today[1]!],
    ['limit + cache, 1st pass', controlled[0]!],
    ['limit + cache, 2nd pass', controlled[1]!],
  ];
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') || '–';
  const rows: Array<[string, (p: PassFigures) => string | number]> = [
    ['refusals received', (p) => p.refusals],
    ['provider calls (per enrichment)', (p) => `${p.providerCalls} (${p.callsPerEnrichment})`],
    ['most calls within one second', (p) => p.maxCallsInAnySecond],
    ['POST → finished p50 / p99 ms', (p) => `${p.finishMs.p50} / ${p.finishMs.p99}`],
    ['email found by', (p) => counts(p.foundBy)],
    ["hunter's errors, by detail", (p) => counts(p.hunterErrors)],
    ['enrichments where the breaker skipped hunter', (p) => p.breakerSkips],
    ['Hunter fees paid / saved by the cache', (p) => `${usd(p.hunterFeesUsd)} / ${usd(p.feesSavedUsd)}`],
  ];
  const quota = columns.some(([, p]) => Object.keys(p.hunterErrors).some((d) => d.includes('HTTP 429')));
  return `## Provider traffic control

${count} people (one type, email) enriched at once, then the same people again, on two stacks: **today**, no
rate limit for hunter (RATE_LIMITS gives it 10,000/s, the setting's maximum; unset, the catalog's documented
15/s would apply) and no results cache (RESULT_CACHE_DAYS=0); **limit + cache**, RATE_LIMITS
\`{"hunter":{"perSecond":${PROVIDER_PER_SECOND}}}\` and the results cache at its defaults (30 days, account scope). Each
stack has its own table and its own simulator (test/support/provider-simulator.ts, Hunter's email finder on
127.0.0.1), which refuses (403, as Hunter does) what goes over ${PROVIDER_REFUSES_ABOVE} requests in any rolling second. The breaker
cool-down is the default 300 s, so a breaker opened in the first pass is still open in the second.

${table(
  ['', ...columns.map(([name]) => name)],
  rows.map(([name, value]) => [name, ...columns.map(([, p]) => value(p))]),
)}
${
  controlled[0]!.refusals
    ? `
The limiter lets a provider have up to twice its limit within one second (half a second's calls at once, then the
steady rate; README "Provider traffic control"), and a slot's wait in the state machine lasts whole seconds, so
calls bunch; the simulator counts any rolling second, so a limit equal to its own still meets refusals (the
integration test sets 5/s against the simulator's 10).
`
    : ''
}${
    quota
      ? `
The simulator refuses with 429, which Hunter documents as its used-up monthly quota (its rate limit is 403;
functions/providers/hunter.ts): the adapter reads it as "out of credits" and opens hunter's breaker at once, so
the enrichments that come later skip hunter and get their email from \`sandbox-secondary\`.
`
      : ''
  }
Hunter's price: $${HUNTER_PRICE.usdPerFind} per email found (${HUNTER_PRICE.plan}; Hunter counts a request only
when it finds an email; Starter costs $0.0245 a credit, Scale $0.012, yearly billing 30% less). Source:
${HUNTER_PRICE.source}, looked up ${HUNTER_PRICE.checked}.
`;
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
    `(\`startLocalStack\`), sandbox providers, the provider simulator; nothing calls AWS or a provider. Raw figures: bench/results.json (not in git).
${quick}
${table(['Figure', 'Result', 'Method'], summary(r))}

The \`flaky\` ratio: each type waits through three retry pauses of 2, 4 and 8 s (no jitter), so types that run
in parallel end together and give a ratio of about 1; one after another they would give about 3. Once the first
provider has failed on most of ten calls within a minute, its circuit breaker skips it for the remaining attempts.

${trafficSection(r)}
## Cold start by function

Lambda adds what this machine cannot show: fetching the code, starting the runtime, and a CPU share
proportional to memory (512 MB is about 0.29 of a vCPU), so its init takes several times these figures.

${table(
  [
    'Function',
    'KiB',
    'AWS SDK KiB',
    'Largest parts, KiB',
    'Runtime SDK clients',
    'Data beside, KiB',
    'require() ms',
  ],
  r.coldStart.bundles.map((b) => [
    b.handler,
    b.kib,
    b.awsSdkKib,
    b.top.map((t) => `${t.name} ${t.kib}`).join(', '),
    b.runtimeClients.map((c) => c.replace('@aws-sdk/', '')).join(', '),
    b.dataKib,
    b.requireMs,
  ]),
)}

## Bill per 1,000 enrichments

Counted in the run: Standard state transitions (states the waterfall entered, from the local workflow's
execution summaries), Express steps runs and their durations (each rounded up to 100 ms, billed at
${ASSUMED.expressBilledMemoryMb} MB), ProviderStep invocations, log and metric bytes at INFO. From the access patterns (bench/cost.ts): the DynamoDB
calls, priced per 4 KB read (half when eventually consistent) and 1 KB write (twice in a transaction), each item
at the largest size of its kind in the table; 1 API request; 3 SQS requests per webhook. Assumed: ${ASSUMED.memoryMb} MB
arm64, ${ASSUMED.billedMsPerInvocation} ms billed per invocation, ${ASSUMED.platformLogBytes} B of platform log per
invocation and ${ASSUMED.accessLogBytes} B of access log per request. Left out: provider fees, free tiers, X-Ray,
monthly items (alarms, dashboard, secret, the sweeper). Prices: ${PRICES.region}, checked ${PRICES.checked}
(bench/prices.ts names the pages).

${table(['Item', ...r.bills.flatMap((b) => [`(${b.id}) per enrichment`, `(${b.id}) USD per 1,000`])], [...billRows, ['**Total**', ...r.bills.flatMap((b) => ['', `**$${b.usdPer1000}**`])]])}

${dynamo.join('\n')}
- Before the provider steps ran in the Express steps workflow (commit \`${BEFORE_STEPS_WORKFLOW.commit}\`): ` +
    `${r.bills.map((b) => `(${b.id}) ${BEFORE_STEPS_WORKFLOW[b.id].stateTransitions} Standard transitions, $${BEFORE_STEPS_WORKFLOW[b.id].usdPer1000}`).join('; ')}.
`
  );
}
