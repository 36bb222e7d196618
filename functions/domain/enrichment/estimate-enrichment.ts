/**
 * Estimate an enrichment before sending it (POST /contacts/enrich/estimate).
 *
 * Input: the authenticated account id and a parsed body: a single-route body, or a bulk body (`{ contacts }`).
 * Output: the worst case per contact and type (the providers it would ask, in order), their sum, the account's
 * available credits and whether they suffice.
 *
 * Primary course:
 *  1. Validate the body as the route it mirrors would (the same checks, in the same order, the same errors).
 *  2. Refuse `personal_email` without the account's consent, as the route would.
 *  3. Price each contact as its reservation would be priced (its worst case, never more than `max_credits`).
 * Nothing is written, reserved, started or charged, and no provider is called.
 */
import type { PriceList } from '../credits/credits';
import { availableOf } from '../credits/credits';
import { UnauthorizedError } from '../errors';
import type { AccountReader } from '../ports/accounts';
import { requireConsentFor } from '../privacy/consent';
import type { TargetPolicy } from '../webhooks/network-address';
import { parseBatchRequest } from '../batches/batch';
import { parseEnrichmentRequest, type EnrichmentRequest, type EnrichmentType } from './enrichment-request';
import { CACHE_STEP, type CacheSettings } from './result-cache';
import { providerOrder } from './waterfall-settings';

export interface TypeEstimate {
  worst_case_credits: number;
  /** The order the waterfall would ask, `cache` first whenever the cache is consulted. */
  providers: string[];
}

export interface ContactEstimate {
  worst_case_credits: number;
  types: Partial<Record<EnrichmentType, TypeEstimate>>;
}

export interface Estimate {
  worst_case_credits: number;
  available: number;
  sufficient: boolean;
  contacts: ContactEstimate[];
}

export interface EstimateDependencies {
  accounts: AccountReader;
  prices: PriceList;
  targetPolicy: TargetPolicy;
  cache: CacheSettings;
}

/** A bulk body is one with a `contacts` key; anything else is a single-route body. */
export function isBulkBody(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && 'contacts' in body;
}

export class EstimateEnrichment {
  constructor(private readonly deps: EstimateDependencies) {}

  async execute(command: { accountId: string; body: unknown }): Promise<Estimate> {
    const { prices, targetPolicy } = this.deps;
    const contacts = isBulkBody(command.body)
      ? parseBatchRequest(command.body, targetPolicy, prices.waterfall).contacts
      : [parseEnrichmentRequest(command.body, targetPolicy, prices.waterfall)];
    const account = await this.deps.accounts.getAccount(command.accountId);
    if (!account) throw new UnauthorizedError();
    requireConsentFor(account, [...new Set(contacts.flatMap((contact) => contact.enrichment_type))]);

    const estimates = contacts.map((contact) => this.estimateOf(contact));
    const worst = estimates.reduce((total, estimate) => total + estimate.worst_case_credits, 0);
    const available = availableOf(account);
    return { worst_case_credits: worst, available, sufficient: available >= worst, contacts: estimates };
  }

  private estimateOf(contact: EnrichmentRequest): ContactEstimate {
    const { prices, cache } = this.deps;
    const cached = cache.days > 0 && contact.use_cache !== false;
    const types = Object.fromEntries(
      contact.enrichment_type.map((type) => [
        type,
        {
          worst_case_credits: prices.worstCaseOf(type, contact.providers),
          providers: [
            ...(cached ? [CACHE_STEP] : []),
            ...providerOrder(prices.waterfall, type, contact.providers),
          ],
        },
      ]),
    );
    return { worst_case_credits: prices.reservationFor(contact), types };
  }
}
