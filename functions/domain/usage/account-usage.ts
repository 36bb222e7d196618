/**
 * GET /account/usage: what the calling account's enrichments that finished in a range of UTC days found, by type
 * and provider, and what they were charged and refunded.
 *
 * Input: the calling account and the query string (`from`, `to`: `YYYY-MM-DD`, inclusive).
 * Output: the range and its sums; every type present (zeros when nothing was requested).
 *
 * Primary course:
 *  1. Check the range: `to` defaults to today (UTC), `from` to 29 days before `to`; a malformed date is a 400
 *     naming it; `from` after `to`, or more than 366 days, a 400 naming `from`.
 *  2. Read the account's usage items of those days (one Query, page after page; never a scan).
 *  3. Sum them.
 */
import type { Clock } from '../clock';
import { ENRICHMENT_TYPES, type EnrichmentType } from '../enrichment/enrichment-request';
import { ValidationError } from '../errors';
import type { UsageRange, UsageReader } from '../ports/usage';
import { USAGE_COUNTERS, utcDay, type Counters } from './counters';

export type { UsageRange };

/** The longest range one read covers, in days, both ends included. */
export const MAX_USAGE_DAYS = 366;
/** The range when `from` is not given: `to` and the 29 days before it. */
export const DEFAULT_USAGE_DAYS = 30;

export interface ProviderUsage {
  found: number;
  credits: number;
}

export interface TypeUsage {
  requested: number;
  found: number;
  credits: number;
  by_provider: Record<string, ProviderUsage>;
}

export interface AccountUsage extends UsageRange {
  enrichments: number;
  credits_charged: number;
  credits_refunded: number;
  types: Record<EnrichmentType, TypeUsage>;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` as epoch ms of its UTC midnight; undefined when it is not one. */
function dayOf(value: string): number | undefined {
  if (!DATE.test(value)) return undefined;
  const at = Date.parse(`${value}T00:00:00.000Z`);
  // `2026-02-30` parses in some engines by rolling over: it must read back as itself.
  return Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== value ? undefined : at;
}

const MALFORMED = 'must be a date YYYY-MM-DD (UTC)';

/** The range a query string asks for, checked (step 1). */
export function usageRangeOf(query: Record<string, string | undefined> | null, today: Date): UsageRange {
  const given = { from: query?.from, to: query?.to };
  const errors = (['from', 'to'] as const)
    .filter((name) => given[name] !== undefined && dayOf(given[name]) === undefined)
    .map((name) => ({ path: name, message: MALFORMED }));
  if (errors.length) throw new ValidationError(errors, 'The query string is invalid.');
  const to = given.to ?? utcDay(today);
  const toMs = dayOf(to)!;
  const from = given.from ?? utcDay(new Date(toMs - (DEFAULT_USAGE_DAYS - 1) * DAY_MS));
  const fromMs = dayOf(from)!;
  if (fromMs > toMs) {
    throw new ValidationError(
      [{ path: 'from', message: `must not be after to (${to})` }],
      'The query string is invalid.',
    );
  }
  if ((toMs - fromMs) / DAY_MS + 1 > MAX_USAGE_DAYS) {
    throw new ValidationError(
      [{ path: 'from', message: `must be at most ${MAX_USAGE_DAYS} days before to, both included` }],
      'The query string is invalid.',
    );
  }
  return { from, to };
}

function emptyType(): TypeUsage {
  return { requested: 0, found: 0, credits: 0, by_provider: {} };
}

/** The sum of a range's usage items (step 3). */
export function sumUsage(range: UsageRange, items: readonly Counters[]): AccountUsage {
  const usage: AccountUsage = {
    ...range,
    enrichments: 0,
    credits_charged: 0,
    credits_refunded: 0,
    types: { email: emptyType(), phone: emptyType(), personal_email: emptyType() },
  };
  for (const item of items) {
    const count = (name: string) => (typeof item[name] === 'number' ? item[name] : 0);
    usage.enrichments += count(USAGE_COUNTERS.enrichments);
    usage.credits_charged += count(USAGE_COUNTERS.creditsCharged);
    usage.credits_refunded += count(USAGE_COUNTERS.creditsRefunded);
    for (const type of ENRICHMENT_TYPES) {
      const sums = usage.types[type];
      sums.requested += count(USAGE_COUNTERS.requested(type));
      sums.found += count(USAGE_COUNTERS.found(type));
      sums.credits += count(USAGE_COUNTERS.credits(type));
      for (const [name, value] of Object.entries(item)) {
        const provider = providerIn(name, type);
        if (provider === undefined || typeof value !== 'number') continue;
        const byProvider = (sums.by_provider[provider] ??= { found: 0, credits: 0 });
        if (name.startsWith('found#')) byProvider.found += value;
        else byProvider.credits += value;
      }
    }
  }
  return usage;
}

/** The provider of a per-provider counter of `type` (`found#email#hunter` → `hunter`). */
function providerIn(name: string, type: EnrichmentType): string | undefined {
  for (const prefix of [`${USAGE_COUNTERS.found(type)}#`, `${USAGE_COUNTERS.credits(type)}#`]) {
    if (name.startsWith(prefix)) return name.slice(prefix.length);
  }
  return undefined;
}

export class ReadAccountUsage {
  constructor(private readonly deps: { usage: UsageReader; clock: Clock }) {}

  async execute(accountId: string, query: Record<string, string | undefined> | null): Promise<AccountUsage> {
    const range = usageRangeOf(query, this.deps.clock.now());
    return sumUsage(range, await this.deps.usage.usageOf(accountId, range));
  }
}
