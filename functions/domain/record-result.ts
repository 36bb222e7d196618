/**
 * Record the result of a finished waterfall.
 *
 * Input: the final waterfall state.
 * Output: the record's status after the call (`finished`, `already_finished` or `missing`).
 *
 * Primary course:
 *  1. Shape the results: every requested type present, `null` (phones `[]`) when nothing was found.
 *  2. Price what was found, per the provider that found it, and settle it against the reservation.
 *  3. In one transaction: flip the record from pending to finished, write results and trace, charge the price,
 *     release the reservation, append the ledger entries. A replay changes nothing and still succeeds.
 *  4. Hand the webhook, when one was given, to the delivery queue (again on a replay whose first run may have
 *     stopped before it, as long as no delivery has been attempted).
 */
import type { Clock } from './clock';
import type { ContactRecord, Results } from './contact';
import { settle, type PriceList } from './credits';
import type { EnrichmentType } from './enrichment-request';
import type { FinishOutcome, FinishRepository, WebhookQueue } from './ports';
import type { WaterfallState } from './waterfall-state';

export interface RecordResultDependencies {
  finishes: FinishRepository;
  webhooks: WebhookQueue;
  clock: Clock;
  prices: PriceList;
}

export function shapeResults(types: readonly EnrichmentType[], found: Results): Results {
  const results: Results = {};
  for (const type of types) {
    if (type === 'phone') results.phones = found.phones ?? [];
    else results[type] = found[type] ?? null;
  }
  return results;
}

export class RecordResult {
  constructor(private readonly deps: RecordResultDependencies) {}

  async execute(
    state: WaterfallState,
  ): Promise<{ status: 'finished' | 'already_finished' | 'missing'; credits_used: number }> {
    const { finishes, prices, clock } = this.deps;
    const record = await finishes.getContact(state.account_id, state.enrichment_id);
    if (!record) return { status: 'missing', credits_used: 0 };
    let outcome: FinishOutcome;
    if (record.status === 'finished') {
      outcome = { kind: 'already_finished', record };
    } else {
      const results = shapeResults(state.types, state.results ?? {});
      outcome = await finishes.finish({
        record,
        results,
        waterfall: state.waterfall ?? [],
        settlement: settle(record.credits_reserved, prices.priceOfResults(results)),
        finishedAt: clock.now().toISOString(),
      });
    }
    await this.handOverWebhook(outcome);
    return { status: outcome.kind, credits_used: outcome.record.credits_used };
  }

  /** Queues the webhook of a first finish, and of a replay whose first run may have stopped before it. */
  private async handOverWebhook(outcome: FinishOutcome): Promise<void> {
    const record: ContactRecord = outcome.record;
    const webhook = record.webhook;
    const unsent = webhook?.status === 'pending' && webhook.attempts === 0;
    if (webhook && (outcome.kind === 'finished' || unsent)) {
      await this.deps.webhooks.enqueue({
        account_id: record.account_id,
        enrichment_id: record.enrichment_id,
      });
    }
  }
}
