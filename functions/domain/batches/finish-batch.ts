/**
 * Finish a batch once every one of its contacts has finished, and send its webhook exactly once.
 *
 * Input: a batch contact's record right after its finish (from FinishEnrichment), or a batch the sweeper found
 * pending for long.
 * Output: none; the batch flips to `finished` and its webhook is queued, at most once.
 *
 * Primary course (after a contact's finish):
 *  1. Tick the contact off its completion shard (a set delete: a replay ticks nothing twice). Unless that
 *     emptied the shard, stop: at most BATCH_SHARD_SIZE finishes ever write to one shard.
 *  2. Tick the shard off the batch; unless every shard is now ticked off, stop.
 *  3. Flip the batch from pending to finished, conditionally: of two last contacts finishing at the same moment,
 *     both may see every shard done, and exactly one flips it.
 *  4. Whoever flipped it hands it over: queues the batch webhook (when the batch has a `webhook_url`), then takes
 *     the batch out of the pending index. A replayed contact finish (its record was already finished, so a first
 *     run may have stopped before 4) hands over a finished batch not yet handed over.
 * The sweeper's `reconcile` repairs what a finish that stopped half-way left: it ticks off contacts that are
 * finished (or were erased) but still listed, then goes on from 2.
 */
import type { BatchRecord } from './batch';
import type { Clock } from '../clock';
import type { ContactRecord } from '../enrichment/contact';
import type { BatchProgressRepository } from '../ports/batches';
import type { WebhookQueue } from '../ports/webhooks';

export interface FinishBatchDependencies {
  batches: BatchProgressRepository;
  webhooks: WebhookQueue;
  clock: Clock;
}

export type ReconcileOutcome = 'running' | 'finished' | 'handed_over' | 'done';

export class FinishBatch {
  constructor(private readonly deps: FinishBatchDependencies) {}

  /** After a contact's finish; `replay` when its record was already finished before this finish ran. */
  async contactFinished(record: ContactRecord, { replay }: { replay: boolean }): Promise<void> {
    const membership = record.batch;
    if (!membership) return;
    const shardEmptied = await this.deps.batches.markMemberFinished(
      record.account_id,
      membership.batch_id,
      membership.shard,
      record.enrichment_id,
    );
    if (!shardEmptied) return;
    await this.shardFinished(record.account_id, membership.batch_id, membership.shard, replay);
  }

  /** The sweeper's repair of a batch pending for long (see the file's top). */
  async reconcile(batch: BatchRecord): Promise<ReconcileOutcome> {
    const { batches } = this.deps;
    if (batch.status === 'finished') {
      if (batch.handed_over) return 'done';
      await this.handOver(batch);
      return 'handed_over';
    }
    const unfinished = await batches.unfinishedMembers(batch);
    const members = new Map((await batches.getMembers(batch)).map((m) => [m.enrichment_id, m]));
    const stillRunning = unfinished.filter(({ enrichment_id: id }) => members.get(id)?.status === 'pending');
    if (stillRunning.length) {
      // Tick off what is done; the last running contact's own finish finishes the batch.
      for (const { shard, enrichment_id: id } of unfinished) {
        if (members.get(id)?.status !== 'pending')
          await batches.markMemberFinished(batch.account_id, batch.batch_id, shard, id);
      }
      return 'running';
    }
    for (const { shard, enrichment_id: id } of unfinished) {
      await batches.markMemberFinished(batch.account_id, batch.batch_id, shard, id);
    }
    for (let shard = 0; shard < batch.shard_count; shard++) {
      if (await this.shardFinished(batch.account_id, batch.batch_id, shard, true)) return 'finished';
    }
    return 'running';
  }

  /**
   * Ticks a shard off; when every shard is, flips the batch and hands it over (see the file's top). True when
   * every shard is ticked off.
   */
  private async shardFinished(
    accountId: string,
    batchId: string,
    shard: number,
    replay: boolean,
  ): Promise<boolean> {
    const { batches, clock } = this.deps;
    if (!(await batches.markShardFinished(accountId, batchId, shard))) return false;
    const outcome = await batches.finishBatch(accountId, batchId, clock.now().toISOString());
    if (outcome.kind === 'missing') return true;
    if (outcome.kind === 'finished' || (replay && !outcome.batch.handed_over)) {
      await this.handOver(outcome.batch);
    }
    return true;
  }

  private async handOver(batch: BatchRecord): Promise<void> {
    if (batch.webhook) {
      await this.deps.webhooks.enqueue({
        kind: 'batch',
        account_id: batch.account_id,
        batch_id: batch.batch_id,
      });
    }
    await this.deps.batches.markHandedOver(batch.account_id, batch.batch_id);
  }
}
