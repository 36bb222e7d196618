/**
 * Sweep pending enrichments: the last guard of "every accepted enrichment finishes", run on a schedule and by
 * the operator (`npm run admin -- enrichments recover`).
 *
 * Input: how old a pending enrichment must be to be looked at (default: five minutes).
 * Output: how many were looked at, left running, started, and finished.
 *
 * Primary course:
 *  1. List the pending enrichments older than that from the sparse pending index (no Scan).
 *  2. Ask the workflow about each: a running execution is left alone (its own timeout bounds it).
 *  3. One that was never started (the accept stopped between its commit and the start) is started, while it is
 *     still within the deployment's bound; past the bound it is finished.
 *  4. One whose execution ended without finishing it (the recovery event was lost) is finished: data found so
 *     far, a `workflow` error step on unfinished types, credits settled, webhook queued.
 * Before them, batches pending for as long are swept (SweepBatches: a batch accept or finish that stopped
 * half-way is carried out).
 */
import type { Clock } from '../clock';
import type { FinishEnrichment } from './finish-enrichment';
import type { PendingEnrichments } from '../ports/sweep';
import type { WorkflowInspector, WorkflowStarter } from '../ports/workflow';
import { workflowInputOf } from './waterfall-state';
import type { BatchSweepReport, SweepBatches } from '../batches/sweep-batches';

export interface SweepPendingDependencies {
  pending: PendingEnrichments;
  workflow: WorkflowStarter & WorkflowInspector;
  finish: Pick<FinishEnrichment, 'execute'>;
  clock: Clock;
  /** The deployment's bound on an enrichment (`maxEnrichmentSeconds`). */
  maxEnrichmentSeconds: number;
  batches?: Pick<SweepBatches, 'execute'>;
}

export interface SweepReport {
  checked: number;
  running: number;
  started: number;
  finished: number;
  /** Present when pending batches were looked at. */
  batches?: BatchSweepReport;
}

/** Pending enrichments younger than this are the workflow's own business. */
export const DEFAULT_SWEEP_AGE_SECONDS = 300;

export class SweepPending {
  constructor(private readonly deps: SweepPendingDependencies) {}

  /** The pending backlog: its size and the age of its oldest enrichment, in seconds (0 when empty). */
  async backlog(): Promise<{ count: number; oldestAgeSeconds: number }> {
    const { count, oldestCreatedAt } = await this.deps.pending.backlog();
    const now = this.deps.clock.now().getTime();
    const oldestAgeSeconds = oldestCreatedAt
      ? Math.max(0, Math.round((now - Date.parse(oldestCreatedAt)) / 1000))
      : 0;
    return { count, oldestAgeSeconds };
  }

  async execute({ olderThanSeconds = DEFAULT_SWEEP_AGE_SECONDS } = {}): Promise<SweepReport> {
    const { pending, workflow, finish, clock, maxEnrichmentSeconds } = this.deps;
    const now = clock.now().getTime();
    const report: SweepReport = { checked: 0, running: 0, started: 0, finished: 0 };
    const batches = await this.deps.batches?.execute(new Date(now - olderThanSeconds * 1000));
    if (batches?.checked) report.batches = batches;
    for (const reference of await pending.listPending(new Date(now - olderThanSeconds * 1000))) {
      report.checked += 1;
      const status = await workflow.status(reference.enrichment_id);
      const ageSeconds = (now - Date.parse(reference.created_at)) / 1000;
      if (status === 'running') {
        report.running += 1;
      } else if (status === 'missing' && ageSeconds < maxEnrichmentSeconds) {
        await workflow.start(workflowInputOf(reference));
        report.started += 1;
      } else {
        const reason =
          status === 'missing' ? 'the workflow never started' : 'the workflow ended without finishing it';
        const outcome = await finish.execute({
          account_id: reference.account_id,
          enrichment_id: reference.enrichment_id,
          reason,
        });
        if (outcome.status === 'finished') report.finished += 1;
      }
    }
    return report;
  }
}
