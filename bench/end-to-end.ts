/**
 * What the product adds on top of the providers' own latency: POST → `finished` with providers that answer
 * instantly, one enrichment at a time, for the two scenarios of scenarios.ts. Finish is detected inside the
 * process (record-result's handler returning), not by polling, so no polling interval inflates the figure.
 *
 * The same run times every Lambda handler invocation (product-probe.ts) and counts the state transitions of
 * every execution; the cost model prices those.
 */
import { dynamoDbLocalPid, processCpuMs } from './machine';
import type { FunctionName } from './product-probe';
import { SCENARIOS, startBenchStack, runOneByOne, type Scenario } from './scenarios';
import { distribution, round, since, sum, type Distribution } from './stats';

export interface EndToEndOptions {
  dynamoEndpoint: string;
  /** Measured enrichments per scenario. */
  count: number;
  /** Enrichments run first and thrown away (JIT, connection pools, DynamoDB Local's own warm-up). */
  warmup: number;
}

export interface InvocationFigures {
  perEnrichment: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ScenarioFigures {
  id: Scenario['id'];
  title: string;
  enrichments: number;
  finishMs: Distribution;
  acceptMs: Distribution;
  /** process.cpuUsage() of the bench process (stack + HTTP client) over the run, per enrichment; nothing subtracted. */
  cpuMsPerEnrichment: number;
  /** DynamoDB Local's CPU (a separate Java process) over the same run, per enrichment; null off Linux. */
  dynamoDbLocalCpuMsPerEnrichment: number | null;
  stateTransitions: { min: number; max: number; mean: number };
  invocations: Partial<Record<FunctionName, InvocationFigures>>;
  wallSeconds: number;
}

export interface EndToEndResult {
  method: string;
  scenarios: ScenarioFigures[];
}

export function invocationFigures(
  durations: Map<FunctionName, number[]>,
  enrichments: number,
): Partial<Record<FunctionName, InvocationFigures>> {
  const figures: Partial<Record<FunctionName, InvocationFigures>> = {};
  for (const [name, list] of durations) {
    const spread = distribution(list);
    figures[name] = {
      perEnrichment: round(list.length / enrichments, 3),
      meanMs: round(sum(list) / list.length),
      p50Ms: spread.p50,
      p99Ms: spread.p99,
    };
  }
  return figures;
}

async function measureScenario(scenario: Scenario, options: EndToEndOptions): Promise<ScenarioFigures> {
  const bench = await startBenchStack({
    dynamoEndpoint: options.dynamoEndpoint,
    tableName: `bench-e2e-${scenario.id}-${Date.now()}`,
    waterfall: scenario.waterfall,
  });
  try {
    await runOneByOne(bench, scenario.body, options.warmup);
    await bench.stack.idle();
    bench.probe.reset();

    const javaPid = dynamoDbLocalPid(Number(new URL(options.dynamoEndpoint).port));
    const javaBefore = processCpuMs(javaPid);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const timings = await runOneByOne(bench, scenario.body, options.count);
    await bench.stack.idle();
    const wallMs = since(started);
    const cpu = process.cpuUsage(cpuBefore);
    const javaAfter = processCpuMs(javaPid);

    const transitions = timings.map(
      (t) => bench.stack.product.workflow.execution(t.id)?.stateTransitions ?? 0,
    );
    return {
      id: scenario.id,
      title: scenario.title,
      enrichments: timings.length,
      finishMs: distribution(timings.map((t) => t.finishMs)),
      acceptMs: distribution(timings.map((t) => t.acceptMs)),
      cpuMsPerEnrichment: round((cpu.user + cpu.system) / 1000 / timings.length),
      dynamoDbLocalCpuMsPerEnrichment:
        javaBefore !== undefined && javaAfter !== undefined
          ? round((javaAfter - javaBefore) / timings.length)
          : null,
      stateTransitions: {
        min: Math.min(...transitions),
        max: Math.max(...transitions),
        mean: round(sum(transitions) / transitions.length),
      },
      invocations: invocationFigures(bench.probe.durations, timings.length),
      wallSeconds: round(wallMs / 1000, 1),
    };
  } finally {
    await bench.stop();
  }
}

export async function measureEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const scenarios: ScenarioFigures[] = [];
  for (const scenario of SCENARIOS) scenarios.push(await measureScenario(scenario, options));
  return {
    method:
      `Local stack in the bench process on DynamoDB Local; sandbox/bench providers answer instantly; ` +
      `fastWaitsMs 1. ${options.warmup} warm-up enrichments, then ${options.count} measured, one at a time ` +
      `(the next POST leaves when record-result has finished the previous one). finishMs: POST sent → ` +
      `record-result handler returned (the record is finished in DynamoDB); acceptMs: POST sent → 202 ` +
      `received; both over HTTP on 127.0.0.1. CPU: process.cpuUsage() delta of the bench process over the ` +
      `measured run / enrichments — the stack and the HTTP client share that process and nothing is ` +
      `subtracted; the functions log at INFO as deployed (to a counting sink, not the terminal). DynamoDB ` +
      `Local's CPU is read from /proc apart. Lambda durations: middy middleware timing each handler ` +
      `invocation.`,
    scenarios,
  };
}
