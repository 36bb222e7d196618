/**
 * An account's rate limit (README "Limits a client meets"): a bucket of contacts that refills at the account's
 * rate (contacts per second) up to twice that. A request costing N contacts (one on the single route, each
 * contact of a bulk) is accepted when the bucket holds at least N, or when it is full: a bulk larger than the
 * bucket is accepted from a full bucket and leaves it in debt, paid back before the next request fits.
 *
 * The bucket is one number on the account item, as the generic cell rate algorithm keeps a provider's rate
 * (traffic/rate-limit.ts): `fullAt`, the moment it is full again, in microseconds since the epoch (absent or
 * past: full). Taking N contacts moves it N / rate later; it may run at most two seconds (the capacity) ahead of
 * now, unless the bucket was full. The arithmetic is pure: the accept stores write the decided `BucketWrite` with the reservation's
 * account update, under a condition that holds only while the bucket is as this decided from, so concurrent
 * requests never take more than the bucket holds; `takeFromBucket` tries again from what the write found.
 */
import { RateLimitedError } from '../errors';
import type { Account } from './accounts';

const MICROS_PER_SECOND = 1_000_000;
/** The capacity, twice the rate, is two seconds of refill. */
const CAPACITY_SECONDS = 2;
const WINDOW = CAPACITY_SECONDS * MICROS_PER_SECOND;
/** Takes tried before giving up: three suffice (`takeFromBucket`); more cover clocks that disagree a little. */
const MAX_TAKES = 5;

/** What the RateLimit headers of an answer say. */
export interface RateLimitStatus {
  /** Contacts per second. */
  limit: number;
  /** Contacts the account may still send now (≥ 0). */
  remaining: number;
  /** Whole seconds until the bucket is full again. */
  resetSeconds: number;
}

/** How a take is written on the account item: the condition it needs and what it sets. */
export type BucketWrite =
  /** The bucket was full: `fullAt` is set, provided the bucket is still full at `now`. */
  | { kind: 'from_full'; now: number; fullAt: number }
  /** The bucket was not full: `fullAt` moves `by` later, provided it was after `now` and at most `latest`. */
  | { kind: 'from_level'; now: number; by: number; latest: number };

export type BucketTake =
  | { admitted: true; write: BucketWrite; status: RateLimitStatus }
  | { admitted: false; retryAfterSeconds: number; status: RateLimitStatus };

/** A commit refused because another request moved the bucket since it was read: `fullAt` as the write found it. */
export interface BucketMoved {
  kind: 'bucket_moved';
  fullAt: number | null;
}

export class AccountRateLimit {
  /** Contacts the bucket holds when full. */
  readonly capacity: number;

  constructor(readonly perSecond: number) {
    this.capacity = CAPACITY_SECONDS * perSecond;
  }

  /** The account's own rate, or the deployment's; none when the deployment's is 0 (off) and the account has none. */
  static of(account: Pick<Account, 'rate_limit'>, deploymentRate: number): AccountRateLimit | undefined {
    const rate = account.rate_limit ?? deploymentRate;
    return rate > 0 ? new AccountRateLimit(rate) : undefined;
  }

  /** Microseconds of refill `contacts` take (rounded up: the bucket never refills faster than the rate). */
  private refillOf(contacts: number): number {
    return Math.ceil((contacts * MICROS_PER_SECOND) / this.perSecond);
  }

  /** The headers' figures for a bucket full at `fullAt`, at `now` (µs). */
  status(fullAt: number | null, now: number): RateLimitStatus {
    const behind = Math.max(0, (fullAt ?? now) - now);
    return {
      limit: this.perSecond,
      remaining: Math.max(0, Math.floor(this.capacity - (behind * this.perSecond) / MICROS_PER_SECOND)),
      resetSeconds: Math.ceil(behind / MICROS_PER_SECOND),
    };
  }

  /** Takes `cost` contacts at `now` from a bucket full at `fullAt`, or says how long until the request would fit. */
  take(fullAt: number | null, cost: number, now: Date): BucketTake {
    const at = now.getTime() * 1000;
    const by = this.refillOf(cost);
    if (fullAt === null || fullAt <= at) {
      const after = at + by;
      return {
        admitted: true,
        write: { kind: 'from_full', now: at, fullAt: after },
        status: this.status(after, at),
      };
    }
    const latest = at + WINDOW - by;
    if (fullAt <= latest) {
      return {
        admitted: true,
        write: { kind: 'from_level', now: at, by, latest },
        status: this.status(fullAt + by, at),
      };
    }
    // It fits once the bucket has refilled enough; a request over the capacity only once it is full.
    const fitsAt = cost >= this.capacity ? fullAt : fullAt + by - WINDOW;
    return {
      admitted: false,
      retryAfterSeconds: Math.max(1, Math.ceil((fitsAt - at) / MICROS_PER_SECOND)),
      status: this.status(fullAt, at),
    };
  }
}

/** An accepted request's answer and the account's bucket after it (none without a limit), for its headers. */
export interface Admitted<Response> {
  response: Response;
  rateLimit: RateLimitStatus | undefined;
}

/** The headers' figures for an account at `now`, taking nothing (an Idempotency-Key replay costs nothing). */
export function bucketStatus(
  account: Pick<Account, 'rate_limit' | 'bucket_full_at'>,
  deploymentRate: number,
  now: Date,
): RateLimitStatus | undefined {
  return AccountRateLimit.of(account, deploymentRate)?.status(account.bucket_full_at, now.getTime() * 1000);
}

/**
 * Takes `cost` contacts from the account's bucket and commits the request with the take (its reservation's
 * transaction); when another request moved the bucket in between, decides again from what the commit found.
 * Throws `RateLimitedError` when the request does not fit. Without a limit, commits as it is.
 */
export async function takeFromBucket<Outcome extends { kind: string }>(
  account: Pick<Account, 'rate_limit' | 'bucket_full_at'>,
  deploymentRate: number,
  bucket: { cost: number; now: Date },
  commit: (write: BucketWrite | undefined) => Promise<Outcome | BucketMoved>,
): Promise<{ outcome: Outcome; status: RateLimitStatus | undefined }> {
  const limit = AccountRateLimit.of(account, deploymentRate);
  let fullAt = account.bucket_full_at;
  // The bucket only ever moves later: a take from full that lost, then one from its level that lost, is refused.
  for (let attempt = 1; ; attempt++) {
    const take = limit?.take(fullAt, bucket.cost, bucket.now);
    if (take && !take.admitted) throw new RateLimitedError(take.retryAfterSeconds, take.status);
    const outcome = await commit(take?.write);
    if (!isBucketMoved(outcome)) return { outcome, status: take?.status };
    if (attempt >= MAX_TAKES) {
      throw new RateLimitedError(1, limit!.status(outcome.fullAt, bucket.now.getTime() * 1000));
    }
    fullAt = outcome.fullAt;
  }
}

function isBucketMoved(outcome: { kind: string }): outcome is BucketMoved {
  return outcome.kind === 'bucket_moved';
}
