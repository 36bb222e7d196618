/**
 * What the waterfall asks of a data provider and an email verifier, and how they fail: the port every adapter in
 * `functions/providers/` implements. An adapter makes one call to one provider and reports what the provider
 * said; judging the data (email validity, phone country and line type) is the waterfall's job
 * (`./provider-step.ts`, `./judge-answer.ts`), so adapters stay thin and alike.
 */
import type { ContactQuery } from './enrichment/contact';
import type { EnrichmentType } from './enrichment/enrichment-request';

/** What the waterfall knows about the contact (one shape, derived from the request schema). */
export type { ContactQuery } from './enrichment/contact';

/** A provider's own verdict on an email it returned, when it gives one. */
export type EmailVerdict = 'valid' | 'catch_all' | 'invalid' | 'unknown';

export interface FoundPhone {
  /** As the provider wrote it; normalised to E.164 by the waterfall. */
  number: string;
  /** The provider's line type, when it says (`mobile`, `landline`, `voip`, …). */
  type?: string;
  /** ISO country the provider attributes the number to, used as parsing hint when the number is national. */
  country?: string;
}

export type ProviderAnswer =
  | { kind: 'email'; email: string; verdict?: EmailVerdict; detail?: string }
  | { kind: 'phones'; phones: FoundPhone[]; detail?: string }
  | { kind: 'not_found'; detail?: string }
  /** Asynchronous providers: the search was submitted; ask again with `poll` after `afterSeconds`. */
  | { kind: 'pending'; token: string; afterSeconds: number; detail?: string };

export interface ProviderCall {
  /** Aborts the HTTP request when the step's time budget is spent. */
  signal: AbortSignal;
}

export interface Provider {
  readonly name: string;
  readonly types: readonly EnrichmentType[];
  find(contact: ContactQuery, type: EnrichmentType, call: ProviderCall): Promise<ProviderAnswer>;
  /** Asynchronous providers only: the result of a submitted search. */
  poll?(token: string, type: EnrichmentType, call: ProviderCall): Promise<ProviderAnswer>;
}

/** An email verification service: judges a found email that its finder did not verify. */
export interface EmailVerifier {
  readonly name: string;
  verify(email: string, call: ProviderCall): Promise<{ verdict: EmailVerdict; detail?: string }>;
}

/**
 * A failure worth retrying (timeouts, connection errors, 5xx, 429). The state machine retries it with
 * backoff; `retryAfterSeconds` carries the provider's Retry-After when it sent one.
 */
export class TransientProviderError extends Error {
  override readonly name = 'TransientProviderError';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Why a provider refuses every call until an operator acts: the circuit breaker opens on these at once. */
export type ProviderRefusal = 'bad_key' | 'out_of_credits';

/** A failure retrying cannot fix (bad key, no credits at the provider, malformed answer): next provider. */
export class PermanentProviderError extends Error {
  override readonly name = 'PermanentProviderError';
  constructor(
    message: string,
    /** Set when the provider said its key is bad or its credits are gone (401/403, 402 or its own words). */
    readonly refusal?: ProviderRefusal,
  ) {
    super(message);
  }
}
