/**
 * Accepting an enrichment in DynamoDB: the pending record, the credit reservation with its ledger entry and the
 * idempotency record, written in one transaction; and its undoing when the workflow cannot be started.
 */
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AcceptedResponse, ContactRecord } from '../../domain/enrichment/contact';
import { reserveCredits } from '../../domain/credits/credits';
import type {
  AcceptOutcome,
  AcceptRepository,
  IdempotencyClaim,
  IdempotencyRecord,
} from '../../domain/ports/accept';
import { DynamoContacts } from './contact-records';
import { IDEMPOTENCY_KEY_ATTRIBUTE, keys, PENDING_INDEX, pendingShardOf, TTL_ATTRIBUTE } from './keys';
import { refusedReservation, creditUndoWrites, creditWrites } from './credits';
import { readIdempotency } from './idempotency';
import { cancellationReasons, tokenPrefix, transactWrite } from './transactions';
import type { BucketWrite } from '../../domain/accounts/rate-limit';

/** The reservation of an accept: recomputed alike by its rollback, which deletes the entry it wrote. */
const reservationOf = (record: ContactRecord) =>
  reserveCredits(record.credits_reserved, record.created_at, { enrichment_id: record.enrichment_id });

export class DynamoAcceptStore extends DynamoContacts implements AcceptRepository {
  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    private readonly retentionDays: number,
  ) {
    super(db, tableName);
  }

  private expiresAt(from: string): number {
    return Math.floor(new Date(from).getTime() / 1000) + this.retentionDays * 86_400;
  }

  async accept(
    record: ContactRecord,
    response: AcceptedResponse,
    claim?: IdempotencyClaim,
    bucket?: BucketWrite,
  ): Promise<AcceptOutcome> {
    const accountId = record.account_id;
    const reservation = reservationOf(record);
    // The account's update comes first and the idempotency record last: DynamoDB reports by position.
    const transactItems = [
      ...creditWrites(this.tableName, accountId, reservation, bucket),
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.contact(accountId, record.enrichment_id),
            type: 'contact',
            ...record,
            [PENDING_INDEX.partitionKey]: pendingShardOf(record.enrichment_id),
            [TTL_ATTRIBUTE]: this.expiresAt(record.created_at),
            // Erasure deletes the idempotency record too: its stored first response names the person.
            ...(claim ? { [IDEMPOTENCY_KEY_ATTRIBUTE]: claim.keyHash } : {}),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...(claim
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.idempotency(accountId, claim.keyHash),
                  type: 'idempotency',
                  request_hash: claim.requestHash,
                  // Stored as text: a replay answers the very bytes of the first response.
                  response_json: JSON.stringify(response),
                  [TTL_ATTRIBUTE]: claim.expiresAt,
                },
                // An expired record may linger until TTL deletes it; it no longer counts.
                ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
                ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
                ExpressionAttributeValues: {
                  ':now': Math.floor(new Date(record.created_at).getTime() / 1000),
                },
              },
            },
          ]
        : []),
    ];
    try {
      // The token makes an SDK-level resend of this very transaction a no-op rather than a failed condition.
      await transactWrite(this.db, {
        TransactItems: transactItems,
        ClientRequestToken: `${tokenPrefix(bucket)}${record.enrichment_id}`,
      });
      return { kind: 'accepted' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (claim && reasons[transactItems.length - 1] === 'ConditionalCheckFailed') {
        const previous = await this.findIdempotency(accountId, claim.keyHash, new Date(record.created_at));
        if (previous) return { kind: 'idempotency_replay', record: previous };
      }
      if (reasons[0] === 'ConditionalCheckFailed') {
        const old = (error as TransactionCanceledException).CancellationReasons?.[0]?.Item;
        return refusedReservation(old, reservation);
      }
      throw error;
    }
  }

  async rollbackAccept(record: ContactRecord, claim?: IdempotencyClaim): Promise<void> {
    const accountId = record.account_id;
    await transactWrite(this.db, {
      TransactItems: [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.contact(accountId, record.enrichment_id),
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          },
        },
        ...creditUndoWrites(this.tableName, accountId, reservationOf(record)),
        ...(claim
          ? [{ Delete: { TableName: this.tableName, Key: keys.idempotency(accountId, claim.keyHash) } }]
          : []),
      ],
    });
  }

  async findIdempotency(
    accountId: string,
    keyHash: string,
    now: Date,
  ): Promise<IdempotencyRecord | undefined> {
    const Item = await readIdempotency(this.db, this.tableName, accountId, keyHash, now);
    if (!Item) return undefined;
    return {
      requestHash: Item.request_hash as string,
      response: JSON.parse(Item.response_json as string) as AcceptedResponse,
    };
  }
}
