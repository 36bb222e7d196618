/** FinishEnrichment (RecordResult, recovery, sweeper): flipping a record to finished with its settlement. */
import type { ContactRecord, Results, WaterfallStep } from '../enrichment/contact';
import type { Settlement } from '../credits/credits';
import type { ContactReader } from './contacts';

export interface FinishInput {
  /** The pending record as read before settling. */
  record: ContactRecord;
  results: Results;
  /** Steps to add to the trace (those of unfinished types), after whatever the provider steps appended. */
  appendSteps: WaterfallStep[];
  settlement: Settlement;
  finishedAt: string;
}

export type FinishOutcome =
  { kind: 'finished'; record: ContactRecord } | { kind: 'already_finished'; record: ContactRecord };

export interface FinishRepository extends ContactReader {
  /** Flips pending → finished, applies the settlement and writes its ledger entries, exactly once. */
  finish(input: FinishInput): Promise<FinishOutcome>;
}
