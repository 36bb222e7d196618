/** SweepPending (sweeper, `enrichments recover`): the pending enrichments, through a sparse index. */
import type { EnrichmentType } from '../enrichment/enrichment-request';

export interface PendingReference {
  account_id: string;
  enrichment_id: string;
  enrichment_type: EnrichmentType[];
  created_at: string;
}

export interface PendingEnrichments {
  /** Pending enrichments accepted before `before`, oldest first (a sparse index: finished ones are not in it). */
  listPending(before: Date): Promise<PendingReference[]>;
  /** How many enrichments are pending, and when the oldest was accepted (null when none is). */
  backlog(): Promise<{ count: number; oldestCreatedAt: string | null }>;
}
