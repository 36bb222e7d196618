/** AcceptEnrichment: the pending record, the credit reservation and the idempotency record, written as one. */
import type { AcceptedResponse, ContactRecord } from '../enrichment/contact';
import type { BucketMoved, BucketWrite } from '../accounts/rate-limit';
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
  | { kind: 'idempotency_replay'; record: IdempotencyRecord }
  | BucketMoved;

export interface AcceptRepository extends ContactReader {
  /**
   * Atomically writes the pending record, reserves `record.credits_reserved` credits (never beyond the
   * available balance), appends the reserve ledger entry and, with a claim, the idempotency record; with a
   * bucket write, takes the contact from the account's rate-limit bucket in the same update as the reservation.
   */
  accept(
    record: ContactRecord,
    response: AcceptedResponse,
    claim?: IdempotencyClaim,
    bucket?: BucketWrite,
  ): Promise<AcceptOutcome>;
  /** Undoes an accept whose workflow could not be started: nothing of it remains. */
  rollbackAccept(record: ContactRecord, claim?: IdempotencyClaim): Promise<void>;
  findIdempotency(accountId: string, keyHash: string, now: Date): Promise<IdempotencyRecord | undefined>;
}
