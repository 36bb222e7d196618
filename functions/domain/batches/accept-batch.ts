/**
 * Accept a batch (POST /contacts/enrich/bulk): up to 100 contacts, each an ordinary enrichment.
 *
 * Input: the authenticated account id, the parsed JSON body, an optional Idempotency-Key.
 * Output: the 202 body (the batch id and the contacts in request order), or a typed error; a rejected batch
 * writes, reserves and starts nothing.
 *
 * Primary course:
 *  1. Validate the batch's fields and every contact exactly as the single route does (400 naming
 *     `contacts[i].<field>`).
 *  2. Replay the first response when the Idempotency-Key was already used with the same body (409 otherwise),
 *     carrying out the batch first if its accept stopped half-way (see below).
 *  3. Refuse the whole batch when any contact asks for `personal_email` without the account's consent (422).
 *  4. Plan: the batch id, each contact's pending record (its enrichment id, its worst case) and completion shard;
 *     402 at once when the account's available credits do not cover the sum; 429 when its contacts do not fit
 *     in the account's rate-limit bucket.
 *  5. Commit, in one transaction (DynamoDB's limit of 100 items rules out one per contact): reserve the sum with
 *     the bucket's take, write the batch with its planned ids, its reserve ledger entry, its completion shards,
 *     the contacts staged on the batch, and the idempotency record (402 when the reservation fails after all;
 *     the bucket decided again when another request moved it).
 *  6. Carry it out: write the contacts as ordinary pending records (one transaction per staged part, so one round
 *     trip for a typical batch), mark the batch accepted (which deletes the staged copies), start each contact's
 *     waterfall (one StartExecution each, named after the enrichment).
 *
 * From the commit on, a batch only goes forward. Should the function stop anywhere in 6, the sweeper or an
 * Idempotency-Key replay resumes it from the staged copies (`resume`); the contacts already written are pending
 * enrichments like any other, which the sweeper starts or finishes. A start that fails is left to the sweeper.
 */
import { requireConsentFor } from '../privacy/consent';
import {
  acceptedResponseOf,
  shardCountOf,
  shardOf,
  type BatchAcceptedResponse,
  type BatchRecord,
} from './batch';
import { parseBatchRequest, stagedParts } from './batch';
import type { Clock } from '../clock';
import type { ContactRecord } from '../enrichment/contact';
import { requireAvailable, type PriceList } from '../credits/credits';
import { bucketStatus, takeFromBucket, type Admitted } from '../accounts/rate-limit';
import { AcceptEnrichment, idempotencyClaim } from '../enrichment/accept-enrichment';
import {
  IdempotencyConflictError,
  InsufficientCreditsError,
  InternalError,
  UnauthorizedError,
} from '../errors';
import { newId } from '../ids';
import type { TargetPolicy } from '../webhooks/network-address';
import type { IdempotencyClaim } from '../ports/accept';
import type { AccountReader } from '../ports/accounts';
import type { BatchAcceptRepository, BatchIdempotencyRecord } from '../ports/batches';
import type { WorkflowStarter } from '../ports/workflow';
import { workflowInputOf } from '../enrichment/waterfall-state';

/** Starts in flight at once: four rounds for 100 contacts, well within the SDK's 50 sockets and StartExecution's burst. */
const PARALLEL_STARTS = 25;

export interface AcceptBatchDependencies {
  accounts: AccountReader;
  batches: BatchAcceptRepository;
  workflow: WorkflowStarter;
  clock: Clock;
  targetPolicy: TargetPolicy;
  prices: PriceList;
  /** The deployment's `accountRateLimit` (contacts per second; 0: off), for accounts without their own. */
  accountRateLimit: number;
  logger?: { error(message: string, extra: Record<string, unknown>): void };
}

export interface AcceptBatchCommand {
  accountId: string;
  body: unknown;
  idempotencyKey?: string;
}

/** Runs `task` over `items`, at most `limit` at a time; the first failure is thrown once all have settled. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

export class AcceptBatch {
  constructor(private readonly deps: AcceptBatchDependencies) {}

  async execute(command: AcceptBatchCommand): Promise<Admitted<BatchAcceptedResponse>> {
    const { accounts, batches, clock, prices } = this.deps;
    const request = parseBatchRequest(command.body, this.deps.targetPolicy, this.deps.prices.waterfall);
    const now = clock.now();
    // The route is part of what the key was used for: a single request's body never hashes like a batch's.
    const claim = idempotencyClaim(command.idempotencyKey, { bulk: request }, now);

    if (claim) {
      const previous = await batches.findBatchIdempotency(command.accountId, claim.keyHash, now);
      if (previous) return this.replay(command.accountId, previous, claim);
    }

    const account = await accounts.getAccount(command.accountId);
    if (!account) throw new UnauthorizedError();
    requireConsentFor(
      account,
      request.contacts.flatMap((contact) => contact.enrichment_type),
    );

    const batchId = newId(now.getTime());
    const records: ContactRecord[] = request.contacts.map((contact, index) => ({
      ...AcceptEnrichment.pendingRecord(
        command.accountId,
        contact,
        account.default_phone_country_codes,
        prices.reservationFor(contact),
        now,
      ),
      batch: { batch_id: batchId, shard: shardOf(index) },
    }));
    const cost = records.reduce((sum, record) => sum + record.credits_reserved, 0);
    // The transaction checks again; this spares writing a megabyte of contacts only to have it refused.
    requireAvailable(account, cost);

    const batch: BatchRecord = {
      account_id: command.accountId,
      batch_id: batchId,
      status: 'pending',
      accept_state: 'accepting',
      custom_json: request.custom_json,
      created_at: now.toISOString(),
      finished_at: null,
      enrichment_ids: records.map((record) => record.enrichment_id),
      shard_count: shardCountOf(records.length),
      credits_reserved: cost,
      staged_parts: stagedParts(records).length,
      webhook: request.webhook_url
        ? {
            url: request.webhook_url,
            status: 'pending',
            attempts: 0,
            last_attempt_at: null,
            last_response_status: null,
          }
        : null,
      handed_over: false,
    };

    const { outcome, status } = await takeFromBucket(
      account,
      this.deps.accountRateLimit,
      { cost: records.length, now },
      (bucket) => batches.commitBatch(batch, records, claim, bucket),
    );
    if (outcome.kind === 'insufficient_credits') throw new InsufficientCreditsError(cost, outcome.available);
    if (outcome.kind === 'idempotency_replay')
      return this.replay(command.accountId, outcome.previous, claim!);

    await this.carryOut(batch, records, { start: true });
    return { response: acceptedResponseOf(batch, records), rateLimit: status };
  }

  /**
   * Finishes the accept of a batch whose accept stopped after its commit: writes the contacts still missing
   * from the staged copies, marks it accepted and, with `start`, starts every contact's waterfall (by name, so
   * one already running stays the only one). Without `start` the contacts are left to the sweeper, which
   * finishes those past the deployment's bound.
   */
  async resume(batch: BatchRecord, { start }: { start: boolean }): Promise<void> {
    const staged = await this.deps.batches.stagedContacts(batch);
    if (staged) return this.carryOut(batch, staged, { start });
    // Accepted meanwhile (a concurrent replay or sweep): its contacts exist; make sure they run.
    if (!start) return;
    const members = await this.deps.batches.getMembers(batch);
    await this.startEach(members.filter((member) => member.status === 'pending'));
  }

  /**
   * The first response again. A batch whose accept stopped half-way is carried out first, and its contacts
   * still pending are started (by name, so a running waterfall stays the only one), as the single route does.
   */
  private async replay(
    accountId: string,
    previous: BatchIdempotencyRecord,
    claim: IdempotencyClaim,
  ): Promise<Admitted<BatchAcceptedResponse>> {
    if (previous.requestHash !== claim.requestHash || previous.batchId === null) {
      throw new IdempotencyConflictError();
    }
    const response = await this.replayed(accountId, previous.batchId);
    const account = await this.deps.accounts.getAccount(accountId);
    if (!account) throw new UnauthorizedError();
    return { response, rateLimit: bucketStatus(account, this.deps.accountRateLimit, this.deps.clock.now()) };
  }

  private async replayed(accountId: string, batchId: string): Promise<BatchAcceptedResponse> {
    const batch = await this.deps.batches.getBatch(accountId, batchId);
    if (!batch) throw new InternalError();
    if (batch.accept_state === 'accepting') {
      await this.resume(batch, { start: true });
      return acceptedResponseOf(batch, await this.deps.batches.getMembers(batch));
    }
    const members = await this.deps.batches.getMembers(batch);
    await this.startEach(members.filter((member) => member.status === 'pending'));
    return acceptedResponseOf(batch, members);
  }

  private async carryOut(
    batch: BatchRecord,
    records: ContactRecord[],
    { start }: { start: boolean },
  ): Promise<void> {
    await this.deps.batches.putContacts(records);
    await this.deps.batches.markAccepted(batch);
    if (start) await this.startEach(records);
  }

  /** Starts each contact's waterfall; one that cannot be started now is pending and the sweeper's. */
  private async startEach(records: ContactRecord[]): Promise<void> {
    await eachLimited(records, PARALLEL_STARTS, async (record) => {
      try {
        await this.deps.workflow.start(workflowInputOf(record));
      } catch (error) {
        this.deps.logger?.error('workflow start failed; the sweeper starts it', {
          enrichment_id: record.enrichment_id,
          batch_id: record.batch?.batch_id,
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
    });
  }
}
