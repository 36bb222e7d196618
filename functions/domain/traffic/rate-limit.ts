/**
 * A provider's deployment-wide rate limit, by the generic cell rate algorithm: the persisted state is the
 * theoretical arrival time `tat` of the next call; each reservation moves it one interval on. Over any stretch of
 * time the provider gets no more than `perSecond` calls per second on average, and at most twice that in any one
 * second (a step that comes back long after its slot asks for a new one rather than calling late, so late calls
 * do not bunch up). A provider's Retry-After pushes `tat` back for every caller.
 *
 * Pure: the caller gives the persisted `tat` and the time (epoch ms); the store persists what this decides.
 */
import type { TrafficDecision } from '../ports/traffic';

export interface RateLimit {
  perSecond: number;
}

/** A caller that lost every race for a slot asks again after this long. */
const RETRY_AFTER_RACE_MS = 1000;

export class RateLimiter {
  /** Time between two slots (ms). */
  readonly interval: number;
  /**
   * Half a second's calls may go at once: with the steady rate on top, one and a half times the rate in any
   * second, which leaves room for calls made a little after their slot and stays within twice the rate.
   */
  readonly allowance: number;

  constructor(limit: RateLimit) {
    this.interval = 1000 / limit.perSecond;
    this.allowance = Math.max(1, Math.floor(limit.perSecond / 2)) * this.interval;
  }

  /**
   * Whether the provider is busy at `now`: its `tat` is ahead, so a reservation moves `tat` one interval on
   * (one atomic increment, concurrent callers queue up without conflicts); an idle provider's `tat` is first
   * brought to now.
   */
  busy(tat: number | undefined, now: number): tat is number {
    return tat !== undefined && tat >= now;
  }

  /** The `tat` after one reservation at `now`. */
  reserve(tat: number | undefined, now: number): number {
    return (this.busy(tat, now) ? tat : now) + this.interval;
  }

  /** The decision for the caller whose reservation left `tat` as given: go now, or wait for its slot. */
  decide(tatAfter: number, now: number): TrafficDecision {
    const slotAt = tatAfter - this.allowance;
    return slotAt <= now ? { kind: 'go' } : { kind: 'wait', slotAt: Math.ceil(slotAt), reserved: true };
  }

  /** The decision for a caller that lost every race for a slot: ask again a little later. */
  raced(now: number): TrafficDecision {
    return { kind: 'wait', slotAt: now + RETRY_AFTER_RACE_MS, reserved: false };
  }

  /**
   * The `tat` a provider's Retry-After pushes the next slot to; it only ever moves `tat` later, so the store
   * writes it only over an earlier one.
   */
  heldBackUntil(retryAfterSeconds: number, now: number): number {
    return now + retryAfterSeconds * 1000;
  }
}
