/**
 * Bulk enrichment (README "Bulk enrichment") on the local stack: instant sandbox providers, default settings,
 * 1 ms state machine pauses.
 *
 * - Accept: POST /contacts/enrich/bulk of 100 one-type contacts against POST /contacts/enrich/async of one,
 *   measured the same way: one request at a time, each for new people (so the results cache never answers), the
 *   next once everything the last one started has finished. Accepted workflows start running in this process
 *   while the batch is still being accepted, as they do on the local stack (in AWS, in Step Functions).
 * - Where a batch accept's time goes, watched from outside the handlers: the DynamoDB requests it makes (round
 *   trips, each of any number of items) and the workflow starts, by their times against the POST's.
 * - POST → every contact of the batch finished (its last RecordResult progress line) and → the batch webhook
 *   received on 127.0.0.1.
 */
import type { WorkflowInput } from '../functions/domain/enrichment/waterfall-state';
import { BenchStack } from './local';
import { percentile, round, spread, type Spread } from './stats';

export const BATCH_SIZE = 100;

/** One batch accept, POST sent → 202 received, in consecutive spans (p50 of each over the batches). */
export interface AcceptSpans {
  /** Until its first DynamoDB request: the request in, its authorizer (cached), the body read and validated. */
  validateMs: number;
  /** From the first DynamoDB request to the first workflow start: the accept's reads and writes. */
  dynamoMs: number;
  /** DynamoDB requests in that span (round trips, whatever the items each holds). */
  dynamoRequests: number;
  /** First to last workflow start; locally, each execution's first steps run in the same process meanwhile. */
  startsMs: number;
  /** Last start → 202 received: the answer out, sharing the process with the executions just started. */
  answerMs: number;
}

/** Times of the DynamoDB requests and workflow starts of the product on `bench`, while `watching`. */
class AcceptWatch {
  requests: number[] = [];
  starts: number[] = [];
  watching = false;

  constructor(bench: BenchStack) {
    bench.stack.product.runtime.db.middlewareStack.add(
      (next) => async (args) => {
        if (this.watching) this.requests.push(performance.now());
        return next(args);
      },
      { step: 'initialize', name: 'benchAcceptWatch' },
    );
    // The accept function's starter is the local workflow itself: its start, observed on the instance.
    const workflow = bench.stack.product.workflow;
    const start = workflow.start.bind(workflow);
    workflow.start = (input: WorkflowInput) => {
      if (this.watching) this.starts.push(performance.now());
      return start(input);
    };
  }

  begin(): void {
    this.requests = [];
    this.starts = [];
    this.watching = true;
  }

  /** The spans of the accept that was sent at `sentAt` and answered at `acceptedAt`. */
  end(sentAt: number, acceptedAt: number): AcceptSpans {
    this.watching = false;
    const firstStart = this.starts[0] ?? acceptedAt;
    const lastStart = this.starts.at(-1) ?? acceptedAt;
    const accept = this.requests.filter((at) => at < firstStart);
    const firstRequest = accept[0] ?? firstStart;
    return {
      validateMs: firstRequest - sentAt,
      dynamoMs: firstStart - firstRequest,
      dynamoRequests: accept.length,
      startsMs: lastStart - firstStart,
      answerMs: acceptedAt - lastStart,
    };
  }
}

function medianSpans(all: AcceptSpans[]): AcceptSpans {
  const median = (pick: (spans: AcceptSpans) => number) => round(percentile(all.map(pick), 50));
  return {
    validateMs: median((s) => s.validateMs),
    dynamoMs: median((s) => s.dynamoMs),
    dynamoRequests: median((s) => s.dynamoRequests),
    startsMs: median((s) => s.startsMs),
    answerMs: median((s) => s.answerMs),
  };
}

export interface BulkFigures {
  singleAcceptMs: Spread;
  batchAcceptMs: Spread;
  batchAcceptSpans: AcceptSpans;
  /** Batch accept p50 / single accept p50. */
  ratio: number;
  allFinishedMs: Spread;
  batchWebhookMs: Spread;
  /** The slowest batch, POST → its webhook. */
  worstBatchWebhookMs: number;
}

export async function measureBulk(
  dynamoEndpoint: string,
  batches: number,
  singles: number,
): Promise<BulkFigures> {
  const bench = await BenchStack.start({ dynamoEndpoint, fastWaitsMs: 1 });
  const watch = new AcceptWatch(bench);
  let person = 0;
  const contact = () => {
    person += 1;
    return { firstname: 'Jane', lastname: `Doe${person}`, domain: 'acme.com', enrichment_type: ['email'] };
  };
  const single = async () => {
    const { id, sentAt, acceptedAt } = await bench.enrich(contact());
    await bench.finished(id, 30_000);
    await bench.stack.idle();
    return acceptedAt - sentAt;
  };
  const batch = async () => {
    watch.begin();
    const { batchId, ids, sentAt, acceptedAt } = await bench.enrichBulk({
      contacts: Array.from({ length: BATCH_SIZE }, contact),
      webhook_url: bench.webhookUrl,
    });
    const spans = watch.end(sentAt, acceptedAt);
    const finished = await Promise.all(ids.map((id) => bench.finished(id, 60_000)));
    const webhook = await bench.webhook(batchId, 60_000);
    await bench.stack.idle();
    return {
      accept: acceptedAt - sentAt,
      spans,
      allFinished: Math.max(...finished) - sentAt,
      webhook: webhook - sentAt,
    };
  };
  try {
    // Warm-up: the code paths of both routes and DynamoDB Local's JVM.
    for (let i = 0; i < 3; i++) await single();
    await batch();
    const singleMs: number[] = [];
    for (let i = 0; i < singles; i++) singleMs.push(await single());
    const runs = [];
    for (let i = 0; i < batches; i++) runs.push(await batch());
    const singleAcceptMs = spread(singleMs);
    const batchAcceptMs = spread(runs.map((r) => r.accept));
    return {
      singleAcceptMs,
      batchAcceptMs,
      batchAcceptSpans: medianSpans(runs.map((r) => r.spans)),
      ratio: round(batchAcceptMs.p50 / singleAcceptMs.p50, 1),
      allFinishedMs: spread(runs.map((r) => r.allFinished)),
      batchWebhookMs: spread(runs.map((r) => r.webhook)),
      worstBatchWebhookMs: round(Math.max(...runs.map((r) => r.webhook))),
    };
  } finally {
    await bench.stop();
  }
}
