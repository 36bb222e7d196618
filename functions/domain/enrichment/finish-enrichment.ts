/**
 * Finish an enrichment: the waterfall's last step (RecordResult), and the way out for every enrichment whose
 * workflow failed, timed out, was aborted or never started (the recovery function and the sweeper).
 *
 * Input: the enrichment's reference; from the state machine how each type ended, or from recovery a reason.
 * Output: the record's status after the call (`finished`, `already_finished` or `missing`) and credits used.
 *
 * Primary course:
 *  1. Read the record; a finished one changes nothing (its unsent webhook is queued again, see 5).
 *  2. Shape the results from what the provider steps found: every requested type present, `null` (phones `[]`)
 *     when nothing was found.
 *  3. Trace a `workflow` error step for each type whose waterfall did not end (its step kept failing, or the
 *     workflow stopped), with the reason.
 *  4. Price what was found and settle it against the reservation; in one transaction flip the record from
 *     pending to finished (with each type's charge), charge, release, append the ledger entries and add to the
 *     account's usage of the day. A replay or a lost race changes nothing.
 *  5. After a first finish only, add the trace to each provider's stats of the day (outside the transaction:
 *     those items are deployment-wide and hot). A failure there is reported and lost; the finish stands.
 *  6. Hand the webhook, when one was given, to the delivery queue (again on a replay whose first run may have
 *     stopped before it, as long as no delivery has been attempted).
 *  7. A contact of a batch is ticked off its batch, which finishes with its last contact (FinishBatch).
 */
import type { Clock } from '../clock';
import type { ContactRecord, Results, WaterfallStep } from './contact';
import { chargesWithin, settle, totalOf, type Charges, type PriceList } from '../credits/credits';
import type { ProviderStatsRecorder } from '../ports/usage';
import { providerStatsCounters, statsPartOf, usageCounters, utcDay } from '../usage/counters';
import type { EnrichmentType } from './enrichment-request';
import type { FinishOutcome, FinishRepository } from '../ports/finish';
import type { WebhookQueue } from '../ports/webhooks';
import type { FinishCommand } from './waterfall-state';
import type { FinishBatch } from '../batches/finish-batch';

export interface FinishEnrichmentDependencies {
  finishes: FinishRepository;
  webhooks: WebhookQueue;
  clock: Clock;
  prices: PriceList;
  /** Finishes the batch of a batch contact (POST /contacts/enrich/bulk). */
  batches?: Pick<FinishBatch, 'contactFinished'>;
  /** Deployment-wide provider stats (the scorecard); none means they are not kept. */
  stats?: ProviderStatsRecorder;
  /** Told when the stats of a finish could not be added (they are lost; the finish stands). */
  onStatsLost?: (error: unknown) => void;
}

export interface FinishReport {
  status: 'finished' | 'already_finished' | 'missing';
  credits_used: number;
}

export function shapeResults(types: readonly EnrichmentType[], found: Results): Results {
  const results: Results = {};
  for (const type of types) {
    if (type === 'phone') results.phones = found.phones ?? [];
    else results[type] = found[type] ?? null;
  }
  return results;
}

/**
 * Why a type has no end in the trace: its iteration's failure, else the failed steps run that left it open, else
 * the caller's reason.
 */
function unfinishedDetail(command: FinishCommand, type: EnrichmentType): string {
  const outcome = command.outcomes?.find((o) => typeof o !== 'string' && o.type === type);
  const failure = typeof outcome === 'object' ? outcome.failure : undefined;
  if (failure) return `stopped: the waterfall step kept failing (${failure.Error ?? 'Error'})`;
  if (command.failure) return `stopped: the steps workflow failed (${command.failure.Error ?? 'Error'})`;
  return `stopped: ${command.reason ?? 'the waterfall did not finish this type'}`;
}

export class FinishEnrichment {
  constructor(private readonly deps: FinishEnrichmentDependencies) {}

  async execute(command: FinishCommand): Promise<FinishReport> {
    const { finishes, prices, clock } = this.deps;
    const record = await finishes.getContact(command.account_id, command.enrichment_id);
    if (!record) return { status: 'missing', credits_used: 0 };
    let outcome: FinishOutcome;
    if (record.status === 'finished') {
      outcome = { kind: 'already_finished', record };
    } else {
      const progress = record.progress ?? { found: {}, closed: {}, candidates: {} };
      const results = shapeResults(record.enrichment_type, progress.found);
      const unfinished: WaterfallStep[] = record.enrichment_type
        .filter((type) => !progress.closed[type])
        .map((type) => ({
          type,
          provider: 'workflow',
          outcome: 'error',
          duration_ms: 0,
          detail: unfinishedDetail(command, type),
        }));
      const finishedAt = clock.now().toISOString();
      const found = prices.pricesByType(results);
      const charges = chargesWithin(record.credits_reserved, found);
      outcome = await finishes.finish({
        record,
        results,
        appendSteps: unfinished,
        settlement: settle(record.credits_reserved, totalOf(found)),
        charges,
        usage: {
          day: utcDay(finishedAt),
          counters: usageCounters({ enrichment_type: record.enrichment_type, results }, charges),
        },
        finishedAt,
      });
      if (outcome.kind === 'finished') await this.addStats(outcome.record, charges);
    }
    await this.handOverWebhook(outcome);
    await this.deps.batches?.contactFinished(outcome.record, { replay: record.status === 'finished' });
    return { status: outcome.kind, credits_used: outcome.record.credits_used };
  }

  /** One update per provider the trace names, to the part of its day chosen by the enrichment id. */
  private async addStats(record: ContactRecord, charges: Charges): Promise<void> {
    const stats = this.deps.stats;
    if (!stats || !record.finished_at) return;
    const day = utcDay(record.finished_at);
    const part = statsPartOf(record.enrichment_id);
    const updates = [...providerStatsCounters(record, charges)].map(([provider, counters]) =>
      stats.add(provider, day, part, counters),
    );
    for (const result of await Promise.allSettled(updates)) {
      if (result.status === 'rejected') this.deps.onStatsLost?.(result.reason);
    }
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
