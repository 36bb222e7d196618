/**
 * The contact record kept for each enrichment, and its public view (the body of GET /contacts/{id}, which is
 * also the webhook body).
 */
import type { EnrichmentRequest, EnrichmentType } from './enrichment-request';

export type EmailStatus = 'valid' | 'catch_all';
export type PhoneLineType = 'mobile' | 'landline' | 'voip' | 'unknown';
export type StepOutcome = 'found' | 'not_found' | 'rejected' | 'error';

export interface EmailResult {
  value: string;
  status: EmailStatus;
  provider: string;
  /** Reused from the results cache (priced as `prices.cache` says, when it says); not in the public view. */
  cached?: boolean;
}

export interface PhoneResult {
  number: string;
  country: string;
  type: PhoneLineType;
  provider: string;
  cached?: boolean;
}

export interface Results {
  email?: EmailResult | null;
  phones?: PhoneResult[];
  personal_email?: EmailResult | null;
}

/** Where a type's result lives in `Results` (phones are a list). */
export function resultKeyOf(type: EnrichmentType): keyof Results {
  return type === 'phone' ? 'phones' : type;
}

export interface WaterfallStep {
  type: EnrichmentType;
  provider: string;
  outcome: StepOutcome;
  duration_ms: number;
  detail: string | null;
}

export type WebhookStatus = 'pending' | 'delivered' | 'failed';

/** One delivery attempt, as the record's delivery log shows it. */
export interface WebhookDelivery {
  /** Counts every attempt of the webhook, across rounds (resends, redrives). */
  attempt: number;
  at: string;
  /** null when no response came (timeout, network error, refused target). */
  response_status: number | null;
  duration_ms: number;
  /** Why no response came (`timeout`, `network_ECONNREFUSED`, `refused_private`…); null when one did. */
  error: string | null;
}

/** How many of the most recent attempts the record keeps. */
export const MAX_DELIVERIES_KEPT = 20;

export interface WebhookState {
  url: string;
  status: WebhookStatus;
  attempts: number;
  last_attempt_at: string | null;
  last_response_status: number | null;
  /** The most recent attempts, oldest first (absent on records written before the log existed). */
  deliveries?: WebhookDelivery[];
}

export type WebhookView = Required<WebhookState>;

export type ContactStatus = 'pending' | 'finished';

/** An email a finder returned without a verdict, kept on the record while the verifier is asked about it. */
export interface EmailCandidate {
  value: string;
  provider: string;
  /** The cursor position of the finder, so a retried step verifies it rather than asking the finder again. */
  provider_index: number;
  detail: string | null;
}

/**
 * The waterfall's progress, kept on the record while it is pending (the workflow carries ids and cursors only):
 * what each type found, which types are done, and emails awaiting verification. Removed at finish.
 */
export interface WaterfallProgress {
  found: Results;
  closed: Partial<Record<EnrichmentType, true>>;
  candidates: Partial<Record<EnrichmentType, EmailCandidate>>;
  /**
   * With `max_credits` only: what is left of it after the finds and the holds of the types, and each type's hold
   * (the price of the provider its current step asks), taken before the call and given back when the step ends.
   */
  budget_left?: number;
  holds?: Partial<Record<EnrichmentType, number>>;
}

export const EMPTY_PROGRESS: WaterfallProgress = { found: {}, closed: {}, candidates: {} };

/** The progress a new record starts with: with a budget of `max_credits` to hold against, when it has one. */
export function initialProgress(maxCredits: number | null): WaterfallProgress {
  const progress: WaterfallProgress = { found: {}, closed: {}, candidates: {} };
  return maxCredits === null ? progress : { ...progress, budget_left: maxCredits, holds: {} };
}

/** What a client reported of a result it used (POST /contacts/{id}/feedback). */
export type EmailFeedbackOutcome = 'bounced' | 'delivered';
export type PhoneFeedbackOutcome = 'wrong_number' | 'connected';

export interface FeedbackEntry<Outcome extends string> {
  outcome: Outcome;
  /** When this outcome was first reported (the same outcome sent again keeps it). */
  at: string;
}

export interface PhoneFeedbackEntry extends FeedbackEntry<PhoneFeedbackOutcome> {
  number: string;
}

/** The feedback the record shows: the latest outcome of each result reported on. */
export interface FeedbackView {
  email?: FeedbackEntry<EmailFeedbackOutcome>;
  personal_email?: FeedbackEntry<EmailFeedbackOutcome>;
  phones?: PhoneFeedbackEntry[];
}

/**
 * The feedback as the record keeps it: each entry also remembers whether its result was ever reported bad, so
 * it counts once in its provider's bounces whatever is reported after.
 */
export interface StoredFeedback {
  email?: FeedbackEntry<EmailFeedbackOutcome> & { counted?: boolean };
  personal_email?: FeedbackEntry<EmailFeedbackOutcome> & { counted?: boolean };
  phones?: Array<PhoneFeedbackEntry & { counted?: boolean }>;
}

/** The record: the request as validated (its `webhook_url` kept as the `webhook` state), and the outcome. */
export type ContactRecord = Omit<EnrichmentRequest, 'webhook_url'> & {
  account_id: string;
  enrichment_id: string;
  status: ContactStatus;
  created_at: string;
  finished_at: string | null;
  results: Results | null;
  credits_reserved: number;
  credits_used: number;
  waterfall: WaterfallStep[];
  webhook: WebhookState | null;
  /** Present while pending. */
  progress?: WaterfallProgress | null;
  /** The batch the contact was accepted in (POST /contacts/enrich/bulk), and its completion shard. */
  batch?: { batch_id: string; shard: number } | null;
  /** Set at finish: what each found type's result was charged (records finished before it was kept lack it). */
  charges?: Partial<Record<EnrichmentType, number>>;
  /** Set by the first feedback on a result; absent before. */
  feedback?: StoredFeedback | null;
  /** Credits given back for results reported bad (absent before the first refund). */
  credits_refunded?: number;
  /** The types already refunded: each at most once. */
  refunded?: EnrichmentType[];
  /** Counts the feedback writes, so a write made from a stale read is refused and decided again. */
  feedback_version?: number;
};

/** What the waterfall asks providers about: the contact's identifying fields. */
export type ContactQuery = Pick<
  ContactRecord,
  'firstname' | 'lastname' | 'company_name' | 'domain' | 'linkedin_url' | 'phone_country_codes'
>;

/** The public record: what GET /contacts/{id} answers and the webhook carries. */
export type ContactView = Omit<
  ContactRecord,
  | 'account_id'
  | 'custom_json'
  | 'credits_reserved'
  | 'webhook'
  | 'progress'
  | 'use_cache'
  | 'charges'
  | 'feedback'
  | 'credits_refunded'
  | 'refunded'
  | 'feedback_version'
> & {
  custom: Record<string, unknown>;
  /** null until a result is reported on. */
  feedback: FeedbackView | null;
  credits_refunded: number;
  webhook?: WebhookView;
};

const email = (result: EmailResult | null | undefined): EmailResult | null =>
  result ? { value: result.value, status: result.status, provider: result.provider } : null;

/** Results with keys in the contract's order (stored maps come back in any order). */
function orderedResults(results: Results | null): Results | null {
  if (!results) return null;
  const ordered: Results = {};
  if ('email' in results) ordered.email = email(results.email);
  if ('phones' in results) {
    ordered.phones = (results.phones ?? []).map((p) => ({
      number: p.number,
      country: p.country,
      type: p.type,
      provider: p.provider,
    }));
  }
  if ('personal_email' in results) ordered.personal_email = email(results.personal_email);
  return ordered;
}

/** The answer to an accepted enrichment (202): the enrichment's id and what the client sent to recognise it. */
export interface AcceptedResponse {
  enrichment_id: string;
  firstname: string;
  lastname: string;
  status: 'pending';
  custom: Record<string, unknown>;
}

/** The public view of a record, keys in the contract's order; `webhook` only when a URL was given. */
export function toContactView(record: ContactRecord): ContactView {
  const view: ContactView = {
    enrichment_id: record.enrichment_id,
    status: record.status,
    firstname: record.firstname,
    lastname: record.lastname,
    company_name: record.company_name,
    domain: record.domain,
    linkedin_url: record.linkedin_url,
    enrichment_type: record.enrichment_type,
    phone_country_codes: record.phone_country_codes,
    // Absent from records of earlier releases.
    providers: record.providers ?? null,
    max_credits: record.max_credits ?? null,
    accept_catch_all: record.accept_catch_all ?? null,
    custom: JSON.parse(record.custom_json) as Record<string, unknown>,
    created_at: record.created_at,
    finished_at: record.finished_at,
    results: orderedResults(record.results),
    feedback: feedbackView(record.feedback),
    credits_used: record.credits_used,
    credits_refunded: record.credits_refunded ?? 0,
    waterfall: record.waterfall.map((s) => ({
      type: s.type,
      provider: s.provider,
      outcome: s.outcome,
      duration_ms: s.duration_ms,
      detail: s.detail ?? null,
    })),
  };
  if (record.webhook) view.webhook = toWebhookView(record.webhook);
  return view;
}

const entryView = <Outcome extends string>(entry: FeedbackEntry<Outcome>): FeedbackEntry<Outcome> => ({
  outcome: entry.outcome,
  at: entry.at,
});

/** The feedback as the record shows it, keys in the contract's order; null when there is none. */
export function feedbackView(feedback: StoredFeedback | null | undefined): FeedbackView | null {
  if (!feedback) return null;
  const view: FeedbackView = {};
  if (feedback.email) view.email = entryView(feedback.email);
  if (feedback.personal_email) view.personal_email = entryView(feedback.personal_email);
  if (feedback.phones?.length) {
    view.phones = feedback.phones.map((p) => ({ number: p.number, ...entryView(p) }));
  }
  return Object.keys(view).length ? view : null;
}

/** The public webhook state, keys in the contract's order, the delivery log oldest first. */
export function toWebhookView(webhook: WebhookState): WebhookView {
  return {
    url: webhook.url,
    status: webhook.status,
    attempts: webhook.attempts,
    last_attempt_at: webhook.last_attempt_at ?? null,
    last_response_status: webhook.last_response_status ?? null,
    deliveries: (webhook.deliveries ?? []).map((d) => ({
      attempt: d.attempt,
      at: d.at,
      response_status: d.response_status ?? null,
      duration_ms: d.duration_ms,
      error: d.error ?? null,
    })),
  };
}

/**
 * The webhook body: the view as it stood at finish (webhook not yet attempted, delivery log empty, no feedback
 * nor refund yet), so every attempt, retried or resent, carries the same bytes.
 */
export function toWebhookBody(finished: ContactRecord): string {
  const record: ContactRecord = { ...finished, feedback: null, credits_refunded: 0 };
  const atFinish: ContactRecord = record.webhook
    ? {
        ...record,
        webhook: {
          ...record.webhook,
          status: 'pending',
          attempts: 0,
          last_attempt_at: null,
          last_response_status: null,
          deliveries: [],
        },
      }
    : record;
  return JSON.stringify(toContactView(atFinish));
}

/** Polling hint for a pending record, in seconds. */
export const PENDING_RETRY_AFTER_SECONDS = 2;
