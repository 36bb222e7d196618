/**
 * Credit movements (functions/domain/credits/credits.ts) as TransactWriteItems: the account's update, by the deltas the
 * domain computed, and a Put of each ledger entry. Every store that moves credits writes them through here, in
 * the same transaction as the change the movement belongs to, so the ledger always sums to the account. An
 * accept's reservation also carries its take from the account's rate-limit bucket (domain/accounts/rate-limit.ts):
 * the same update, so a request admitted costs no extra write and a refused one writes nothing.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  availableOf,
  reversed,
  type CreditDeltas,
  type CreditMovement,
  type MovementEntry,
} from '../../domain/credits/credits';
import type { BucketMoved, BucketWrite } from '../../domain/accounts/rate-limit';
import { keys, PREFIXES } from './keys';

/** The sort-key tail naming a ledger entry: deterministic, so a rollback can delete what it wrote. */
function entryName(entry: MovementEntry): string {
  if (entry.operation_id !== undefined) return `${entry.kind.toUpperCase()}#${entry.operation_id}`;
  if (entry.batch_id !== undefined) return `${PREFIXES.batch}${entry.batch_id}#${entry.kind}`;
  return `${entry.enrichment_id}#${entry.kind}`;
}

function ledgerEntryKey(accountId: string, entry: MovementEntry) {
  return keys.ledger(accountId, entry.at, entryName(entry));
}

/** A take from the rate-limit bucket: what it sets and the condition under which it was decided. */
function bucketUpdate(write: BucketWrite | undefined) {
  if (!write) return { set: '', condition: '', values: {} };
  if (write.kind === 'from_full') {
    return {
      set: ', bucket_full_at = :full_at',
      condition: ' AND (attribute_not_exists(bucket_full_at) OR bucket_full_at <= :bucket_now)',
      values: { ':full_at': write.fullAt, ':bucket_now': write.now },
    };
  }
  return {
    set: ', bucket_full_at = bucket_full_at + :bucket_by',
    condition: ' AND bucket_full_at > :bucket_now AND bucket_full_at <= :bucket_latest',
    values: { ':bucket_by': write.by, ':bucket_now': write.now, ':bucket_latest': write.latest },
  };
}

/**
 * The update of the account by `deltas`; a reservation is conditional on the credits available, and on the
 * bucket being as its take was decided from.
 */
function accountUpdate(
  tableName: string,
  accountId: string,
  deltas: CreditDeltas,
  requiresAvailable: number | null,
  bucket?: BucketWrite,
) {
  const take = bucketUpdate(bucket);
  return {
    Update: {
      TableName: tableName,
      Key: keys.account(accountId),
      UpdateExpression:
        'SET balance = balance + :balance, reserved = reserved + :reserved, available = available + :available' +
        take.set,
      ConditionExpression:
        (requiresAvailable === null
          ? 'attribute_exists(PK)'
          : 'attribute_exists(PK) AND available >= :required') + take.condition,
      ExpressionAttributeValues: {
        ':balance': deltas.balance,
        ':reserved': deltas.reserved,
        ':available': deltas.available,
        ...(requiresAvailable === null ? {} : { ':required': requiresAvailable }),
        ...take.values,
      },
      // A refused reservation answers how many credits were available.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

/** The Put of one ledger entry (never overwriting one). */
function ledgerPut(tableName: string, accountId: string, entry: MovementEntry) {
  // The operation id is in the key; the item keeps what the ledger reads, and the batch of a batch's entry.
  const { operation_id: _operation, ...stored } = entry;
  return {
    Put: {
      TableName: tableName,
      // Ledger entries outlive the contact they belong to: they are the account's audit trail.
      Item: { ...ledgerEntryKey(accountId, entry), type: 'ledger', ...stored },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/**
 * The transaction items of a movement: the account's update first (with an accept's take from the bucket), then
 * its ledger entries.
 */
export function creditWrites(
  tableName: string,
  accountId: string,
  movement: CreditMovement,
  bucket?: BucketWrite,
) {
  return [
    accountUpdate(tableName, accountId, movement.deltas, movement.requiresAvailable, bucket),
    ...movement.entries.map((entry) => ledgerPut(tableName, accountId, entry)),
  ];
}

/** The transaction items undoing a movement written by `creditWrites`: the reverse update, its entries deleted. */
export function creditUndoWrites(tableName: string, accountId: string, movement: CreditMovement) {
  return [
    accountUpdate(tableName, accountId, reversed(movement.deltas), null),
    ...movement.entries.map((entry) => ({
      Delete: { TableName: tableName, Key: ledgerEntryKey(accountId, entry) },
    })),
  ];
}

/**
 * Why a reservation was refused, from the old item it returns (ALL_OLD): too few credits available, or, with
 * enough, a bucket another request moved since it was read (`fullAt` as it now stands).
 */
export function refusedReservation(
  old: Record<string, AttributeValue> | undefined,
  movement: CreditMovement,
): { kind: 'insufficient_credits'; available: number } | BucketMoved {
  const number = (value: AttributeValue | undefined) => (value && 'N' in value ? Number(value.N) : undefined);
  const available = old
    ? availableOf({ balance: number(old.balance) ?? 0, reserved: number(old.reserved) ?? 0 })
    : 0;
  if (!old || available < (movement.requiresAvailable ?? 0))
    return { kind: 'insufficient_credits', available };
  return { kind: 'bucket_moved', fullAt: number(old.bucket_full_at) ?? null };
}
