/**
 * Batches in DynamoDB (README "Bulk enrichment"). Beside the batch item (`BATCH#<id>`) live its completion
 * shards (`#SHARD#<n>`: the ids of up to ten contacts not yet finished) and, from the commit until every contact
 * record is written, its contacts staged in a few items (`#STAGED#<n>`), so that the one commit transaction
 * holds the whole batch whatever its size. A batch carries the pending index's key (its own shards,
 * `PENDING#BATCH#<n>`) until its finish is handed over, so the sweeper finds one left half-way without a Scan.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { stagedParts, type BatchRecord } from '../../domain/batch';
import type { ContactRecord } from '../../domain/contact';
import { reserveCredits } from '../../domain/credits';
import type {
  BatchAcceptRepository,
  BatchCommitOutcome,
  BatchFinishOutcome,
  BatchIdempotencyRecord,
  BatchProgressRepository,
  BatchWebhookRepository,
  IdempotencyClaim,
  PendingBatches,
  PendingBatchReference,
  WebhookAttempt,
} from '../../domain/ports';
import { toRecord } from './contact-records';
import { availableOfRefused, creditWrites } from './credits';
import { queryPendingShard } from './pending-store';
import {
  batchIdOfKey,
  keys,
  PENDING_BATCH_SHARDS,
  PENDING_INDEX,
  pendingBatchShardOf,
  pendingShardOf,
  shardOfKey,
  TTL_ATTRIBUTE,
  WEBHOOK_INDEX,
  webhookShardOf,
} from './keys';
import { cancellationReasons, isConditionFailure, transactWrite } from './transactions';

/** Staged contacts are deleted once written; should that never happen, TTL removes them after a day. */
const STAGED_TTL_SECONDS = 24 * 60 * 60;
/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;

const TABLE_ONLY_ATTRIBUTES = ['PK', 'SK', 'type', TTL_ATTRIBUTE, PENDING_INDEX.partitionKey, 'shards_done'];

function toBatch(item: Record<string, unknown>): BatchRecord {
  const batch: Record<string, unknown> = { handed_over: false, ...item };
  for (const attribute of TABLE_ONLY_ATTRIBUTES) delete batch[attribute];
  return batch as unknown as BatchRecord;
}

export class DynamoBatchStore
  implements BatchAcceptRepository, BatchProgressRepository, BatchWebhookRepository, PendingBatches
{
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  private expiresAt(from: string, seconds = this.retentionDays * 86_400): number {
    return Math.floor(new Date(from).getTime() / 1000) + seconds;
  }

  // Accept ------------------------------------------------------------------------------------------------

  async findBatchIdempotency(
    accountId: string,
    keyHash: string,
    now: Date,
  ): Promise<BatchIdempotencyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.idempotency(accountId, keyHash),
        ConsistentRead: true,
      }),
    );
    if (!Item || (Item[TTL_ATTRIBUTE] as number) < Math.floor(now.getTime() / 1000)) return undefined;
    return {
      requestHash: Item.request_hash as string,
      batchId: (Item.batch_id as string | undefined) ?? null,
    };
  }

  async commitBatch(
    batch: BatchRecord,
    records: ContactRecord[],
    claim?: IdempotencyClaim,
  ): Promise<BatchCommitOutcome> {
    const { account_id: accountId, batch_id: batchId, created_at: at } = batch;
    const shards: string[][] = [];
    for (const record of records) (shards[record.batch!.shard] ??= []).push(record.enrichment_id);
    // The account's update comes first and the idempotency record last: DynamoDB reports by position. One
    // reserve entry for the whole batch (the reservation is one movement); each contact's finish writes its own
    // charge and release, so the ledger sums to the balance and the reservation throughout.
    const reservation = reserveCredits(batch.credits_reserved, at, { batch_id: batchId });
    const transactItems = [
      ...creditWrites(this.tableName, accountId, reservation),
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
      await transactWrite(this.db, { TransactItems: transactItems, ClientRequestToken: `batch-${batchId}` });
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
        return { kind: 'insufficient_credits', available: availableOfRefused(old) };
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

  async putContact(record: ContactRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
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
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
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

  // Read --------------------------------------------------------------------------------------------------

  async getBatch(accountId: string, batchId: string): Promise<BatchRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.batch(accountId, batchId),
        ConsistentRead: true,
      }),
    );
    return Item ? toBatch(Item) : undefined;
  }

  async getMembers(batch: BatchRecord): Promise<ContactRecord[]> {
    const items = await this.getAll(batch.enrichment_ids.map((id) => keys.contact(batch.account_id, id)));
    const byId = new Map(items.map((item) => [item.enrichment_id as string, toRecord(item)]));
    return batch.enrichment_ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Consistent BatchGetItem of any number of keys; unprocessed keys are asked for again. */
  private async getAll(wanted: Array<{ PK: string; SK: string }>): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (let start = 0; start < wanted.length; start += BATCH_GET_LIMIT) {
      let pending: Array<Record<string, unknown>> | undefined = wanted.slice(start, start + BATCH_GET_LIMIT);
      for (let round = 0; pending?.length; round++) {
        if (round) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** round)));
        const answer: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        found.push(...(answer.Responses?.[this.tableName] ?? []));
        pending = answer.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  // Progress ----------------------------------------------------------------------------------------------

  async markMemberFinished(
    accountId: string,
    batchId: string,
    shard: number,
    enrichmentId: string,
  ): Promise<boolean> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batchShard(accountId, batchId, shard),
          // Deleting from a set is idempotent: a replayed finish ticks nothing twice. DynamoDB removes an
          // emptied set, so a shard with no attribute left has no unfinished contact.
          UpdateExpression: 'DELETE #pending :id',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#pending': 'pending' },
          ExpressionAttributeValues: { ':id': new Set([enrichmentId]) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return !(Attributes?.pending as Set<string> | undefined)?.size;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markShardFinished(accountId: string, batchId: string, shard: number): Promise<boolean> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batch(accountId, batchId),
          UpdateExpression: 'ADD shards_done :shard',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':shard': new Set([shard]) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const done = (Attributes?.shards_done as Set<number> | undefined)?.size ?? 0;
      return done >= (Attributes?.shard_count as number);
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async unfinishedMembers(batch: BatchRecord): Promise<Array<{ shard: number; enrichment_id: string }>> {
    const items = await this.getAll(
      Array.from({ length: batch.shard_count }, (_, shard) =>
        keys.batchShard(batch.account_id, batch.batch_id, shard),
      ),
    );
    return items.flatMap((item) => {
      const shard = shardOfKey(String(item.SK));
      return [...((item.pending as Set<string> | undefined) ?? [])].map((id) => ({
        shard,
        enrichment_id: id,
      }));
    });
  }

  async finishBatch(accountId: string, batchId: string, finishedAt: string): Promise<BatchFinishOutcome> {
    const finished =
      (await this.finishPending(accountId, batchId, finishedAt, true)) ??
      (await this.finishPending(accountId, batchId, finishedAt, false));
    if (finished) return { kind: 'finished', batch: toBatch(finished) };
    const batch = await this.getBatch(accountId, batchId);
    return batch ? { kind: 'already_finished', batch } : { kind: 'missing' };
  }

  /**
   * Flips a pending batch to finished, one with a webhook into the index of webhooks left to deliver (one with
   * a webhook, or one without: a write cannot set an attribute on a condition of its own). The item after it;
   * undefined when the batch is not pending or has (not) a webhook.
   */
  private async finishPending(
    accountId: string,
    batchId: string,
    finishedAt: string,
    withWebhook: boolean,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batch(accountId, batchId),
          UpdateExpression:
            'SET #status = :finished, finished_at = :at' +
            (withWebhook ? `, ${WEBHOOK_INDEX.partitionKey} = :shard` : ''),
          ConditionExpression:
            '#status = :pending AND ' +
            (withWebhook ? 'attribute_exists(webhook.#status)' : 'attribute_not_exists(webhook.#status)'),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':finished': 'finished',
            ':pending': 'pending',
            ':at': finishedAt,
            ...(withWebhook ? { ':shard': webhookShardOf(batchId) } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return undefined;
    }
  }

  async markHandedOver(accountId: string, batchId: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batch(accountId, batchId),
          UpdateExpression: `SET handed_over = :true REMOVE ${PENDING_INDEX.partitionKey}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':true': true },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async listPendingBatches(before: Date): Promise<PendingBatchReference[]> {
    const pages = await Promise.all(
      PENDING_BATCH_SHARDS.map((shard) => this.queryShard(shard, before.toISOString())),
    );
    return pages.flat().sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  private async queryShard(shard: string, before: string): Promise<PendingBatchReference[]> {
    return (await queryPendingShard(this.db, this.tableName, shard, before)).map((item) => ({
      account_id: item.account_id as string,
      batch_id: batchIdOfKey(String(item.SK)),
      created_at: item.created_at as string,
    }));
  }

  // Webhook -----------------------------------------------------------------------------------------------

  async recordBatchWebhookAttempt(
    accountId: string,
    batchId: string,
    attempt: Pick<WebhookAttempt, 'at' | 'responseStatus' | 'status'>,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.batch(accountId, batchId),
          UpdateExpression:
            'SET webhook.attempts = webhook.attempts + :one, webhook.last_attempt_at = :at, ' +
            'webhook.last_response_status = :code, webhook.#status = :status' +
            // Delivered or given up on: it leaves the index of webhooks left to deliver.
            (attempt.status === 'pending' ? '' : ` REMOVE ${WEBHOOK_INDEX.partitionKey}`),
          // A delivered webhook stays delivered, whatever a late duplicate attempt reports.
          ConditionExpression: 'attribute_exists(webhook.#status) AND webhook.#status <> :delivered',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':at': attempt.at,
            ':code': attempt.responseStatus,
            ':status': attempt.status,
            ':delivered': 'delivered',
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
