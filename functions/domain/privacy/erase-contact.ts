/**
 * Erase an enrichment (DELETE /contacts/{id}): the person's data goes, in any state; the credits ledger stays
 * (its entries name no one), so it still sums to the balance.
 *
 * Input: the calling account and the enrichment id.
 * Output: what was erased (the handler answers 204); NotFoundError for another account's id, garbage, or a
 * record already erased.
 *
 * Primary course:
 *  1. Read the record of this account; anything else is 404.
 *  2. Forget the results cache's finds of the person under every identity, whichever account or scope owns
 *     them. This comes before the record goes, so a failure leaves the record for a retried DELETE to find.
 *  3. Delete the record, only while it is in the state read (with the accept's idempotency record, whose stored
 *     response names the person). A pending one is cancelled in the same transaction: nothing charged, its whole
 *     reservation released, a `release` ledger entry. Its waterfall stops at its next step (the record is gone),
 *     RecordResult finds nothing to finish (no charge, no webhook), and a webhook already queued finds nothing
 *     to send (queue messages carry ids only).
 *  4. If the record changed meanwhile (it finished, or a concurrent DELETE erased it), read it again and go
 *     back to 3; gone is 404.
 *  5. A cancelled contact of a batch is ticked off its batch, which finishes without it.
 */
import type { Clock } from '../clock';
import { releaseReservation } from '../credits/credits';
import type { FinishBatch } from '../batches/finish-batch';
import { getContact } from '../enrichment/get-contact';
import type { ErasureRepository } from '../ports/contacts';
import type { ResultCache } from '../ports/progress';
import { allCacheIdentities } from '../enrichment/result-cache';

export interface EraseContactDependencies {
  contacts: ErasureRepository;
  cache: Pick<ResultCache, 'forget'>;
  clock: Clock;
  /** Finishes the batch of a cancelled batch contact (POST /contacts/enrich/bulk). */
  batches?: Pick<FinishBatch, 'contactFinished'>;
}

export interface ErasedContact {
  enrichment_id: string;
  /** The state the enrichment was erased in: `pending` means it was cancelled. */
  status: 'pending' | 'finished';
  credits_released: number;
}

/** A record read, erased, read again… only changes state twice (pending → finished → gone). */
const MAX_ATTEMPTS = 3;

export class EraseContact {
  constructor(private readonly deps: EraseContactDependencies) {}

  async execute(accountId: string, enrichmentId: string): Promise<ErasedContact> {
    const { contacts, cache, clock } = this.deps;
    let record = await getContact(contacts, accountId, enrichmentId);
    await cache.forget(allCacheIdentities(record));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const cancellation = record.status === 'pending' ? releaseReservation(record.credits_reserved) : null;
      if (await contacts.erase(record, cancellation, clock.now().toISOString())) {
        if (record.status === 'pending') await this.deps.batches?.contactFinished(record, { replay: false });
        return {
          enrichment_id: enrichmentId,
          status: record.status,
          credits_released: cancellation?.released ?? 0,
        };
      }
      record = await getContact(contacts, accountId, enrichmentId);
    }
    throw new Error(`enrichment ${enrichmentId} kept changing while it was being erased`);
  }
}
