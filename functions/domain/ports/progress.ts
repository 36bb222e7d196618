/** ProviderStep: what a step adds to the record, and the results cache it reads and fills (erasure empties it). */
import type { EmailCandidate, EmailResult, PhoneResult, WaterfallStep } from '../enrichment/contact';
import type { EnrichmentType } from '../enrichment/enrichment-request';
import type { CachedResult } from '../enrichment/result-cache';
import type { ContactReader } from './contacts';

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
  /** Ends the type's hold on `max_credits`: `held` given back, less `charged` for what was found. */
  release?: { held: number; charged: number };
}

export type HoldOutcome = 'held' | 'over' | 'gone';

/** Holds on a record's `max_credits`, taken before a provider is asked (ProviderStep). */
export interface CreditHolds {
  /**
   * Holds `amount` for the type out of what is left of the budget, atomically against the other types: `over`
   * when it does not fit, `gone` when the record is no longer pending.
   */
  hold(accountId: string, enrichmentId: string, type: EnrichmentType, amount: number): Promise<HoldOutcome>;
}

export interface ProgressRepository extends ContactReader {
  /** Applies the update only while the record is pending; false when it no longer is (finished, erased). */
  recordProgress(accountId: string, enrichmentId: string, update: ProgressUpdate): Promise<boolean>;
}

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
