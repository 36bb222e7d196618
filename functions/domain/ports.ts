/**
 * The ports the use cases depend on. Adapters (DynamoDB, Step Functions, SQS, local stack) implement them;
 * tests use the real adapters against emulators, or plain fakes for pure logic.
 */
import type { Account, ApiKeyRecord } from './accounts';
import type { ContactRecord, Results, WaterfallStep, WebhookState } from './contact';
import type { EnrichmentType } from './enrichment-request';

export interface AccountRepository {
  getAccount(accountId: string): Promise<Account | undefined>;
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
}

export interface AcceptedResponse {
  enrichment_id: string;
  firstname: string;
  lastname: string;
  status: 'pending';
  custom: Record<string, unknown>;
}

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

export interface EnrichmentRepository {
  /**
   * Atomically writes the pending record, reserves `record.credits_reserved` credits (never beyond the
   * available balance), appends the reserve ledger entry and, with a claim, the idempotency record.
   */
  accept(record: ContactRecord, response: AcceptedResponse, claim?: IdempotencyClaim): Promise<AcceptOutcome>;
  /** Undoes an accept whose workflow could not be started: nothing of it remains. */
  rollbackAccept(record: ContactRecord, claim?: IdempotencyClaim): Promise<void>;
  findIdempotency(accountId: string, keyHash: string, now: Date): Promise<IdempotencyRecord | undefined>;
  getContact(accountId: string, enrichmentId: string): Promise<ContactRecord | undefined>;
}

export interface FinishInput {
  accountId: string;
  enrichmentId: string;
  results: Results;
  waterfall: WaterfallStep[];
  creditsUsed: number;
  finishedAt: string;
}

export type FinishOutcome =
  | { kind: 'finished'; record: ContactRecord }
  | { kind: 'already_finished'; record: ContactRecord }
  | { kind: 'missing' };

export interface FinishRepository {
  /** Flips pending → finished, settles credits and writes ledger entries, exactly once. */
  finish(input: FinishInput): Promise<FinishOutcome>;
}

export interface WebhookAttempt {
  at: string;
  responseStatus: number | null;
  status: WebhookState['status'];
}

export interface WebhookRepository {
  getContact(accountId: string, enrichmentId: string): Promise<ContactRecord | undefined>;
  recordWebhookAttempt(accountId: string, enrichmentId: string, attempt: WebhookAttempt): Promise<void>;
}

export interface WorkflowInput {
  account_id: string;
  enrichment_id: string;
  types: EnrichmentType[];
  contact: {
    firstname: string;
    lastname: string;
    company_name: string | null;
    domain: string | null;
    linkedin_url: string | null;
    phone_country_codes: string[] | null;
  };
}

export interface WorkflowStarter {
  /** Starts the waterfall; starting the same enrichment twice is harmless. */
  start(input: WorkflowInput): Promise<void>;
}

export interface WebhookMessage {
  account_id: string;
  enrichment_id: string;
}

export interface WebhookQueue {
  enqueue(message: WebhookMessage): Promise<void>;
}
