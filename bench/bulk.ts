/**
 * Bulk enrichment (README "Bulk enrichment") on the local stack: instant sandbox providers, default settings,
 * 1 ms state machine pauses.
 *
 * - Accept: POST /contacts/enrich/bulk of 100 one-type contacts against POST /contacts/enrich/async of one,
 *   measured the same way: one request at a time, each for new people (so the results cache never answers), the
 *   next once everything the last one started has finished. Accepted workflows start running in this process
 *   while the batch is still being accepted, as they do on the local stack (in AWS, in Step Functions).
 * - POST → every contact of the batch finished (its last RecordResult progress line) and → the batch webhook
 *   received on 127.0.0.1.
 */
import { BenchStack } from './local';
import { round, spread, type Spread } from './stats';

export const BATCH_SIZE = 100;

export interface BulkFigures {
  singleAcceptMs: Spread;
  batchAcceptMs: Spread;
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
    const { batchId, ids, sentAt, acceptedAt } = await bench.enrichBulk({
      contacts: Array.from({ length: BATCH_SIZE }, contact),
      webhook_url: bench.webhookUrl,
    });
    const finished = await Promise.all(ids.map((id) => bench.finished(id, 60_000)));
    const webhook = await bench.webhook(batchId, 60_000);
    await bench.stack.idle();
    return {
      accept: acceptedAt - sentAt,
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
      ratio: round(batchAcceptMs.p50 / singleAcceptMs.p50, 1),
      allFinishedMs: spread(runs.map((r) => r.allFinished)),
      batchWebhookMs: spread(runs.map((r) => r.webhook)),
      worstBatchWebhookMs: round(Math.max(...runs.map((r) => r.webhook))),
    };
  } finally {
    await bench.stop();
  }
}
