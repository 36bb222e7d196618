/** AcceptEnrichment: the pending record, the credit reservation and the idempotency record, written as one. */
import type { AcceptedResponse, ContactRecord } from '../enrichment/contact';
import type { ContactReader } from './contacts';

export interface IdempotencyClaim {
  keyHash: string;
  requestHash: string;
  expiresAt: number;
}

export interface IdempotencyRecord {
  requestHash: string;
  response: AcceptedResponse;
}

export type AcceptOutcome =
  | { kind: 'accepted' }
  | { kind: 'insufficient_credits'; available: number }
  | { kind: 'idempotency_replay'; record: IdempotencyRecord };

export interface AcceptRepository extends ContactReader {
  /**
   * Atomically writes the pending record, reserves `record.credits_reserved` credits (never beyond the
   * available balance), appends the reserve ledger entry and, with a claim, the idempotency record.
   */
  accept(record: ContactRecord, response: AcceptedResponse, claim?: IdempotencyClaim): Promise<AcceptOutcome>;
  /** Undoes an accept whose workflow could not be started: nothing of it remains. */
  rollbackAccept(record: ContactRecord, claim?: IdempotencyClaim): Promise<void>;
  findIdempotency(accountId: string, keyHash: string, now: Date): Promise<IdempotencyRecord | undefined>;
}
