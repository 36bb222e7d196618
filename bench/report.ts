/**
 * Turns one run's results into the summary table printed at the end of `npm run bench` and into
 * bench/RESULTS.md: every figure beside the method that produced it, the machine, its load, the commit.
 */
import type { AcceptPathResult, Comparison } from './accept-path';
import type { ColdStartResult } from './cold-start';
import type { CostResult } from './cost-model';
import type { EndToEndResult, ScenarioFigures } from './end-to-end';
import type { Machine } from './machine';
import type { FunctionName } from './product-probe';
import { round } from './stats';

export interface PhaseRecord {
  name: string;
  seconds: number;
  /** os.loadavg() 1-minute figure when the phase started and ended. */
  loadBefore: number;
  loadAfter: number;
}

export interface Results {
  command: string;
  wallSeconds: number;
  machine: Machine;
  phases: PhaseRecord[];
  coldStart: ColdStartResult;
  acceptPath: AcceptPathResult;
  endToEnd: EndToEndResult;
  cost: CostResult;
  targets: Target[];
}

export interface Target {
  measure: string;
  result: string;
  target: string;
  /** null for the figures reported without a target. */
  met: boolean | null;
}

export const TARGETS = {
  bundleKiB: 250,
  requireMs: 100,
  acceptOverheadRatio: 1.5,
  endToEndP50Ms: 300,
  usdPer1000: 0.25,
};

const usd = (value: number) => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;
const ms = (value: number) => `${round(value, 1)} ms`;

export function evaluateTargets(
  coldStart: ColdStartResult,
  accept: AcceptPathResult,
  endToEnd: EndToEndResult,
  cost: CostResult,
): Target[] {
  const largest = coldStart.bundles.reduce((a, b) => (b.sizeKiB > a.sizeKiB ? b : a));
  const slowest = coldStart.bundles.reduce((a, b) => (b.requireMs > a.requireMs ? b : a));
  const targets: Target[] = [
    {
      measure: 'Largest bundle (minified)',
      result: `${largest.sizeKiB} KiB (${largest.handler}); ${coldStart.bundles.filter((b) => b.sizeKiB <= TARGETS.bundleKiB).length}/${coldStart.bundles.length} within target`,
      target: `≤ ${TARGETS.bundleKiB} KiB each`,
      met: largest.sizeKiB <= TARGETS.bundleKiB,
    },
    {
      measure: 'Slowest bundle import (median)',
      result: `${ms(slowest.requireMs)} (${slowest.handler}); ${coldStart.bundles.filter((b) => b.requireMs <= TARGETS.requireMs).length}/${coldStart.bundles.length} within target`,
      target: `≤ ${TARGETS.requireMs} ms each`,
      met: slowest.requireMs <= TARGETS.requireMs,
    },
    {
      measure: `Accept p50 / direct DynamoDB p50, ${accept.concurrent.connections} connections`,
      result: `${accept.concurrent.overheadRatioP50} (${ms(accept.concurrent.accept.p50Ms)} vs ${ms(accept.concurrent.directDynamoDb.p50Ms)})`,
      target: `≤ ${TARGETS.acceptOverheadRatio}`,
      met: accept.concurrent.overheadRatioP50 <= TARGETS.acceptOverheadRatio,
    },
  ];
  const a = endToEnd.scenarios.find((s) => s.id === 'a');
  if (a) {
    targets.push({
      measure: 'End-to-end p50, (a) one type, first-provider hit',
      result: ms(a.finishMs.p50),
      target: `≤ ${TARGETS.endToEndP50Ms} ms`,
      met: a.finishMs.p50 <= TARGETS.endToEndP50Ms,
    });
  }
  for (const bill of cost.bills) {
    targets.push({
      measure: `AWS bill per 1,000 enrichments, (${bill.scenario}), Standard workflow (deployed)`,
      result: `${usd(bill.usdPer1000Standard)} (Express would be ${usd(bill.usdPer1000Express)})`,
      target: `≤ $${TARGETS.usdPer1000.toFixed(2)}`,
      met: bill.usdPer1000Standard <= TARGETS.usdPer1000,
    });
  }
  const c = accept.concurrent;
  targets.push(
    {
      measure: `Accepted requests, ${c.connections} connections`,
      result: `${c.accept.requestsPerSecond} req/s, p99 ${ms(c.accept.p99Ms)}, ${c.accept.errors + c.accept.timeouts} errors, ${c.accept.non2xx} non-2xx`,
      target: '—',
      met: null,
    },
    {
      measure: 'Accept p50 / direct DynamoDB p50, 1 connection',
      result: `${accept.singleConnection.overheadRatioP50} (${ms(accept.singleConnection.accept.p50Ms)} vs ${ms(accept.singleConnection.directDynamoDb.p50Ms)})`,
      target: '—',
      met: null,
    },
  );
  for (const scenario of endToEnd.scenarios) {
    targets.push({
      measure: `End-to-end (${scenario.id}): p50 / p99, CPU per enrichment`,
      result: `${ms(scenario.finishMs.p50)} / ${ms(scenario.finishMs.p99)}, ${scenario.cpuMsPerEnrichment} ms CPU`,
      target: '—',
      met: null,
    });
  }
  return targets;
}

const metCell = (met: boolean | null, no: string) => (met === null ? '—' : met ? 'yes' : no);

/** A fixed-width table for the terminal. */
export function summaryTable(results: Results): string {
  const rows = [
    ['Measure', 'Result', 'Target', 'Met'],
    ...results.targets.map((t) => [t.measure, t.result, t.target, metCell(t.met, 'NO')]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  const load = results.phases.map((p) => `${p.name} ${p.loadBefore}→${p.loadAfter}`).join(', ');
  return [
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
    '',
    `Load average (1 min) per phase on ${results.machine.cores} cores: ${load}`,
    `Wall time ${results.wallSeconds} s. Details: bench/RESULTS.md, bench/results.json`,
  ].join('\n');
}

/** How many provider calls per enrichment fit under the target with Standard, from scenario (a)'s bill. */
function costReading(cost: CostResult): string {
  const a = cost.bills.find((bill) => bill.scenario === 'a');
  if (!a) return '';
  const perTransition = cost.prices.stepFunctionsStandardPerThousandTransitions.usd;
  const rest = a.usdPer1000Standard - a.standardWorkflow.usdPer1000;
  // transitions = 2 per provider call (ProviderStep Task, Route Choice) + 1 (RecordResult)
  const calls = Math.floor(((TARGETS.usdPer1000 - rest) / perTransition - 1) / 2);
  return (
    `Each provider call adds two state transitions (the ProviderStep Task and the Route Choice): ` +
    `${usd(2 * perTransition)} per 1,000 enrichments with Standard. With the rest of (a)'s bill ` +
    `(${usd(rest)} per 1,000), Standard stays within $${TARGETS.usdPer1000.toFixed(2)} up to about ${calls} provider ` +
    `calls per enrichment; every miss before a hit is one more call.`
  );
}

function acceptReading(accept: AcceptPathResult): string {
  const c = accept.concurrent;
  const share = round((c.accept.requestsPerSecond / c.directDynamoDb.pairsPerSecond) * 100, 0);
  return (
    `With ${c.connections} connections the API accepted ${c.accept.requestsPerSecond} requests/s, ${share}% of ` +
    `the ${c.directDynamoDb.pairsPerSecond} GetItem + TransactWriteItems pairs/s that DynamoDB Local completes ` +
    `alone: both wait mostly in DynamoDB Local's queue (a Java process on the same cores as the API, ` +
    `the load generator and whatever else runs), so the p50 ratio at this concurrency mostly compares two queues.` +
    (c.overheadRatioP50 < 1
      ? ` A ratio under 1 does not make the API faster than its own storage calls: the two runs are consecutive ` +
        `windows on a shared machine, and their difference is within its noise.`
      : '')
  );
}

const span = (values: number[]) =>
  Math.min(...values) === Math.max(...values)
    ? `${Math.min(...values)}`
    : `${Math.min(...values)}–${Math.max(...values)}`;

/** Where the bytes come from, in words, from this run's bundles. */
function coldStartReading(coldStart: ColdStartResult): string {
  const bundles = coldStart.bundles;
  const sdk = bundles.map((b) => b.awsSdkKiB);
  const own = bundles.map((b) => b.projectCodeKiB);
  const heavy = new Map<string, number>();
  for (const b of bundles) {
    for (const p of b.largestPackages) {
      if (!/^@(aws-sdk|smithy|aws-crypto)\//.test(p.name) && p.kib >= 20) {
        heavy.set(p.name, Math.max(heavy.get(p.name) ?? 0, p.kib));
      }
    }
  }
  const others = [...heavy.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, kib]) => `\`${name}\` (up to ${kib} KiB)`);
  const sdkAlone = Math.min(...sdk) > TARGETS.bundleKiB;
  return (
    `The AWS SDK v3 alone (@aws-sdk/*, @smithy/*, bundled as the CDK construct asks) is ${span(sdk)} KiB of every ` +
    `function${sdkAlone ? `, more than the ${TARGETS.bundleKiB} KiB target by itself` : ''}; the product’s own code ` +
    `is ${span(own)} KiB.` +
    (others.length ? ` Other heavy packages: ${others.join(', ')}.` : '')
  );
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function comparisonRow(label: string, c: Comparison): Array<string | number> {
  const errors = c.accept.errors + c.accept.timeouts + c.accept.non2xx;
  return [
    label,
    c.accept.requestsPerSecond,
    ms(c.accept.p50Ms),
    ms(c.accept.p99Ms),
    `${errors} (${c.accept.errors} errors, ${c.accept.timeouts} timeouts, ${c.accept.non2xx} non-2xx)`,
    c.directDynamoDb.pairsPerSecond,
    ms(c.directDynamoDb.p50Ms),
    ms(c.directDynamoDb.p99Ms),
    `**${c.overheadRatioP50}**`,
  ];
}

const FUNCTION_ORDER: FunctionName[] = [
  'authorizer',
  'accept',
  'provider-step',
  'record-result',
  'deliver-webhook',
  'get-contact',
  'credits',
];

function invocationsCell(s: ScenarioFigures): string {
  return FUNCTION_ORDER.filter((name) => s.invocations[name])
    .map((name) => `${name} ×${s.invocations[name]!.perEnrichment} (p50 ${ms(s.invocations[name]!.p50Ms)})`)
    .join('<br>');
}

export function renderMarkdown(results: Results): string {
  const { machine, coldStart, acceptPath, endToEnd, cost } = results;
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);

  push(
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit by hand. What it answers for someone choosing',
    'between running this product in their own AWS account and paying a SaaS: how fast a request is accepted,',
    'what the product adds on top of the providers’ own latency, how cold starts feel, and what AWS bills per',
    'enrichment. Everything runs on 127.0.0.1 (DynamoDB Local, the local stack, sandbox providers); nothing',
    'calls AWS. Raw figures: `bench/results.json`.',
    '',
    '## This run',
    '',
    table(
      ['', ''],
      [
        ['Date', machine.date],
        [
          'Commit',
          `\`${machine.gitCommit}\`${machine.uncommittedFiles ? ` plus ${machine.uncommittedFiles} uncommitted file(s) in the working tree` : ''}`,
        ],
        ['CPU', `${machine.cpuModel}, ${machine.cores} cores`],
        ['Memory', `${machine.memoryGiB} GiB`],
        ['Node', `${machine.node} (${machine.platform})`],
        ['Load average at start (1, 5, 15 min)', machine.loadAverageAtStart.join(', ')],
        ['Command', `\`${results.command}\`, ${results.wallSeconds} s wall time`],
      ],
    ),
    '',
    'Load average per phase (1-minute figure at its start → end). Other jobs shared this machine: a load',
    `above ${machine.cores} means processes were waiting for a core, and every latency below is inflated by it.`,
    '',
    table(
      ['Phase', 'Seconds', 'Load before', 'Load after'],
      results.phases.map((p) => [p.name, p.seconds, p.loadBefore, p.loadAfter]),
    ),
    '',
    '## Summary',
    '',
    table(
      ['Measure', 'Result', 'Target', 'Met'],
      results.targets.map((t) => [t.measure, t.result, t.target, metCell(t.met, '**no**')]),
    ),
    '',
  );

  // 1. Cold start
  push(
    '## 1. Cold start',
    '',
    `Method: ${coldStart.method} Bundling the ${coldStart.bundles.length} functions took ${coldStart.bundleSeconds} s.`,
    '',
    table(
      [
        'Function',
        'Minified KiB',
        'AWS SDK v3 KiB',
        'Own code KiB',
        'Largest packages (KiB)',
        'Source map KiB',
        'require() median',
        'Process median',
        `× bare node (${ms(coldStart.bareNodeMs)})`,
      ],
      coldStart.bundles.map((b) => [
        b.handler,
        b.sizeKiB,
        b.awsSdkKiB,
        b.projectCodeKiB,
        b.largestPackages.map((p) => `${p.name} ${p.kib}`).join(', '),
        b.sourceMapKiB,
        ms(b.requireMs),
        ms(b.processMs),
        b.ratioToBareNode,
      ]),
    ),
    '',
    'Reading it:',
    `- ${coldStartReading(coldStart)}`,
    '- Import time is parsing and evaluating the bundle, then building the SDK clients, Powertools and the',
    '  configuration at module scope. `--enable-source-maps` is on, as every deployed function sets it.',
    '- Lambda adds what this machine cannot show: fetching the code, starting the runtime (about the bare',
    '  `node -e 0` column), and a CPU share proportional to memory — 1,769 MB is one vCPU',
    '  ([Lambda docs](https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html)), so a 512 MB',
    '  function has about 0.29 of one and its init takes several times the local figure. Since 1 August 2025',
    '  the INIT phase is billed like invocation time',
    '  ([AWS Compute Blog](https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/)).',
    '',
  );

  // 2. Accept path
  push(
    '## 2. Accept path',
    '',
    `Method: ${acceptPath.method}`,
    '',
    table(
      [
        'Run',
        'API req/s',
        'API p50',
        'API p99',
        'API errors',
        'Direct pairs/s',
        'Direct p50',
        'Direct p99',
        'p50 ratio',
      ],
      [
        comparisonRow(
          `${acceptPath.concurrent.connections} connections, ${acceptPath.concurrent.durationSeconds} s`,
          acceptPath.concurrent,
        ),
        comparisonRow(
          `1 connection, ${acceptPath.singleConnection.durationSeconds} s`,
          acceptPath.singleConnection,
        ),
      ],
    ),
    '',
    `Executions parked during the measured runs: ${acceptPath.parkedExecutions} (one per accepted request).`,
    '',
    'Reading it:',
    `- ${acceptReading(acceptPath)}`,
    '- The ratio is what the local API, the authorizer cache, validation, middy and the accept handler add',
    '  over the storage calls they cannot avoid; the single-connection row shows it without queueing.',
    '- Not measured here: API Gateway’s own latency and the StartExecution HTTPS call to Step Functions, which',
    '  the deployed accept function waits for before answering 202. The deployed stage also throttles this',
    '  route (cdk.json `acceptRateLimit` and `acceptBurstLimit`, per second): the rates here are what one',
    '  process and DynamoDB Local on this machine sustain, not what the API lets one client send.',
    '',
  );

  // 3. End to end
  push(
    '## 3. End-to-end overhead',
    '',
    `Method: ${endToEnd.method}`,
    '',
    table(
      [
        'Scenario',
        'Enrichments',
        'POST → finished p50',
        'p99',
        'POST → 202 p50',
        'CPU ms / enrichment (bench process)',
        'DynamoDB Local CPU ms / enrichment',
        'State transitions',
        'Lambda invocations per enrichment',
      ],
      endToEnd.scenarios.map((s) => [
        `(${s.id}) ${s.title}`,
        s.enrichments,
        `**${ms(s.finishMs.p50)}**`,
        ms(s.finishMs.p99),
        ms(s.acceptMs.p50),
        s.cpuMsPerEnrichment,
        s.dynamoDbLocalCpuMsPerEnrichment ?? 'n/a',
        s.stateTransitions.min === s.stateTransitions.max
          ? s.stateTransitions.min
          : `${s.stateTransitions.min}–${s.stateTransitions.max}`,
        invocationsCell(s),
      ]),
    ),
    '',
    'Reading it: with providers that answer at once, everything in these figures is the product: HTTP, the',
    'accept path, the state machine interpreter, one Lambda handler per provider step, record-result’s',
    'transaction. In AWS each Task state adds a Lambda invocation from Step Functions, a round trip the',
    'in-process local runner does not make, so (b), with ten Task states, gains more than (a) with two. CPU',
    'figures subtract nothing: the HTTP client that posts and the stack share the bench process.',
    '',
  );

  // 4. Cost
  const d = cost.deployment;
  push(
    '## 4. Cost per 1,000 enrichments',
    '',
    `Method: ${cost.method}`,
    '',
    `Deployment priced: ${d.note} Memory: ${FUNCTION_ORDER.map((n) => `${n} ${d.memoryMb[n]} MB`).join(', ')}; ` +
      `architecture ${d.architecture}; state machine ${d.stateMachineType}; authorizer cache ` +
      `${d.authorizerCacheSeconds ?? 'unknown'} s; webhook batch size ${d.webhookBatchSize ?? 'unknown'}.`,
    '',
    '### Operations counted per enrichment',
    '',
    table(
      [
        'Scenario',
        'API requests',
        'Lambda invocations (billed ms, mean)',
        'State transitions',
        'DynamoDB calls',
        'RRU',
        'WRU',
        'Largest items (bytes)',
        'SQS requests',
        'Log bytes: log + metric lines (measured); platform + access lines (estimated)',
      ],
      cost.counted.map((c) => [
        `(${c.scenario}) ${c.title}; ${c.enrichments} runs, ${c.webhooksDelivered} webhooks`,
        c.apiRequestsPerEnrichment,
        FUNCTION_ORDER.filter((n) => c.lambda[n])
          .map((n) => `${n} ×${c.lambda[n]!.perEnrichment} (${c.lambda[n]!.meanBilledMs})`)
          .join('<br>'),
        c.stateTransitionsPerEnrichment,
        Object.entries(c.dynamoDb.byOperation)
          .map(
            ([op, n]) => `${op} ×${n.calls} (${n.readUnits ? `${n.readUnits} RRU` : `${n.writeUnits} WRU`})`,
          )
          .join('<br>'),
        c.dynamoDb.readUnitsPerEnrichment,
        c.dynamoDb.writeUnitsPerEnrichment,
        Object.entries(c.dynamoDb.largestItemBytes)
          .map(([kind, bytes]) => `${kind} ${bytes}`)
          .join(', '),
        Object.entries(c.sqsRequestsPerEnrichment)
          .map(([op, n]) => `${op} ×${n}`)
          .join('<br>'),
        `${c.logBytesPerEnrichment.logLines} + ${c.logBytesPerEnrichment.metricLines}; ${c.logBytesPerEnrichment.platformAndAccess}`,
      ]),
    ),
    '',
    'DynamoDB units: item sizes computed with the rules of [DynamoDB item sizes and formats](https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)',
    'from the items on the wire (puts, reads) or read back after the run (updates: the final item, an upper',
    'bound of the larger of before and after); reads in 4 KB units, halved when eventually consistent; writes',
    'in 1 KB units; transactional items doubled. (DynamoDB Local’s own ConsumedCapacity is not used: it',
    'does not count transactional writes the way DynamoDB bills them.)',
    '',
    `Log bytes: Powertools log lines (INFO, as deployed) and EMF metric lines counted as the functions write ` +
      `them; estimated: ${cost.logLineEstimates.lambdaPlatformBytesPerInvocation} B of START/END/REPORT lines per ` +
      `Lambda invocation and ${cost.logLineEstimates.accessLogBytesPerRequest} B of access log per API request.`,
    '',
  );
  for (const bill of cost.bills) {
    push(
      `### (${bill.scenario}) ${bill.title}`,
      '',
      table(
        ['Item', 'Per enrichment', 'Unit', 'USD per 1,000'],
        [
          ...bill.lines.map((l) => [l.item, l.quantityPerEnrichment, l.unit, usd(l.usdPer1000)]),
          [
            `**Standard workflow (deployed):** ${bill.standardWorkflow.item}`,
            bill.standardWorkflow.quantityPerEnrichment,
            bill.standardWorkflow.unit,
            usd(bill.standardWorkflow.usdPer1000),
          ],
          ...bill.expressWorkflow.map((l) => [
            `Express alternative: ${l.item}`,
            l.quantityPerEnrichment,
            l.unit,
            usd(l.usdPer1000),
          ]),
          ['**Total with Standard (as deployed)**', '', '', `**${usd(bill.usdPer1000Standard)}**`],
          ['Total if the workflow were Express', '', '', usd(bill.usdPer1000Express)],
        ],
      ),
      '',
      `State transitions are ${round((bill.standardWorkflow.usdPer1000 / bill.usdPer1000Standard) * 100, 0)}% ` +
        `of the Standard bill: one Task and one Choice state per provider step, plus record-result.`,
      '',
    );
  }
  push(costReading(cost), '');
  push(
    'Other figures:',
    cost.poll
      ? `- A client that polls instead of taking the webhook pays per GET /contacts/{id}: ${usd(cost.poll.usdPer1000Polls)} per 1,000 polls (API request, get-contact at ${cost.poll.getContactMeanBilledMs} ms billed, ${cost.poll.dynamoDbReadUnitsPerPoll} RRU).`
      : '- No poll was priced.',
    `- The authorizer ran once per run: API Gateway caches its answer per key for ${d.authorizerCacheSeconds ?? 'the configured'} s. A cache miss costs ${usd(cost.authorizerMissUsdPer1000)} per 1,000 (one invocation at ${cost.authorizerBilledMs} ms billed, its first call here, and one GetItem).`,
    '',
    'Why Standard, although Express would cost less: Standard runs each execution exactly once under its',
    'name (the enrichment id), so a retried StartExecution cannot start a second waterfall and charge twice;',
    'Express is at-least-once. Asynchronous providers and providers’ `Retry-After` make the workflow wait',
    '(Wait state, up to 20 waits of up to 300 s per provider), beyond the 5-minute limit of an Express',
    'execution. Standard also keeps the execution history that support needs, at no extra charge.',
    'The Express duration line uses the local execution time (record-result finished − 202 received); in',
    'AWS every Task state adds a Lambda invocation round trip, so a real execution lasts longer — at 1 s it',
    'would still add only about $0.001 per 1,000.',
    '',
    'Not in these figures: provider fees; free tiers; X-Ray traces (tracing is on for API Gateway, Lambda',
    'and Step Functions; at most $5 per million traces recorded, fewer with default sampling); custom',
    'metrics, alarms and dashboards (monthly, not per enrichment); the SQS long polls Lambda makes on an',
    'idle queue (monthly); DynamoDB storage and TTL deletes (free); data transfer; INIT time of cold starts.',
    '',
    `Prices (${cost.prices.region}, checked ${cost.prices.checked}):`,
    '',
    table(
      ['Price', 'USD', 'Notes', 'Source'],
      Object.entries(cost.prices)
        .filter(([, value]) => typeof value === 'object')
        .map(([name, value]) => {
          const price = value as { usd: number; note: string; source: string };
          return [name, price.usd, price.note, price.source];
        }),
    ),
    '',
    'Cross-checked with: the Step Functions and API Gateway pricing pages; the REST API price table in AWS’s',
    '[API Gateway private API whitepaper](https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html);',
    'the DynamoDB on-demand pricing page and reports of the November 2024 price cut',
    '([Airbyte](https://airbyte.com/data-engineering-resources/dynamodb-pricing)); Lambda arm64 rates',
    '([Cloudchipr](https://cloudchipr.com/blog/aws-lambda-pricing)); SQS',
    '([Cloudburn](https://cloudburn.io/blog/amazon-sqs-pricing)); CloudWatch Logs',
    '([C3X](https://c3x.dev/blog/cloudwatch-logs-cost-optimization)).',
    '',
  );
  return out.join('\n');
}
