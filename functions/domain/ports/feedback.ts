/** RecordFeedback (POST /contacts/{id}/feedback): the feedback, its refund and its counters, written at once. */
import type { CreditMovement } from '../credits/credits';
import type { StoredFeedback } from '../enrichment/contact';
import type { EnrichmentType } from '../enrichment/enrichment-request';
import type { ContactReader } from './contacts';

/** A result newly reported bad, counted in the bounces of the provider that found it, on the day it was found. */
export interface Bounce {
  provider: string;
  /** The UTC day (`YYYY-MM-DD`) of the enrichment's finish. */
  day: string;
  type: EnrichmentType;
}

/** The results cache's item of one person and type, which a bad result leaves. */
export interface CachedFind {
  identity: string;
  owner: string;
  type: EnrichmentType;
  /**
   * The values reported bad (the email, or the phone numbers reported wrong): the item leaves only while its result
   * still holds one of them, so a newer find cached since stays.
   */
  values: string[];
}

/** What one feedback changes, decided from the record at `version`. */
export interface FeedbackWrite {
  accountId: string;
  enrichmentId: string;
  /** The record's feedback version the decision was made from (0 before any feedback). */
  version: number;
  feedback: StoredFeedback;
  /** Credits given back, for types not refunded before; null when nothing is refunded. */
  refund: { movement: CreditMovement; credits: number; types: EnrichmentType[]; day: string } | null;
  bounces: Bounce[];
  /** Dropped from the results cache once the feedback is written (`BadResultCache`), outside its transaction. */
  uncache: CachedFind[];
}

export interface FeedbackRepository extends ContactReader {
  /**
   * Writes the feedback, the refund (record, account, ledger, usage counter) and the bounces in one transaction,
   * only while the record is finished, still at `write.version`, and none of the refunded types was refunded yet.
   * False when the record changed since it was read (nothing is written then).
   */
  recordFeedback(write: FeedbackWrite): Promise<boolean>;
}

/** The results cache, as feedback drops a bad result from it. */
export interface BadResultCache {
  /**
   * Deletes the cached item of `find` while its result still holds one of `find.values`. False when there is no
   * item, or it holds another result (a newer find): it is kept.
   */
  forgetBad(find: CachedFind): Promise<boolean>;
}
