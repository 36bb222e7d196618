/**
 * Accepting a batch in DynamoDB (README "Bulk enrichment"). The commit writes the batch item (`BATCH#<id>`), its
 * completion shards (`#SHARD#<n>`: the ids of up to ten contacts not yet finished) and, until every contact
 * record is written, its contacts staged in a few items (`#STAGED#<n>`), so that the one commit transaction
 * holds the whole batch whatever its size. A batch carries the pending index's key (its own shards,
 * `PENDING#BATCH#<n>`) until its finish is handed over, so the sweeper finds one left half-way without a Scan.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { stagedParts, type BatchRecord } from '../../../domain/batches/batch';
import type { ContactRecord } from '../../../domain/enrichment/contact';
import { reserveCredits } from '../../../domain/credits/credits';
import type { IdempotencyClaim } from '../../../domain/ports/accept';
import type {
  BatchAcceptRepository,
  BatchCommitOutcome,
  BatchIdempotencyRecord,
} from '../../../domain/ports/batches';
import { eachLimited } from '../../../domain/batches/accept-batch';
import { readIdempotency } from '../idempotency';
import { DynamoBatchReader } from './reader';
import { refusedReservation, creditWrites } from '../credits';
import { keys, PENDING_INDEX, pendingBatchShardOf, pendingShardOf, TTL_ATTRIBUTE } from '../keys';
import { cancellationReasons, isConditionFailure, tokenPrefix, transactWrite } from '../transactions';
import type { BucketWrite } from '../../../domain/accounts/rate-limit';

/** Staged contacts are deleted once written; should that never happen, TTL removes them after a day. */
const STAGED_TTL_SECONDS = 24 * 60 * 60;

/** Single puts in flight at once when a part's transaction was refused. */
const PARALLEL_PUTS = 25;

export class DynamoBatchAcceptStore extends DynamoBatchReader implements BatchAcceptRepository {
  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    private readonly retentionDays: number,
  ) {
    super(db, tableName);
  }

  private expiresAt(from: string, seconds = this.retentionDays * 86_400): number {
    return Math.floor(new Date(from).getTime() / 1000) + seconds;
  }

  async findBatchIdempotency(
    accountId: string,
    keyHash: string,
    now: Date,
  ): Promise<BatchIdempotencyRecord | undefined> {
    const Item = await readIdempotency(this.db, this.tableName, accountId, keyHash, now);
    if (!Item) return undefined;
    return {
      requestHash: Item.request_hash as string,
      batchId: (Item.batch_id as string | undefined) ?? null,
    };
  }

  async commitBatch(
    batch: BatchRecord,
    records: ContactRecord[],
    claim?: IdempotencyClaim,
    bucket?: BucketWrite,
  ): Promise<BatchCommitOutcome> {
    const { account_id: accountId, batch_id: batchId, created_at: at } = batch;
    const shards: string[][] = [];
    for (const record of records) (shards[record.batch!.shard] ??= []).push(record.enrichment_id);
    // The account's update comes first and the idempotency record last: DynamoDB reports by position. One
    // reserve entry for the whole batch (the reservation is one movement); each contact's finish writes its own
    // charge and release, so the ledger sums to the balance and the reservation throughout.
    const reservation = reserveCredits(batch.credits_reserved, at, { batch_id: batchId });
    const transactItems = [
      ...creditWrites(this.tableName, accountId, reservation, bucket),
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.batch(accountId, batchId),
            type: 'batch',
            ...batch,
            [PENDING_INDEX.partitionKey]: pendingBatchShardOf(batchId),
            [TTL_ATTRIBUTE]: this.expiresAt(at),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...shards.map((ids, shard) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.batchShard(accountId, batchId, shard),
            type: 'batch_shard',
            pending: new Set(ids),
            [TTL_ATTRIBUTE]: this.expiresAt(at),
          },
        },
      })),
      ...stagedParts(records).map((part, index) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.batchStaged(accountId, batchId, index),
            type: 'batch_staged',
            records_json: JSON.stringify(part),
            [TTL_ATTRIBUTE]: this.expiresAt(at, STAGED_TTL_SECONDS),
          },
        },
      })),
      ...(claim
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.idempotency(accountId, claim.keyHash),
                  type: 'idempotency',
                  request_hash: claim.requestHash,
                  batch_id: batchId,
                  // The replay rebuilds the 202 from the batch (a hundred customs may not fit one item); this
                  // stays for the single route, which reads every idempotency record the same way.
                  response_json: JSON.stringify({ batch_id: batchId }),
                  [TTL_ATTRIBUTE]: claim.expiresAt,
                },
                ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
                ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
                ExpressionAttributeValues: { ':now': Math.floor(new Date(at).getTime() / 1000) },
              },
            },
          ]
        : []),
    ];
    try {
      await transactWrite(this.db, {
        TransactItems: transactItems,
        ClientRequestToken: `${tokenPrefix(bucket, 'batch')}${batchId}`,
      });
      return { kind: 'committed' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (claim && reasons[transactItems.length - 1] === 'ConditionalCheckFailed') {
        const previous = await this.findBatchIdempotency(accountId, claim.keyHash, new Date(at));
        if (previous) return { kind: 'idempotency_replay', previous };
      }
      if (reasons[0] === 'ConditionalCheckFailed') {
        const old = (error as TransactionCanceledException).CancellationReasons?.[0]?.Item;
        return refusedReservation(old, reservation);
      }
      throw error;
    }
  }

  async stagedContacts(batch: BatchRecord): Promise<ContactRecord[] | undefined> {
    const partKeys = Array.from({ length: batch.staged_parts }, (_, part) =>
      keys.batchStaged(batch.account_id, batch.batch_id, part),
    );
    const items = await this.getAll(partKeys);
    if (items.length < partKeys.length) return undefined;
    return items.flatMap((item) => JSON.parse(item.records_json as string) as ContactRecord[]);
  }

  /**
   * One transaction per staged part (at most 300 KB of contacts: well within a transaction's 100 items and 4 MB),
   * the parts at once: a typical batch's contacts in one round trip instead of one each. Every put is conditional
   * on the contact's absence; when one is there already (a resumed accept, or a replay resuming it meanwhile),
   * DynamoDB cancels the part's transaction and its contacts are put one by one, each still only where absent.
   * A part that fails is thrown once the others have settled: what they wrote stays, and the resume adds the rest.
   */
  async putContacts(records: ContactRecord[]): Promise<void> {
    const parts = stagedParts(records);
    await eachLimited(parts, parts.length, (part) => this.putPart(part));
  }

  private async putPart(part: ContactRecord[]): Promise<void> {
    try {
      await transactWrite(this.db, {
        TransactItems: part.map((record) => ({ Put: this.contactPut(record) })),
      });
    } catch (error) {
      if (!cancellationReasons(error)?.includes('ConditionalCheckFailed')) throw error;
      await eachLimited(part, PARALLEL_PUTS, (record) => this.putContact(record));
    }
  }

  private async putContact(record: ContactRecord): Promise<void> {
    try {
      await this.db.send(new PutCommand(this.contactPut(record)));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private contactPut(record: ContactRecord) {
    return {
      TableName: this.tableName,
      // The very item the single route's accept writes.
      Item: {
        ...keys.contact(record.account_id, record.enrichment_id),
        type: 'contact',
        ...record,
        [PENDING_INDEX.partitionKey]: pendingShardOf(record.enrichment_id),
        [TTL_ATTRIBUTE]: this.expiresAt(record.created_at),
      },
      // Written already (a resumed accept): it may be running, and must not be reset.
      ConditionExpression: 'attribute_not_exists(PK)',
    };
  }

  async markAccepted(batch: BatchRecord): Promise<void> {
    await transactWrite(this.db, {
      TransactItems: [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.batch(batch.account_id, batch.batch_id),
            UpdateExpression: 'SET accept_state = :accepted',
            ExpressionAttributeValues: { ':accepted': 'accepted' },
          },
        },
        ...Array.from({ length: batch.staged_parts }, (_, part) => ({
          Delete: {
            TableName: this.tableName,
            Key: keys.batchStaged(batch.account_id, batch.batch_id, part),
          },
        })),
      ],
    });
  }
}
