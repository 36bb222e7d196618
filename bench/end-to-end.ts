/**
 * POST → finished on the local stack.
 *
 * Overhead: what the product adds to the providers' own latency. Providers answer at once, the state machine's
 * pauses last 1 ms, and enrichments run one at a time (the next POST leaves once the last webhook has arrived),
 * each for a new person so that the results cache never answers. The same run counts, per enrichment, what the
 * bill is made of (cost.ts): state transitions, ProviderStep invocations, DynamoDB calls, log bytes.
 *
 * Parallel types: a `flaky` contact (the first sandbox provider fails transiently on every attempt, the second
 * finds), three types against one, with the state machine's real retry pauses. Each enrichment runs on a stack
 * and table of its own, so the provider's circuit breaker starts closed every time; all run at once.
 */
import type { Provider } from '../functions/providers/provider';
import { logBytes } from './lambda-logs';
import { BenchStack } from './local';
import { percentile, round, spread, sum, type Spread } from './stats';

export type ScenarioId = 'a' | 'b';

interface Scenario {
  id: ScenarioId;
  title: string;
  types: string[];
  /** The providers every type asks, in order. */
  order: string[];
  /** Phones and personal emails need the LinkedIn URL; the email alone does not. */
  linkedIn: boolean;
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'a',
    title: 'one type (email), found at the first provider',
    types: ['email'],
    order: ['sandbox-primary'],
    linkedIn: false,
  },
  {
    id: 'b',
    title: 'three types, two instant misses each, then a hit',
    types: ['email', 'phone', 'personal_email'],
    order: ['bench-miss-1', 'bench-miss-2', 'sandbox-primary'],
    linkedIn: true,
  },
];

const miss = (name: string): Provider => ({
  name,
  types: ['email', 'phone', 'personal_email'],
  find: async () => ({ kind: 'not_found' }),
});

export interface OverheadFigures {
  id: ScenarioId;
  title: string;
  finishMs: Spread;
  webhookMs: Spread;
  /** Per enrichment, means over the measured run. Standard states entered. */
  stateTransitions: number;
  /** Express steps runs, and their durations each rounded up to 100 ms (as Express bills them), summed. */
  stepsRuns: number;
  stepsBilledMs: number;
  providerSteps: number;
  logBytes: number;
  dynamoDbCalls: Record<string, number>;
  /** Largest item of each kind in the table after the run (bytes, as DynamoDB sizes them). */
  itemBytes: Record<string, number>;
}

export async function measureOverhead(
  dynamoEndpoint: string,
  scenario: Scenario,
  count: number,
  warmup: number,
): Promise<OverheadFigures> {
  const bench = await BenchStack.start({
    dynamoEndpoint,
    waterfall: {
      order: { email: scenario.order, phone: scenario.order, personal_email: scenario.order },
      prices: {},
      verifier: null,
    },
    extraProviders: { 'bench-miss-1': miss('bench-miss-1'), 'bench-miss-2': miss('bench-miss-2') },
    fastWaitsMs: 1,
  });
  try {
    let person = 0;
    const run = async (n: number) => {
      const timings: Array<{ id: string; finish: number; webhook: number }> = [];
      for (let i = 0; i < n; i++) {
        person += 1;
        const { id, sentAt } = await bench.enrich({
          firstname: 'Jane',
          lastname: `Doe${person}`,
          domain: 'acme.com',
          linkedin_url: scenario.linkedIn ? `linkedin.com/in/jane-doe-${person}` : null,
          enrichment_type: scenario.types,
          webhook_url: bench.webhookUrl,
        });
        const finishedAt = await bench.finished(id, 30_000);
        const deliveredAt = await bench.webhook(id, 30_000);
        timings.push({ id, finish: finishedAt - sentAt, webhook: deliveredAt - sentAt });
      }
      await bench.stack.idle();
      return timings;
    };
    await run(warmup);
    bench.resetCalls();
    const logsBefore = logBytes();
    const timings = await run(count);
    const executions = timings.map((t) => bench.stack.product.workflow.execution(t.id)!);
    const mean = (values: number[]) => round(sum(values) / values.length, 2);
    return {
      id: scenario.id,
      title: scenario.title,
      finishMs: spread(timings.map((t) => t.finish)),
      webhookMs: spread(timings.map((t) => t.webhook)),
      stateTransitions: mean(executions.map((e) => e.stateTransitions)),
      stepsRuns: mean(executions.map((e) => e.stepsRuns.length)),
      stepsBilledMs: mean(
        executions.map((e) => sum(e.stepsRuns.map((run) => Math.ceil(run.durationMs / 100) * 100))),
      ),
      providerSteps: mean(
        executions.map(
          (e) => e.events.filter((v) => v.type === 'StateEntered' && v.state?.name === 'ProviderStep').length,
        ),
      ),
      logBytes: Math.round((logBytes() - logsBefore) / count),
      dynamoDbCalls: Object.fromEntries(
        Object.entries(bench.calls).map(([call, n]) => [call, round(n / count, 2)]),
      ),
      itemBytes: await bench.largestItems(),
    };
  } finally {
    await bench.stop();
  }
}

export interface ParallelTypesFigures {
  oneTypeSeconds: number[];
  threeTypesSeconds: number[];
  /** Three-type median / one-type median. */
  ratio: number;
  /** Three-type enrichments in which the breaker opened and skipped the first provider for some type. */
  breakerSkips: number;
}

async function flakySeconds(dynamoEndpoint: string, types: string[], n: number) {
  const bench = await BenchStack.start({ dynamoEndpoint });
  try {
    const { id, sentAt } = await bench.enrich({
      firstname: 'Jane',
      lastname: `flaky${n}`,
      domain: 'acme.com',
      linkedin_url: `linkedin.com/in/jane-flaky-${n}`,
      enrichment_type: types,
    });
    const seconds = round(((await bench.finished(id, 120_000)) - sentAt) / 1000);
    const record = (await bench.contact(id)) as { waterfall: Array<{ detail?: string }> };
    return { seconds, skipped: record.waterfall.some((step) => step.detail?.startsWith('skipped')) };
  } finally {
    await bench.stop();
  }
}

export async function measureParallelTypes(
  dynamoEndpoint: string,
  samples: number,
): Promise<ParallelTypesFigures> {
  const range = Array.from({ length: samples }, (_, i) => i);
  const [one, three] = await Promise.all([
    Promise.all(range.map((i) => flakySeconds(dynamoEndpoint, ['email'], i))),
    Promise.all(range.map((i) => flakySeconds(dynamoEndpoint, ['email', 'phone', 'personal_email'], i))),
  ]);
  const oneTypeSeconds = one.map((r) => r.seconds);
  const threeTypesSeconds = three.map((r) => r.seconds);
  return {
    oneTypeSeconds,
    threeTypesSeconds,
    ratio: round(percentile(threeTypesSeconds, 50) / percentile(oneTypeSeconds, 50)),
    breakerSkips: three.filter((r) => r.skipped).length,
  };
}
