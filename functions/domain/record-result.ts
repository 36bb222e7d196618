/**
 * Record the result of a finished waterfall.
 *
 * Input: the final waterfall state.
 * Output: the record's status after the call (`finished`, `already_finished` or `missing`).
 *
 * Primary course:
 *  1. Shape the results: every requested type present, `null` (phones `[]`) when nothing was found.
 *  2. Price what was found, per the provider that found it.
 *  3. In one transaction: flip the record from pending to finished, write results and trace, charge the price,
 *     release the reservation, append the ledger entries. A replay changes nothing and still succeeds.
 *  4. Hand the webhook, when one was given, to the delivery queue (again on a replay whose first run may have
 *     stopped before it, as long as no delivery has been attempted).
 */
import type { Clock } from './clock';
import type { Results } from './contact';
import type { EnrichmentType } from './enrichment-request';
import type { FinishRepository, WebhookQueue } from './ports';
import type { PriceOf } from './pricing';
import type { WaterfallState } from './waterfall-state';

export interface RecordResultDependencies {
  finishes: FinishRepository;
  webhooks: WebhookQueue;
  clock: Clock;
  priceOf: PriceOf;
}

export function shapeResults(types: readonly EnrichmentType[], found: Results): Results {
  const results: Results = {};
  for (const type of types) {
    if (type === 'phone') results.phones = found.phones ?? [];
    else results[type] = found[type] ?? null;
  }
  return results;
}

export function priceResults(results: Results, priceOf: PriceOf): number {
  let total = 0;
  if (results.email) total += priceOf('email', results.email.provider);
  if (results.personal_email) total += priceOf('personal_email', results.personal_email.provider);
  const phoneProvider = results.phones?.[0]?.provider;
  if (phoneProvider) total += priceOf('phone', phoneProvider);
  return total;
}

export class RecordResult {
  constructor(private readonly deps: RecordResultDependencies) {}

  async execute(
    state: WaterfallState,
  ): Promise<{ status: 'finished' | 'already_finished' | 'missing'; credits_used: number }> {
    const results = shapeResults(state.types, state.results ?? {});
    const outcome = await this.deps.finishes.finish({
      accountId: state.account_id,
      enrichmentId: state.enrichment_id,
      results,
      waterfall: state.waterfall ?? [],
      creditsUsed: priceResults(results, this.deps.priceOf),
      finishedAt: this.deps.clock.now().toISOString(),
    });
    if (outcome.kind === 'missing') return { status: 'missing', credits_used: 0 };
    const webhook = outcome.record.webhook;
    const firstRun = outcome.kind === 'finished';
    if (webhook && (firstRun || (webhook.status === 'pending' && webhook.attempts === 0))) {
      await this.deps.webhooks.enqueue({ account_id: state.account_id, enrichment_id: state.enrichment_id });
    }
    return { status: outcome.kind, credits_used: outcome.record.credits_used };
  }
}
