/** Ledger entries as items: every money movement is written in the same transaction as the change it records. */
import { keys, type LedgerEntry } from './keys';

/** The Put of one enrichment's ledger entry; at most one of each kind per enrichment, so a replay cannot add one. */
export function ledgerPut(
  tableName: string,
  accountId: string,
  entry: LedgerEntry & { enrichment_id: string },
) {
  return {
    Put: {
      TableName: tableName,
      // Ledger entries outlive the contact they belong to: they are the account's audit trail.
      Item: { ...keys.ledger(accountId, `${entry.enrichment_id}#${entry.kind}`), type: 'ledger', ...entry },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}
