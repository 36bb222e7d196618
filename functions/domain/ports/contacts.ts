/** Contact records: reading one (shared by most use cases) and erasing it (DELETE /contacts/{id}). */
import type { ContactRecord } from '../enrichment/contact';
import type { Settlement } from '../credits/credits';

export interface ContactReader {
  getContact(accountId: string, enrichmentId: string): Promise<ContactRecord | undefined>;
}

export interface ErasureRepository extends ContactReader {
  /**
   * Deletes the record, only while it is still in the state it was read in, with the accept's idempotency record
   * (its stored first response names the person). A pending record's `cancellation` is applied to the account
   * and written to the ledger in the same transaction. False when the record changed meanwhile (it finished, or
   * was erased).
   */
  erase(record: ContactRecord, cancellation: Settlement | null, at: string): Promise<boolean>;
}
