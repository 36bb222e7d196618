/**
 * Credit movements (functions/domain/credits/credits.ts) as TransactWriteItems: the account's update, by the deltas the
 * domain computed, and a Put of each ledger entry. Every store that moves credits writes them through here, in
 * the same transaction as the change the movement belongs to, so the ledger always sums to the account.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  availableOf,
  reversed,
  type CreditDeltas,
  type CreditMovement,
  type MovementEntry,
} from '../../domain/credits/credits';
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

/** The update of the account by `deltas`; a reservation is conditional on the credits available. */
function accountUpdate(
  tableName: string,
  accountId: string,
  deltas: CreditDeltas,
  requiresAvailable: number | null,
) {
  return {
    Update: {
      TableName: tableName,
      Key: keys.account(accountId),
      UpdateExpression:
        'SET balance = balance + :balance, reserved = reserved + :reserved, available = available + :available',
      ConditionExpression:
        requiresAvailable === null
          ? 'attribute_exists(PK)'
          : 'attribute_exists(PK) AND available >= :required',
      ExpressionAttributeValues: {
        ':balance': deltas.balance,
        ':reserved': deltas.reserved,
        ':available': deltas.available,
        ...(requiresAvailable === null ? {} : { ':required': requiresAvailable }),
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

/** The transaction items of a movement: the account's update first, then its ledger entries. */
export function creditWrites(tableName: string, accountId: string, movement: CreditMovement) {
  return [
    accountUpdate(tableName, accountId, movement.deltas, movement.requiresAvailable),
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

/** The credits an account had available, from the old item a refused reservation returns (ALL_OLD). */
export function availableOfRefused(old: Record<string, AttributeValue> | undefined): number {
  const number = (value: AttributeValue | undefined) => (value && 'N' in value ? Number(value.N) : 0);
  return old ? availableOf({ balance: number(old.balance), reserved: number(old.reserved) }) : 0;
}
