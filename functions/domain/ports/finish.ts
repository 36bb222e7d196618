/** FinishEnrichment (RecordResult, recovery, sweeper): flipping a record to finished with its settlement. */
import type { ContactRecord, Results, WaterfallStep } from '../enrichment/contact';
import type { Charges, Settlement } from '../credits/credits';
import type { Counters } from '../usage/counters';
import type { ContactReader } from './contacts';

export interface FinishInput {
  /** The pending record as read before settling. */
  record: ContactRecord;
  results: Results;
  /** Steps to add to the trace (those of unfinished types), after whatever the provider steps appended. */
  appendSteps: WaterfallStep[];
  settlement: Settlement;
  /** Each found type's share of `settlement.charged`, kept on the record (a refund gives back a type's share). */
  charges: Charges;
  /** What the finish adds to the account's usage of the UTC day of `finishedAt`, in the same transaction. */
  usage: { day: string; counters: Counters };
  finishedAt: string;
}

export type FinishOutcome =
  { kind: 'finished'; record: ContactRecord } | { kind: 'already_finished'; record: ContactRecord };

export interface FinishRepository extends ContactReader {
  /**
   * Flips pending → finished, applies the settlement, writes its ledger entries and adds the usage counters,
   * exactly once.
   */
  finish(input: FinishInput): Promise<FinishOutcome>;
}
