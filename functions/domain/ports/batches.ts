/** Bulk enrichment (AcceptBatch, FinishBatch, GetBatch, SweepBatches, the batch webhook). */
import type { BucketMoved, BucketWrite } from '../accounts/rate-limit';
import type { BatchRecord } from '../batches/batch';
import type { ContactRecord } from '../enrichment/contact';
import type { IdempotencyClaim } from './accept';
import type { WebhookAttempt } from './webhooks';

export interface BatchIdempotencyRecord {
  requestHash: string;
  /** The batch the key accepted; null when the key was used on POST /contacts/enrich/async. */
  batchId: string | null;
}

export type BatchCommitOutcome =
  | { kind: 'committed' }
  | { kind: 'insufficient_credits'; available: number }
  | { kind: 'idempotency_replay'; previous: BatchIdempotencyRecord }
  | BucketMoved;

export interface BatchReader {
  getBatch(accountId: string, batchId: string): Promise<BatchRecord | undefined>;
  /** The batch's contact records, in request order (consistent reads); an erased one is left out. */
  getMembers(batch: BatchRecord): Promise<ContactRecord[]>;
}

export interface BatchAcceptRepository extends BatchReader {
  findBatchIdempotency(
    accountId: string,
    keyHash: string,
    now: Date,
  ): Promise<BatchIdempotencyRecord | undefined>;
  /**
   * The commit point, one transaction: reserves the batch's worst case (never beyond the available balance),
   * writes the batch, its reserve ledger entry, its completion shards, its contact records staged on the batch
   * and, with a claim, the idempotency record; with a bucket write, takes the batch's contacts from the
   * account's rate-limit bucket in the same update as the reservation.
   */
  commitBatch(
    batch: BatchRecord,
    records: ContactRecord[],
    claim?: IdempotencyClaim,
    bucket?: BucketWrite,
  ): Promise<BatchCommitOutcome>;
  /** The staged contact records of a batch still being accepted; undefined once it is accepted. */
  stagedContacts(batch: BatchRecord): Promise<ContactRecord[] | undefined>;
  /**
   * Writes the contacts as ordinary pending records, each unless it is there already (a resumed accept); a
   * failure may leave some written, which the accept's resume completes.
   */
  putContacts(records: ContactRecord[]): Promise<void>;
  /** Every contact is written: the batch is accepted and its staged copies are deleted. */
  markAccepted(batch: BatchRecord): Promise<void>;
}

export type BatchFinishOutcome =
  { kind: 'finished' | 'already_finished'; batch: BatchRecord } | { kind: 'missing' };

export interface BatchProgressRepository extends BatchReader {
  /** Ticks a finished contact off its shard; true when the shard has no unfinished contact left. */
  markMemberFinished(
    accountId: string,
    batchId: string,
    shard: number,
    enrichmentId: string,
  ): Promise<boolean>;
  /** Ticks a shard off the batch; true when every shard of the batch is done. */
  markShardFinished(accountId: string, batchId: string, shard: number): Promise<boolean>;
  /** The contacts not yet ticked off, by shard (the sweeper's reconciliation). */
  unfinishedMembers(batch: BatchRecord): Promise<Array<{ shard: number; enrichment_id: string }>>;
  /** Flips the batch from pending to finished, once: whoever flips it hands its webhook over. */
  finishBatch(accountId: string, batchId: string, finishedAt: string): Promise<BatchFinishOutcome>;
  /** The finished batch's webhook is queued (or it has none): the batch leaves the pending index. */
  markHandedOver(accountId: string, batchId: string): Promise<void>;
}

export interface PendingBatchReference {
  account_id: string;
  batch_id: string;
  created_at: string;
}

export interface PendingBatches {
  /** Batches accepted before `before` that are pending or whose finish is not yet handed over. */
  listPendingBatches(before: Date): Promise<PendingBatchReference[]>;
}

export interface BatchWebhookRepository extends BatchReader {
  recordBatchWebhookAttempt(
    accountId: string,
    batchId: string,
    attempt: Pick<WebhookAttempt, 'at' | 'responseStatus' | 'status'>,
  ): Promise<void>;
}
