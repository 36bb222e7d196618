/**
 * Sweep pending batches: part of the sweeper's run (SweepPending), so that "all or nothing" and "every accepted
 * enrichment finishes" hold for a batch whose accept, or whose last contact's finish, stopped half-way.
 *
 * Input: the cut-off: batches accepted before it are looked at (younger ones are their accept's business).
 * Output: how many were looked at, resumed (their accept carried out), and finished or handed over.
 *
 * Primary course:
 *  1. List the batches still in the sparse pending index (pending, or finished but not yet handed over).
 *  2. A batch still being accepted is resumed from its staged contacts; their waterfalls are started while the
 *     batch is within the deployment's bound (past it, the contacts are finished by the sweeper's next run).
 *  3. Reconcile it: tick off contacts that finished without being ticked off, finish the batch when none is
 *     left, and hand over a finished batch whose webhook was never queued.
 */
import type { AcceptBatch } from './accept-batch';
import type { Clock } from '../clock';
import type { FinishBatch } from './finish-batch';
import type { BatchReader, PendingBatches } from '../ports/batches';

export interface SweepBatchesDependencies {
  pending: PendingBatches;
  batches: BatchReader;
  accept: Pick<AcceptBatch, 'resume'>;
  finish: Pick<FinishBatch, 'reconcile'>;
  clock: Clock;
  maxEnrichmentSeconds: number;
}

export interface BatchSweepReport {
  checked: number;
  resumed: number;
  finished: number;
}

export class SweepBatches {
  constructor(private readonly deps: SweepBatchesDependencies) {}

  async execute(before: Date): Promise<BatchSweepReport> {
    const { pending, batches, accept, finish, clock, maxEnrichmentSeconds } = this.deps;
    const report: BatchSweepReport = { checked: 0, resumed: 0, finished: 0 };
    for (const reference of await pending.listPendingBatches(before)) {
      const batch = await batches.getBatch(reference.account_id, reference.batch_id);
      if (!batch) continue;
      report.checked += 1;
      if (batch.accept_state === 'accepting') {
        const ageSeconds = (clock.now().getTime() - Date.parse(batch.created_at)) / 1000;
        await accept.resume(batch, { start: ageSeconds < maxEnrichmentSeconds });
        report.resumed += 1;
      }
      const outcome = await finish.reconcile(batch);
      if (outcome === 'finished' || outcome === 'handed_over') report.finished += 1;
    }
    return report;
  }
}
