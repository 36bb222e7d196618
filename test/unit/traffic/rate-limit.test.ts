import type { TrafficDecision } from '../../../functions/domain/ports/traffic';
import { RateLimiter } from '../../../functions/domain/traffic/rate-limit';

const T0 = Date.UTC(2026, 0, 1);

/** Callers asking at the given times, one after the other: when each one calls, given its decision. */
function callTimes(limiter: RateLimiter, asks: number[]): number[] {
  let tat: number | undefined;
  return asks.map((now) => {
    tat = limiter.reserve(tat, now);
    const decision: TrafficDecision = limiter.decide(tat, now);
    return decision.kind === 'wait' ? decision.slotAt : now;
  });
}

const maxInAnySecond = (times: number[]) =>
  Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 1000).length));

describe('Class: RateLimiter', () => {
  it("lets half a second's calls go at once (rounded down), then hands out slots one interval apart", () => {
    // Prepare
    const limiter = new RateLimiter({ perSecond: 5 });

    // Act
    const decisions: TrafficDecision[] = [];
    let tat: number | undefined;
    for (let i = 0; i < 5; i++) {
      tat = limiter.reserve(tat, T0);
      decisions.push(limiter.decide(tat, T0));
    }

    // Assess
    expect(decisions).toEqual([
      { kind: 'go' },
      { kind: 'go' },
      { kind: 'wait', slotAt: T0 + 200, reserved: true },
      { kind: 'wait', slotAt: T0 + 400, reserved: true },
      { kind: 'wait', slotAt: T0 + 600, reserved: true },
    ]);
  });

  it('keeps 200 callers asking at once within the rate on average and twice the rate in any second', () => {
    // Prepare
    const limiter = new RateLimiter({ perSecond: 5 });

    // Act
    const times = callTimes(
      limiter,
      Array.from({ length: 200 }, () => T0),
    );

    // Assess
    expect(maxInAnySecond(times)).toBeLessThanOrEqual(2 * 5);
    const seconds = (Math.max(...times) - T0) / 1000;
    expect(200 / (seconds + 1)).toBeLessThanOrEqual(5);
  });

  it('stays within twice the rate in any second for callers arriving steadily faster than the limit', () => {
    // Prepare
    const limiter = new RateLimiter({ perSecond: 10 });
    const asks = Array.from({ length: 300 }, (_, i) => T0 + i * 37);

    // Act
    const times = callTimes(limiter, asks);

    // Assess
    expect(maxInAnySecond(times)).toBeLessThanOrEqual(2 * 10);
    expect(times.every((t, i) => t >= asks[i]!)).toBe(true);
  });

  it('brings an idle provider back to now rather than letting saved-up slots go at once', () => {
    // Prepare
    const limiter = new RateLimiter({ perSecond: 2 });
    const busyUntil = limiter.reserve(limiter.reserve(undefined, T0), T0);

    // Act
    const later = T0 + 60_000;
    const tat = limiter.reserve(busyUntil, later);

    // Assess
    expect(limiter.busy(busyUntil, later)).toBe(false);
    expect(tat).toBe(later + 500);
    expect(limiter.decide(tat, later)).toEqual({ kind: 'go' });
    expect(limiter.decide(limiter.reserve(tat, later), later)).toEqual({
      kind: 'wait',
      slotAt: later + 500,
      reserved: true,
    });
  });

  it("pushes the next slot to the provider's Retry-After", () => {
    // Prepare
    const limiter = new RateLimiter({ perSecond: 5 });
    const until = limiter.heldBackUntil(30, T0);

    // Act
    const decision = limiter.decide(limiter.reserve(until, T0 + 1), T0 + 1);

    // Assess
    expect(until).toBe(T0 + 30_000);
    expect(decision).toEqual({ kind: 'wait', slotAt: T0 + 30_000 + 200 - 2 * 200, reserved: true });
  });

  it('asks a caller that lost every race to come back in a second, without a reserved slot', () => {
    // Assess
    expect(new RateLimiter({ perSecond: 5 }).raced(T0)).toEqual({
      kind: 'wait',
      slotAt: T0 + 1000,
      reserved: false,
    });
  });
});
