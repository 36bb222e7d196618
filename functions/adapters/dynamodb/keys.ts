/**
 * The single-table key design. Everything an account owns lives under its partition (`ACCOUNT#<id>`), so a
 * lookup made with one account's id can never reach another's records. API keys are the one exception: they
 * are found by hash before the account is known.
 *
 * | item        | PK                 | SK                          |
 * |-------------|--------------------|-----------------------------|
 * | account     | ACCOUNT#<account>  | #ACCOUNT                    |
 * | key (index) | ACCOUNT#<account>  | KEY#<key_prefix>            |
 * | key (auth)  | APIKEY#<sha256>    | #APIKEY                     |
 * | contact     | ACCOUNT#<account>  | CONTACT#<enrichment_id>     |
 * | ledger      | ACCOUNT#<account>  | LEDGER#<enrichment_id>#<kind> or LEDGER#GRANT#<id> |
 * | idempotency | ACCOUNT#<account>  | IDEMPOTENCY#<sha256(key)>   |
 */
export const keys = {
  account: (accountId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: '#ACCOUNT' }),
  accountKey: (accountId: string, keyPrefix: string) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `KEY#${keyPrefix}`,
  }),
  apiKey: (keyHash: string) => ({ PK: `APIKEY#${keyHash}`, SK: '#APIKEY' }),
  contact: (accountId: string, enrichmentId: string) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `CONTACT#${enrichmentId}`,
  }),
  ledger: (accountId: string, entry: string) => ({ PK: `ACCOUNT#${accountId}`, SK: `LEDGER#${entry}` }),
  idempotency: (accountId: string, keyHash: string) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `IDEMPOTENCY#${keyHash}`,
  }),
};

/** The TTL attribute (epoch seconds) DynamoDB deletes expired items by. */
export const TTL_ATTRIBUTE = 'expires_at';

export type LedgerKind = 'reserve' | 'charge' | 'release' | 'grant';

export interface LedgerEntry {
  kind: LedgerKind;
  enrichment_id: string | null;
  /** Effect on the balance (grant +n, charge -n). The ledger's balance deltas sum to the balance. */
  balance_delta: number;
  /** Effect on the reservation (reserve +n, release -n). */
  reserved_delta: number;
  at: string;
}

/**
 * The sparse index of pending enrichments: a pending contact carries `pending_shard` (one of a few values, so
 * accepts spread their index writes) and its `created_at`; the finish removes the shard, and the item leaves
 * the index. The sweeper reads the index, never the table.
 */
export const PENDING_INDEX = {
  name: 'pending',
  partitionKey: 'pending_shard',
  sortKey: 'created_at',
  shards: 8,
  /** What the sweeper needs beyond the keys. */
  projected: ['account_id', 'enrichment_id', 'enrichment_type'],
} as const;

/** The shard of an enrichment, from its id (stable, so a replayed accept writes the same one). */
export function pendingShardOf(enrichmentId: string): string {
  let hash = 0;
  for (const char of enrichmentId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `PENDING#${hash % PENDING_INDEX.shards}`;
}
