/**
 * The single-table key design. Everything an account owns lives under its partition (`ACCOUNT#<id>`), so a
 * lookup made with one account's id can never reach another's records. API keys are the one exception: they
 * are found by hash before the account is known; deployment-wide items (results cache, suppression list,
 * provider traffic) have partitions of their own.
 *
 * | item        | PK                 | SK                          |
 * |-------------|--------------------|-----------------------------|
 * | account     | ACCOUNT#<account>  | #ACCOUNT                    |
 * | key (index) | ACCOUNT#<account>  | KEY#<key_prefix>            |
 * | key (auth)  | APIKEY#<sha256>    | #APIKEY                     |
 * | contact     | ACCOUNT#<account>  | CONTACT#<enrichment_id>     |
 * | ledger      | ACCOUNT#<account>  | LEDGER#<at>#<enrichment_id>#<kind>, LEDGER#<at>#BATCH#<batch_id>#reserve or LEDGER#<at>#GRANT#<id> |
 * | idempotency | ACCOUNT#<account>  | IDEMPOTENCY#<sha256(key)>   |
 * | batch       | ACCOUNT#<account>  | BATCH#<batch_id>, BATCH#<batch_id>#SHARD#<n>, BATCH#<batch_id>#STAGED#<n> |
 * | cache       | CACHE#<identity>   | <owner>#<type>              |
 * | suppression | SUPPRESSIONS       | <kind>#<value>              |
 * | traffic     | PROVIDER#<name>    | #TRAFFIC                    |
 * | usage       | ACCOUNT#<account>  | USAGE#<YYYY-MM-DD>          |
 * | stats       | PROVIDER#<name>    | STATS#<YYYY-MM-DD>…         |
 *
 * Every key of the table is built here, and every prefix a query or a parse needs is one of `PREFIXES`.
 */
import type { EnrichmentType } from '../../domain/enrichment/enrichment-request';
import type { SuppressionKind } from '../../domain/privacy/suppression-list';

/** The prefixes of the keys, for `begins_with` queries and for reading an id back out of a key. */
export const PREFIXES = {
  account: 'ACCOUNT#',
  accountKey: 'KEY#',
  apiKey: 'APIKEY#',
  contact: 'CONTACT#',
  ledger: 'LEDGER#',
  idempotency: 'IDEMPOTENCY#',
  batch: 'BATCH#',
  batchShard: '#SHARD#',
  batchStaged: '#STAGED#',
  cache: 'CACHE#',
  provider: 'PROVIDER#',
  pending: 'PENDING#',
  pendingBatch: 'PENDING#BATCH#',
  webhook: 'WEBHOOK#',
  usage: 'USAGE#',
  providerStats: 'STATS#',
} as const;

const accountPk = (accountId: string) => `${PREFIXES.account}${accountId}`;

/** The one partition of the suppression list. */
export const SUPPRESSION_PARTITION = 'SUPPRESSIONS';

export const keys = {
  account: (accountId: string) => ({ PK: accountPk(accountId), SK: '#ACCOUNT' }),
  accountKey: (accountId: string, keyPrefix: string) => ({
    PK: accountPk(accountId),
    SK: `${PREFIXES.accountKey}${keyPrefix}`,
  }),
  apiKey: (keyHash: string) => ({ PK: `${PREFIXES.apiKey}${keyHash}`, SK: '#APIKEY' }),
  contact: (accountId: string, enrichmentId: string) => ({
    PK: accountPk(accountId),
    SK: `${PREFIXES.contact}${enrichmentId}`,
  }),
  /** Ledger entries sort by time (`at`, ISO 8601 UTC), so one Query reads them newest first. */
  ledger: (accountId: string, at: string, entry: string) => ({
    PK: accountPk(accountId),
    SK: `${PREFIXES.ledger}${at}#${entry}`,
  }),
  idempotency: (accountId: string, keyHash: string) => ({
    PK: accountPk(accountId),
    SK: `${PREFIXES.idempotency}${keyHash}`,
  }),
  /** A batch; beside it its completion shards, and its staged contacts while it is being accepted. */
  batch: (accountId: string, batchId: string) => ({ PK: accountPk(accountId), SK: batchSk(batchId) }),
  batchShard: (accountId: string, batchId: string, shard: number) => ({
    PK: accountPk(accountId),
    SK: `${batchSk(batchId)}${PREFIXES.batchShard}${shard}`,
  }),
  batchStaged: (accountId: string, batchId: string, part: number) => ({
    PK: accountPk(accountId),
    SK: `${batchSk(batchId)}${PREFIXES.batchStaged}${part}`,
  }),
  /** A cached find: one partition per identity of the person, one item per owner and type. */
  cache: (identity: string, owner: string, type: EnrichmentType) => ({
    PK: cachePk(identity),
    SK: `${owner}#${type}`,
  }),
  /** Every cached find of one identity, whoever owns it (erasure). */
  cachePartition: (identity: string) => cachePk(identity),
  suppression: (kind: SuppressionKind, value: string) => ({
    PK: SUPPRESSION_PARTITION,
    SK: `${kind}#${value}`,
  }),
  providerTraffic: (provider: string) => ({ PK: `${PREFIXES.provider}${provider}`, SK: '#TRAFFIC' }),
  /** An account's usage counters of one UTC day (`YYYY-MM-DD`): one Query reads a range of days. */
  usage: (accountId: string, day: string) => ({ PK: accountPk(accountId), SK: `${PREFIXES.usage}${day}` }),
  /** A provider's deployment-wide counters of one UTC day; `part` names a part of the day's counters, if any. */
  providerStats: (provider: string, day: string, part?: string) => ({
    PK: `${PREFIXES.provider}${provider}`,
    SK: `${PREFIXES.providerStats}${day}${part === undefined ? '' : `#${part}`}`,
  }),
};

function batchSk(batchId: string): string {
  return `${PREFIXES.batch}${batchId}`;
}

function cachePk(identity: string): string {
  return `${PREFIXES.cache}${identity}`;
}

/** The batch id of a batch item's sort key. */
export function batchIdOfKey(sk: string): string {
  return sk.slice(PREFIXES.batch.length);
}

/** The shard number of a batch completion shard's sort key. */
export function shardOfKey(sk: string): number {
  return Number(sk.split(PREFIXES.batchShard)[1]);
}

/** The TTL attribute (epoch seconds) DynamoDB deletes expired items by. */
export const TTL_ATTRIBUTE = 'expires_at';

/** On a contact accepted with an Idempotency-Key: the key's hash, so erasure finds its idempotency record. */
export const IDEMPOTENCY_KEY_ATTRIBUTE = 'idempotency_key_hash';

export type { LedgerEntry, LedgerKind } from '../../domain/credits/ledger';

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

/** The pending index's shards of enrichments (`PENDING#0…7`). */
export const PENDING_SHARDS: readonly string[] = Array.from(
  { length: PENDING_INDEX.shards },
  (_, shard) => `${PREFIXES.pending}${shard}`,
);

/**
 * The pending index's shards of batches: batches have shards of their own (`PENDING#BATCH#0…7`), so the
 * enrichments' sweep and backlog never see them.
 */
export const PENDING_BATCH_SHARDS: readonly string[] = Array.from(
  { length: PENDING_INDEX.shards },
  (_, shard) => `${PREFIXES.pendingBatch}${shard}`,
);

/** The shard number of an id: stable, so a replayed accept writes the same one. */
function shardNumberOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % PENDING_INDEX.shards;
}

/** The shard of an enrichment, from its id. */
export function pendingShardOf(enrichmentId: string): string {
  return PENDING_SHARDS[shardNumberOf(enrichmentId)]!;
}

/** The pending index's shard of a batch, from its id. */
export function pendingBatchShardOf(batchId: string): string {
  return PENDING_BATCH_SHARDS[shardNumberOf(batchId)]!;
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
  return `${PREFIXES.webhook}${shardNumberOf(id)}`;
}
