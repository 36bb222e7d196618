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
 * | ledger      | ACCOUNT#<account>  | LEDGER#<at>#<enrichment_id>#<kind> or LEDGER#<at>#GRANT#<id> |
 * | idempotency | ACCOUNT#<account>  | IDEMPOTENCY#<sha256(key)>   |
 * | batch       | ACCOUNT#<account>  | BATCH#<batch_id>, BATCH#<batch_id>#SHARD#<n>, BATCH#<batch_id>#STAGED#<n> |
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
  /** Ledger entries sort by time (`at`, ISO 8601 UTC), so one Query reads them newest first. */
  ledger: (accountId: string, at: string, entry: string) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `LEDGER#${at}#${entry}`,
  }),
  idempotency: (accountId: string, keyHash: string) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `IDEMPOTENCY#${keyHash}`,
  }),
  /** A batch; beside it its completion shards, and its staged contacts while it is being accepted. */
  batch: (accountId: string, batchId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: `BATCH#${batchId}` }),
  batchShard: (accountId: string, batchId: string, shard: number) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `BATCH#${batchId}#SHARD#${shard}`,
  }),
  batchStaged: (accountId: string, batchId: string, part: number) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `BATCH#${batchId}#STAGED#${part}`,
  }),
};

/** The TTL attribute (epoch seconds) DynamoDB deletes expired items by. */
export const TTL_ATTRIBUTE = 'expires_at';

/** On a contact accepted with an Idempotency-Key: the key's hash, so erasure finds its idempotency record. */
export const IDEMPOTENCY_KEY_ATTRIBUTE = 'idempotency_key_hash';

export type { LedgerEntry, LedgerKind } from '../../domain/ledger';

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

/** The shard number of an id (stable, so a replayed write puts it in the same shard). */
function shardNumberOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % PENDING_INDEX.shards;
}

/** The shard of an enrichment, from its id (stable, so a replayed accept writes the same one). */
export function pendingShardOf(enrichmentId: string): string {
  return `PENDING#${shardNumberOf(enrichmentId)}`;
}

/**
 * The pending index's shard of a batch: batches have shards of their own (`PENDING#BATCH#0…7`), so the
 * enrichments' sweep and backlog never see them.
 */
export function pendingBatchShardOf(batchId: string): string {
  return `PENDING#BATCH#${shardNumberOf(batchId)}`;
}

/**
 * The sparse index of webhooks left to deliver: a finished contact or batch with a webhook carries
 * `webhook_shard` from its finish until the webhook is delivered or given up on (a resend puts it back). A local
 * stack restarted on a table kept on disk finds them there, since its in-process queue ended with the process.
 */
export const WEBHOOK_INDEX = {
  name: 'undelivered-webhooks',
  partitionKey: 'webhook_shard',
  shards: PENDING_INDEX.shards,
  /** What the resume needs beyond the keys. */
  projected: ['account_id', 'enrichment_id', 'type'],
} as const;

/** The undelivered-webhook index's shard of a contact (its enrichment id) or a batch (its batch id). */
export function webhookShardOf(id: string): string {
  return `WEBHOOK#${shardNumberOf(id)}`;
}
