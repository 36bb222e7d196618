/**
 * Credits, in one place: what a found result costs, the worst case reserved at accept, the settlement at
 * finish (charge what was found, never more than reserved, release the rest), and every movement of an
 * account's credits with the ledger entries that record it. The adapters persist the numbers computed here
 * and nothing else (README "Credits").
 */
import type { Account } from '../accounts/accounts';
import type { Results } from '../enrichment/contact';
import type { EnrichmentType } from '../enrichment/enrichment-request';
import type { LedgerEntry } from './ledger';
import { InsufficientCreditsError } from '../errors';
import { providerOrder, type ProviderChoice, type WaterfallSettings } from '../enrichment/waterfall-settings';

export interface Credits {
  balance: number;
  reserved: number;
  available: number;
}

/** The credits a new reservation may use: the balance less what is reserved (also of deltas: it is linear). */
export function availableOf(credits: Pick<Account, 'balance' | 'reserved'>): number {
  return credits.balance - credits.reserved;
}

/** Refuses a reservation of `cost` the account cannot afford (402), before anything is written. */
export function requireAvailable(account: Pick<Account, 'balance' | 'reserved'>, cost: number): void {
  const available = availableOf(account);
  if (available < cost) throw new InsufficientCreditsError(cost, available);
}

export function creditsOf(account: Pick<Account, 'balance' | 'reserved'>): Credits {
  return { balance: account.balance, reserved: account.reserved, available: availableOf(account) };
}

/** The price of a found result of each type when the configuration names no per-provider price. */
export const DEFAULT_PRICES: Readonly<Record<EnrichmentType, number>> = {
  email: 1,
  phone: 10,
  personal_email: 3,
};

/** The `prices` entry that prices results reused from the cache. */
export const CACHE_PRICE_KEY = 'cache';

/** The deployment's price list: per-provider prices from the waterfall settings over the defaults. */
export class PriceList {
  constructor(private readonly settings: WaterfallSettings) {}

  /** The deployment's waterfall the prices come from (its providers, in order, per type). */
  get waterfall(): WaterfallSettings {
    return this.settings;
  }

  /** The price of one found result of `type` from `provider`. */
  priceOf(type: EnrichmentType, provider: string): number {
    return this.settings.prices[provider]?.[type] ?? DEFAULT_PRICES[type];
  }

  /** The dearest provider a type may ask (the request's own list, else the deployment's): its worst case. */
  worstCaseOf(type: EnrichmentType, chosen?: ProviderChoice): number {
    const prices = providerOrder(this.settings, type, chosen).map((provider) => this.priceOf(type, provider));
    return prices.length ? Math.max(...prices) : 0;
  }

  /** The most a request can cost: for each type, the dearest provider that could answer it. */
  worstCase(types: readonly EnrichmentType[], chosen?: ProviderChoice): number {
    return types.reduce((total, type) => total + this.worstCaseOf(type, chosen), 0);
  }

  /**
   * What accepting a request reserves: its worst case, never more than its `max_credits` (the reservation is the
   * most it can be charged, and the 402 check uses it).
   */
  reservationFor(request: {
    enrichment_type: readonly EnrichmentType[];
    providers?: ProviderChoice;
    max_credits?: number | null;
  }): number {
    const worst = this.worstCase(request.enrichment_type, request.providers);
    return request.max_credits === null || request.max_credits === undefined
      ? worst
      : Math.min(worst, request.max_credits);
  }

  /** The price a found result of `type` costs when it comes from the results cache (as found, unless priced). */
  cachedPriceOf(type: EnrichmentType, originalProvider: string): number {
    return this.settings.prices[CACHE_PRICE_KEY]?.[type] ?? this.priceOf(type, originalProvider);
  }

  /**
   * What found results cost, each at the price of the provider that found it (phones: one price); a result reused
   * from the cache costs as its original find, unless `prices.cache` names a price for its type.
   */
  priceOfResults(results: Results): number {
    return totalOf(this.pricesByType(results));
  }

  /** The price of each found type's result (phones: one price for the list), in the order email, phone, personal. */
  pricesByType(results: Results): Charges {
    const price = (type: EnrichmentType, result: { provider: string; cached?: boolean }) =>
      result.cached ? this.cachedPriceOf(type, result.provider) : this.priceOf(type, result.provider);
    const prices: Charges = {};
    if (results.email) prices.email = price('email', results.email);
    const phone = results.phones?.[0];
    if (phone) prices.phone = price('phone', phone);
    if (results.personal_email) prices.personal_email = price('personal_email', results.personal_email);
    return prices;
  }
}

/** What each found type's result was charged at finish; the values sum to the enrichment's `credits_used`. */
export type Charges = Partial<Record<EnrichmentType, number>>;

/** The credits of all types together. */
export function totalOf(charges: Charges): number {
  return Object.values(charges).reduce((total, credits) => total + credits, 0);
}

/**
 * The charge of each type within a settlement: each type its price, in the order email, phone, personal email,
 * until the reservation (the most the client agreed to) runs out. Sums to `settle(reserved, Σ prices).charged`.
 */
export function chargesWithin(reserved: number, prices: Charges): Charges {
  const charges: Charges = {};
  let left = reserved;
  for (const type of ['email', 'phone', 'personal_email'] as const) {
    const price = prices[type];
    if (price === undefined) continue;
    charges[type] = Math.min(price, left);
    left -= charges[type];
  }
  return charges;
}

/** The money movements of one finish: the balance is charged, the whole reservation released. */
export interface Settlement {
  charged: number;
  released: number;
}

/** Charge what was found, but never more than was reserved: the reservation is the price the client agreed to. */
export function settle(reserved: number, found: number): Settlement {
  return { charged: Math.min(found, reserved), released: reserved };
}

/** The settlement of a cancelled enrichment (erased while pending): nothing charged, the whole reservation released. */
export function releaseReservation(reserved: number): Settlement {
  return settle(reserved, 0);
}

// Movements ---------------------------------------------------------------------------------------------------

/** What a movement changes on the account. `available` is derived (`availableOf`), stored for the 402 check. */
export interface CreditDeltas {
  balance: number;
  reserved: number;
  available: number;
}

/**
 * A ledger entry as a movement writes it: what the account reads, and what the entry belongs to, which names it
 * (at most one entry of a kind each): an enrichment (`enrichment_id`), a whole batch (`batch_id`, its one
 * reservation) or an operator's movement (`operation_id`, a grant).
 */
export type MovementEntry = LedgerEntry & { batch_id?: string; operation_id?: string };

/**
 * One movement of an account's credits: its deltas and the ledger entries that record it, written together.
 * Refunds (`refundCredits`) and holds (a reservation of no enrichment) are movements of the same shape.
 */
export interface CreditMovement {
  deltas: CreditDeltas;
  /** The credits that must be available for the movement to happen: a reservation's; null for the others. */
  requiresAvailable: number | null;
  entries: MovementEntry[];
}

/** What a reservation is for: one enrichment, or a whole batch (one movement for all its contacts). */
export type ReservationFor = { enrichment_id: string } | { batch_id: string };

function deltasOf(balance: number, reserved: number): CreditDeltas {
  // `+ 0` turns a negated zero (-0) into 0.
  return { balance: balance + 0, reserved: reserved + 0, available: availableOf({ balance, reserved }) + 0 };
}

function entry(
  kind: LedgerEntry['kind'],
  balance: number,
  reserved: number,
  at: string,
  of: { enrichment_id: string | null; batch_id?: string; operation_id?: string },
): MovementEntry {
  return { kind, balance_delta: balance, reserved_delta: reserved, at, ...of };
}

/** Reserves `cost` at accept (single or bulk), only if that many credits are available; a `reserve` entry. */
export function reserveCredits(cost: number, at: string, reservation: ReservationFor): CreditMovement {
  const of =
    'batch_id' in reservation ? { enrichment_id: null, batch_id: reservation.batch_id } : reservation;
  return {
    deltas: deltasOf(0, cost),
    requiresAvailable: cost,
    entries: [entry('reserve', 0, cost, at, of)],
  };
}

/**
 * Applies an enrichment's settlement (its finish, or its cancellation at erase): the balance is charged, the
 * whole reservation released; a `charge` and a `release` entry, each only when it moves something.
 */
export function settleCredits(
  { charged, released }: Settlement,
  at: string,
  enrichmentId: string,
): CreditMovement {
  const of = { enrichment_id: enrichmentId };
  return {
    deltas: deltasOf(-charged, -released),
    requiresAvailable: null,
    entries: [
      ...(charged > 0 ? [entry('charge', -charged, 0, at, of)] : []),
      ...(released > 0 ? [entry('release', 0, -released, at, of)] : []),
    ],
  };
}

/** Credits an operator cannot give: a grant adds at least one whole credit, an account opens with none or more. */
export class InvalidGrantError extends Error {
  override readonly name = 'InvalidGrantError';
  constructor(
    credits: number,
    rule = 'A grant adds at least 1 whole credit (a grant never takes credits away)',
  ) {
    super(`${rule}, got ${credits}.`);
  }
}

/** The balance an account opens with: a whole number of credits, none or more. */
export function openingBalance(credits: number): number {
  if (!Number.isInteger(credits) || credits < 0) {
    throw new InvalidGrantError(credits, 'An account opens with 0 or more whole credits');
  }
  return credits;
}

/** An operator's grant of `credits` to the balance; a `grant` entry named by `operationId`. */
export function grantCredits(credits: number, at: string, operationId: string): CreditMovement {
  if (!Number.isInteger(credits) || credits < 1) throw new InvalidGrantError(credits);
  return {
    deltas: deltasOf(credits, 0),
    requiresAvailable: null,
    entries: [entry('grant', credits, 0, at, { enrichment_id: null, operation_id: operationId })],
  };
}

/**
 * Gives back `credits` charged for results a client reported bad (a bounced email, a phone list all wrong
 * numbers): the balance grows, the reservation is untouched; a `refund` entry of the enrichment. Nothing moves,
 * and no entry is written, for 0.
 */
export function refundCredits(credits: number, at: string, enrichmentId: string): CreditMovement {
  if (!Number.isInteger(credits) || credits < 0) {
    throw new RangeError(`A refund gives back 0 or more whole credits, got ${credits}.`);
  }
  return {
    deltas: deltasOf(credits, 0),
    requiresAvailable: null,
    entries: credits > 0 ? [entry('refund', credits, 0, at, { enrichment_id: enrichmentId })] : [],
  };
}

/** The deltas that undo a movement (an accept rolled back when its workflow could not be started). */
export function reversed(deltas: CreditDeltas): CreditDeltas {
  return deltasOf(-deltas.balance, -deltas.reserved);
}
