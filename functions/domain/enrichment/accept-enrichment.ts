/**
 * Accept an enrichment (POST /contacts/enrich/async).
 *
 * Input: the authenticated account id, the parsed JSON body, an optional Idempotency-Key.
 * Output: the 202 body with the account's rate-limit bucket after it, or a typed error; a rejected request writes,
 * reserves and starts nothing.
 *
 * Primary course:
 *  1. Validate and normalise the body (schema, then per-type requirements).
 *  2. Replay the first response when the Idempotency-Key was already used with the same body (409 otherwise).
 *  3. Refuse `personal_email` without the account's consent.
 *  4. Price the worst case (402 when the available credits do not cover it) and take one contact from the
 *     account's rate-limit bucket (429 when it does not fit); in one transaction, write the pending record,
 *     reserve the credits with the bucket's take, and append the ledger entry (402 when the credits are gone
 *     meanwhile; the bucket decided again when another request moved it).
 *  5. Start the waterfall; if it cannot be started, roll the accept back and answer 500. (Should the function
 *     stop between 4 and 5, the sweeper or an Idempotency-Key replay starts it.)
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { initialProgress, type AcceptedResponse, type ContactRecord } from './contact';
import { parseEnrichmentRequest, type EnrichmentRequest } from './enrichment-request';
import { requireConsentFor } from '../privacy/consent';
import {
  IdempotencyConflictError,
  InsufficientCreditsError,
  InternalError,
  UnauthorizedError,
  ValidationError,
} from '../errors';
import { newId } from '../ids';
import { workflowInputOf } from './waterfall-state';
import type { TargetPolicy } from '../webhooks/network-address';
import { requireAvailable, type PriceList } from '../credits/credits';
import { bucketStatus, takeFromBucket, type Admitted } from '../accounts/rate-limit';
import type { AcceptRepository, IdempotencyClaim } from '../ports/accept';
import type { AccountReader } from '../ports/accounts';
import type { WorkflowStarter } from '../ports/workflow';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface AcceptDependencies {
  accounts: AccountReader;
  enrichments: AcceptRepository;
  workflow: WorkflowStarter;
  clock: Clock;
  targetPolicy: TargetPolicy;
  prices: PriceList;
  /** The deployment's `accountRateLimit` (contacts per second; 0: off), for accounts without their own. */
  accountRateLimit: number;
  logger?: { error(message: string, extra: Record<string, unknown>): void };
}

export interface AcceptCommand {
  accountId: string;
  body: unknown;
  idempotencyKey?: string;
}

function hash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The Idempotency-Key as stored: its hash, the hash of the request it came with, and its expiry. */
export function idempotencyClaim(
  key: string | undefined,
  request: unknown,
  now: Date,
): IdempotencyClaim | undefined {
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new ValidationError([
      { path: 'Idempotency-Key', message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` },
    ]);
  }
  return {
    keyHash: hash(key),
    requestHash: hash(JSON.stringify(request)),
    expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  };
}

export class AcceptEnrichment {
  constructor(private readonly deps: AcceptDependencies) {}

  async execute(command: AcceptCommand): Promise<Admitted<AcceptedResponse>> {
    const { accounts, enrichments, clock } = this.deps;
    const request = parseEnrichmentRequest(command.body, this.deps.targetPolicy, this.deps.prices.waterfall);
    const now = clock.now();
    const claim = idempotencyClaim(command.idempotencyKey, request, now);

    if (claim) {
      const previous = await enrichments.findIdempotency(command.accountId, claim.keyHash, now);
      if (previous) return this.replay(command.accountId, previous.requestHash, claim, previous.response);
    }

    const account = await accounts.getAccount(command.accountId);
    if (!account) throw new UnauthorizedError();
    requireConsentFor(account, request.enrichment_type);

    const cost = this.deps.prices.reservationFor(request);
    requireAvailable(account, cost);
    const record = AcceptEnrichment.pendingRecord(
      command.accountId,
      request,
      account.default_phone_country_codes,
      cost,
      now,
    );
    const response: AcceptedResponse = {
      enrichment_id: record.enrichment_id,
      firstname: record.firstname,
      lastname: record.lastname,
      status: 'pending',
      custom: JSON.parse(record.custom_json) as Record<string, unknown>,
    };

    const { outcome, status } = await takeFromBucket(
      account,
      this.deps.accountRateLimit,
      { cost: 1, now },
      (bucket) => enrichments.accept(record, response, claim, bucket),
    );
    if (outcome.kind === 'insufficient_credits') throw new InsufficientCreditsError(cost, outcome.available);
    if (outcome.kind === 'idempotency_replay')
      return this.replay(command.accountId, outcome.record.requestHash, claim!, outcome.record.response);

    await this.startOrRollBack(record, claim);
    return { response, rateLimit: status };
  }

  /**
   * The first response again. Its enrichment's workflow is started if it is still pending (an accept that
   * stopped between its commit and the start); the start is named after the enrichment, so a running one stays
   * the only one.
   */
  private async replay(
    accountId: string,
    previousHash: string,
    claim: IdempotencyClaim,
    response: AcceptedResponse,
  ): Promise<Admitted<AcceptedResponse>> {
    if (previousHash !== claim.requestHash) throw new IdempotencyConflictError();
    const record = await this.deps.enrichments.getContact(accountId, response.enrichment_id);
    if (record?.status === 'pending') await this.deps.workflow.start(workflowInputOf(record));
    const account = await this.deps.accounts.getAccount(accountId);
    if (!account) throw new UnauthorizedError();
    return { response, rateLimit: bucketStatus(account, this.deps.accountRateLimit, this.deps.clock.now()) };
  }

  private async startOrRollBack(record: ContactRecord, claim: IdempotencyClaim | undefined): Promise<void> {
    try {
      await this.deps.workflow.start(workflowInputOf(record));
    } catch (error) {
      this.deps.logger?.error('workflow start failed; rolling the accept back', {
        enrichment_id: record.enrichment_id,
        error: error instanceof Error ? error.name : 'unknown',
      });
      await this.deps.enrichments.rollbackAccept(record, claim);
      throw new InternalError();
    }
  }

  /** The pending record of one validated request (also each contact of a batch). */
  static pendingRecord(
    accountId: string,
    request: EnrichmentRequest,
    defaultCountries: string[] | null,
    cost: number,
    now: Date,
  ): ContactRecord {
    const wantsPhone = request.enrichment_type.includes('phone');
    // Every request field is kept as validated; the webhook URL becomes the webhook's delivery state.
    const { webhook_url: webhookUrl, ...fields } = request;
    return {
      ...fields,
      account_id: accountId,
      enrichment_id: newId(now.getTime()),
      status: 'pending',
      phone_country_codes: request.phone_country_codes ?? (wantsPhone ? defaultCountries : null),
      created_at: now.toISOString(),
      finished_at: null,
      results: null,
      credits_reserved: cost,
      credits_used: 0,
      waterfall: [],
      progress: initialProgress(request.max_credits),
      webhook: webhookUrl
        ? {
            url: webhookUrl,
            status: 'pending',
            attempts: 0,
            last_attempt_at: null,
            last_response_status: null,
            deliveries: [],
          }
        : null,
    };
  }
}
