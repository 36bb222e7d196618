/**
 * The ports the use cases depend on, grouped by use case. Adapters (DynamoDB, Step Functions, SQS, HTTP, the
 * local stack) implement them; tests use the real adapters against emulators, or plain fakes for pure logic.
 */
import type { Account, ApiKeyRecord } from './accounts';
import type { BatchRecord } from './batch';
import type {
  AcceptedResponse,
  ContactRecord,
  EmailCandidate,
  EmailResult,
  PhoneResult,
  Results,
  WaterfallStep,
  WebhookDelivery,
  WebhookState,
} from './contact';
import type { Settlement } from './credits';
import type { LedgerEntry } from './ledger';
import type { EnrichmentType } from './enrichment-request';
import type { AddressClass } from './network-address';
import type { ProviderRefusal } from './provider';
import type { CachedResult } from './result-cache';
import type { SuppressionEntry, SuppressionKind } from './suppression-list';
import type { WorkflowInput } from './waterfall-state';
import type { QueuedWebhook } from './webhook-message';

// Reading, shared by several use cases ------------------------------------------------------------------

export interface AccountReader {
  getAccount(accountId: string): Promise<Account | undefined>;
}

export interface ContactReader {
  getContact(accountId: string, enrichmentId: string): Promise<ContactRecord | undefined>;
}

// Authenticate (authorizer) -----------------------------------------------------------------------------

export interface ApiKeyReader {
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
}

// AcceptEnrichment ----------------------------------------------------------------------------------------

export interface IdempotencyClaim {
  keyHash: string;
  requestHash: string;
  expiresAt: number;
}

export interface IdempotencyRecord {
  requestHash: string;
  response: AcceptedResponse;
}

export type AcceptOutcome =
  | { kind: 'accepted' }
  | { kind: 'insufficient_credits'; available: number }
  | { kind: 'idempotency_replay'; record: IdempotencyRecord };

export interface AcceptRepository extends ContactReader {
  /**
   * Atomically writes the pending record, reserves `record.credits_reserved` credits (never beyond the
   * available balance), appends the reserve ledger entry and, with a claim, the idempotency record.
   */
  accept(record: ContactRecord, response: AcceptedResponse, claim?: IdempotencyClaim): Promise<AcceptOutcome>;
  /** Undoes an accept whose workflow could not be started: nothing of it remains. */
  rollbackAccept(record: ContactRecord, claim?: IdempotencyClaim): Promise<void>;
  findIdempotency(accountId: string, keyHash: string, now: Date): Promise<IdempotencyRecord | undefined>;
}

export interface WorkflowStarter {
  /** Starts the waterfall; starting the same enrichment twice is harmless. */
  start(input: WorkflowInput): Promise<void>;
}

export type WorkflowStatus = 'running' | 'ended' | 'missing';

export interface WorkflowInspector {
  /** Whether the enrichment's execution is running, has ended (however), or was never started. */
  status(enrichmentId: string): Promise<WorkflowStatus>;
}

// ProviderStep --------------------------------------------------------------------------------------------

/** What one provider step adds to the record: trace steps, and the type's result or end. */
export interface ProgressUpdate {
  type: EnrichmentType;
  steps: WaterfallStep[];
  /** The type's result; it also closes the type. */
  found?: EmailResult | PhoneResult[];
  /** Closes the type without a result (every provider asked). */
  close?: boolean;
  /** Keeps an email awaiting verification; `null` drops it. */
  candidate?: EmailCandidate | null;
}

export interface ProgressRepository extends ContactReader {
  /** Applies the update only while the record is pending; false when it no longer is (finished, erased). */
  recordProgress(accountId: string, enrichmentId: string, update: ProgressUpdate): Promise<boolean>;
}

// FinishEnrichment (RecordResult, recovery, sweeper) -----------------------------------------------------

export interface FinishInput {
  /** The pending record as read before settling. */
  record: ContactRecord;
  results: Results;
  /** Steps to add to the trace (those of unfinished types), after whatever the provider steps appended. */
  appendSteps: WaterfallStep[];
  settlement: Settlement;
  finishedAt: string;
}

export type FinishOutcome =
  { kind: 'finished'; record: ContactRecord } | { kind: 'already_finished'; record: ContactRecord };

export interface FinishRepository extends ContactReader {
  /** Flips pending → finished, applies the settlement and writes its ledger entries, exactly once. */
  finish(input: FinishInput): Promise<FinishOutcome>;
}

export interface WebhookQueue {
  enqueue(message: QueuedWebhook): Promise<void>;
}

// AcceptBatch, FinishBatch, GetBatch, SweepBatches (bulk enrichment) ------------------------------------

export interface BatchIdempotencyRecord {
  requestHash: string;
  /** The batch the key accepted; null when the key was used on POST /contacts/enrich/async. */
  batchId: string | null;
}

export type BatchCommitOutcome =
  | { kind: 'committed' }
  | { kind: 'insufficient_credits'; available: number }
  | { kind: 'idempotency_replay'; previous: BatchIdempotencyRecord };

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
   * and, with a claim, the idempotency record.
   */
  commitBatch(
    batch: BatchRecord,
    records: ContactRecord[],
    claim?: IdempotencyClaim,
  ): Promise<BatchCommitOutcome>;
  /** The staged contact records of a batch still being accepted; undefined once it is accepted. */
  stagedContacts(batch: BatchRecord): Promise<ContactRecord[] | undefined>;
  /** Writes one contact as an ordinary pending record, unless it is there already (a resumed accept). */
  putContact(record: ContactRecord): Promise<void>;
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

// DeliverWebhook ------------------------------------------------------------------------------------------

export interface WebhookAttempt {
  at: string;
  responseStatus: number | null;
  status: WebhookState['status'];
  /** The attempt's entry in the record's delivery log (which keeps the last MAX_DELIVERIES_KEPT). */
  delivery: WebhookDelivery;
}

export interface WebhookRepository extends ContactReader {
  recordWebhookAttempt(accountId: string, enrichmentId: string, attempt: WebhookAttempt): Promise<void>;
}

// ResendWebhook -------------------------------------------------------------------------------------------

export interface WebhookResendRepository extends ContactReader {
  /** Marks a finished record's webhook pending again (a new round); false when the record cannot take it. */
  reopenWebhook(accountId: string, enrichmentId: string): Promise<boolean>;
}

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export type SendOutcome =
  /** The receiver answered (any status, 3xx included: redirects are not followed). */
  | { kind: 'response'; status: number; retryAfter: string | undefined }
  /** The target is not allowed; no connection was made. */
  | { kind: 'refused'; reason: 'invalid_url' | 'scheme' | 'address'; addressClass?: AddressClass }
  | { kind: 'unresolvable' }
  | { kind: 'timeout' }
  | { kind: 'network_error'; code: string };

/** One webhook POST to a checked target (adapters/webhooks/sender.ts). */
export interface WebhookTransport {
  send(post: WebhookPost): Promise<SendOutcome>;
}

/** What delivery needs from its queue beyond receiving and acknowledging (SQS in AWS, the local queue). */
export interface DeliveryQueue {
  /**
   * Keeps a received message hidden for `seconds` from now; it comes back (the next attempt, with a higher
   * receive count) once they pass, unless it is acknowledged first.
   */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  /** Puts a message whose delivery gave up before its last attempt (410, refused target) on the dead-letter queue. */
  deadLetter(body: string): Promise<void>;
}

// Redrive (operator) --------------------------------------------------------------------------------------

export interface DeadLetterRedrive {
  /** Moves every dead-lettered delivery back to the queue as a new message (a new round); returns how many. */
  redriveDeadLetters(): Promise<number>;
}

// Account administration (operator) -----------------------------------------------------------------------

export interface AccountAdministrationRepository extends AccountReader {
  createAccount(account: Account, key: { keyHash: string; keyPrefix: string }): Promise<void>;
  addKey(accountId: string, key: { keyHash: string; keyPrefix: string }, at: string): Promise<void>;
  revokeKey(accountId: string, keyPrefix: string, at: string): Promise<ApiKeyRecord>;
  listKeys(accountId: string): Promise<Omit<ApiKeyRecord, 'key_hash'>[]>;
  listAccounts(): Promise<Account[]>;
  /** Every ledger entry of the account, newest first. */
  ledger(accountId: string): Promise<LedgerEntry[]>;
  grant(accountId: string, credits: number, at: string): Promise<void>;
  updateSettings(
    accountId: string,
    settings: { personal_email_consent?: boolean; default_phone_country_codes?: string[] | null },
  ): Promise<void>;
}

// SweepPending (sweeper, `enrichments recover`) -----------------------------------------------------------

export interface PendingReference {
  account_id: string;
  enrichment_id: string;
  enrichment_type: EnrichmentType[];
  created_at: string;
}

export interface PendingEnrichments {
  /** Pending enrichments accepted before `before`, oldest first (a sparse index: finished ones are not in it). */
  listPending(before: Date): Promise<PendingReference[]>;
  /** How many enrichments are pending, and when the oldest was accepted (null when none is). */
  backlog(): Promise<{ count: number; oldestCreatedAt: string | null }>;
}

// Results cache (ProviderStep, erasure) ------------------------------------------------------------------

export interface ResultCache {
  /** A find of `type` under any of `identities` for `owner`, not older than `notBefore`; undefined if none. */
  lookup(
    owner: string,
    identities: readonly string[],
    type: EnrichmentType,
    notBefore: Date,
  ): Promise<CachedResult | undefined>;
  /** Keeps a verified find under every identity, until `expiresAt`. */
  store(owner: string, identities: readonly string[], found: CachedResult, expiresAt: Date): Promise<void>;
  /** Removes every find kept under these identities, whatever its owner and type (erasure). */
  forget(identities: readonly string[]): Promise<void>;
}

// Provider traffic (ProviderStep) -------------------------------------------------------------------------

/** Whether a provider may be called now: go, wait until a reserved slot, or skip it (circuit open). */
export type TrafficDecision =
  | {
      kind: 'go';
    } /** `reserved`: the slot is this caller's, to be used once it has come; otherwise ask again then. */
  | { kind: 'wait'; slotAt: number; reserved: boolean }
  | { kind: 'skip'; reason: string };

/** How a provider call ended, as the circuit breaker counts it. */
export type CallOutcome =
  | { kind: 'answered' }
  | { kind: 'failed'; retryAfterSeconds?: number }
  | { kind: 'refused'; reason: ProviderRefusal };

export interface ProviderTraffic {
  /** Asks to call `provider` at `now` (epoch ms): deployment-wide rate limit and circuit breaker. */
  acquire(provider: string, now: number): Promise<TrafficDecision>;
  /** Whether the breaker lets a call through now, for a caller that already holds a rate-limit slot. */
  admit(provider: string, now: number): Promise<TrafficDecision>;
  /** Counts a call's outcome: failures and refusals open the breaker; a Retry-After holds the provider back. */
  report(provider: string, outcome: CallOutcome, now: number): Promise<void>;
}

// Suppression list (ProviderStep) --------------------------------------------------------------------------

export interface SuppressionCheck {
  /** Whether the person objected to enrichment: their LinkedIn URL or their domain is on the list. */
  contactSuppressed(contact: { linkedin_url: string | null; domain: string | null }): Promise<boolean>;
  /** Whether a found email is on the list. */
  emailSuppressed(email: string): Promise<boolean>;
}

/** The operator's side of the list (`npm run admin -- suppressions …`); values come normalised. */
export interface SuppressionListRepository {
  /** Adds the entry unless its value is listed already; answers the entry as listed. */
  add(entry: SuppressionEntry): Promise<{ entry: SuppressionEntry; added: boolean }>;
  /** Removes an entry; false when it was not listed. */
  remove(kind: SuppressionKind, value: string): Promise<boolean>;
  /** Every entry, by kind then value. */
  list(): Promise<SuppressionEntry[]>;
}

// EraseContact (DELETE /contacts/{id}) --------------------------------------------------------------------

export interface ErasureRepository extends ContactReader {
  /**
   * Deletes the record, only while it is still in the state it was read in, with the accept's idempotency record
   * (its stored first response names the person). A pending record's `cancellation` is applied to the account
   * and written to the ledger in the same transaction. False when the record changed meanwhile (it finished, or
   * was erased).
   */
  erase(record: ContactRecord, cancellation: Settlement | null, at: string): Promise<boolean>;
}
