import { CircuitBreaker, type BreakerRecord } from '../../../functions/domain/traffic/circuit-breaker';

const T0 = Date.UTC(2026, 0, 1);
const COOLDOWN_SECONDS = 300;

describe('Class: CircuitBreaker', () => {
  const breaker = new CircuitBreaker(COOLDOWN_SECONDS);

  it('lets calls through while closed, and for a provider never heard of', () => {
    // Assess
    expect(breaker.gate({}, T0)).toBe('pass');
    expect(breaker.gate({ state: 'closed', window_calls: 9, window_failures: 9 }, T0)).toBe('pass');
  });

  it.each([
    ['bad_key', 'API key rejected'],
    ['out_of_credits', 'out of credits'],
  ] as const)('opens at once on a %s refusal, without counting it', (reason, described) => {
    // Act
    const verdict = breaker.refusal({ kind: 'refused', reason });
    const open: BreakerRecord = { state: 'open', reason, open_until: breaker.openUntil(T0) };

    // Assess
    expect(verdict).toEqual({ kind: 'open', reason });
    expect(breaker.gate(open, T0 + 1)).toBe('skip');
    expect(breaker.unavailable(open)).toEqual({
      kind: 'skip',
      reason: `provider unavailable (${described})`,
    });
    expect(breaker.refusal({ kind: 'failed' })).toBeUndefined();
    expect(breaker.refusal({ kind: 'answered' })).toBeUndefined();
  });

  it('opens when half or more of at least ten calls in the window failed', () => {
    // Assess
    expect(breaker.afterCall({ window_calls: 10, window_failures: 5 }, true)).toEqual({
      kind: 'open',
      reason: 'failing',
    });
    expect(breaker.afterCall({ window_calls: 10, window_failures: 4 }, true)).toEqual({ kind: 'stay' });
    expect(breaker.afterCall({ window_calls: 9, window_failures: 9 }, true)).toEqual({ kind: 'stay' });
    // An answer never opens it, whatever the window holds.
    expect(breaker.afterCall({ window_calls: 10, window_failures: 9 }, false)).toEqual({ kind: 'stay' });
    expect(breaker.unavailable({ state: 'open', reason: 'failing' })).toEqual({
      kind: 'skip',
      reason: 'provider unavailable (failing on most calls)',
    });
  });

  it('counts calls in one-minute windows', () => {
    // Assess
    expect(breaker.windowCutoff(T0)).toBe(T0 - 60_000);
    const record: BreakerRecord = { window_start: T0, window_calls: 4, window_failures: 3 };
    expect(breaker.status('hunter', record, T0 + 59_999)).toMatchObject({
      window_calls: 4,
      window_failures: 3,
    });
    expect(breaker.status('hunter', record, T0 + 60_000)).toMatchObject({
      window_calls: 0,
      window_failures: 0,
    });
  });

  it('skips the provider until the cool-down is over, then lets one caller through as the trial', () => {
    // Prepare
    const open: BreakerRecord = { state: 'open', reason: 'failing', open_until: breaker.openUntil(T0) };

    // Act
    const during = breaker.gate(open, T0 + COOLDOWN_SECONDS * 1000 - 1);
    const after = breaker.gate(open, T0 + COOLDOWN_SECONDS * 1000);
    const halfOpen: BreakerRecord = { ...open, state: 'half_open', trial_at: T0 + COOLDOWN_SECONDS * 1000 };

    // Assess
    expect(during).toBe('skip');
    expect(after).toBe('trial');
    expect(breaker.gate(halfOpen, T0 + COOLDOWN_SECONDS * 1000 + 59_999)).toBe('skip');
  });

  it('lets another caller be the trial once a trial has not reported back for a minute', () => {
    // Prepare
    const halfOpen: BreakerRecord = { state: 'half_open', reason: 'failing', trial_at: T0 };

    // Assess
    expect(breaker.gate(halfOpen, T0 + 60_000)).toBe('trial');
  });

  it("closes on the trial's answer and opens again, for the same reason, on its failure", () => {
    // Prepare
    const halfOpen: BreakerRecord = { state: 'half_open', reason: 'out_of_credits', trial_at: T0 };

    // Assess
    expect(breaker.afterCall(halfOpen, false)).toEqual({ kind: 'close' });
    expect(breaker.afterCall(halfOpen, true)).toEqual({ kind: 'open', reason: 'out_of_credits' });
    expect(breaker.afterCall({ state: 'half_open' }, true)).toEqual({ kind: 'open', reason: 'failing' });
  });

  it('describes its state for the operator', () => {
    // Prepare
    const open: BreakerRecord = { state: 'open', reason: 'bad_key', open_until: T0 + 1000 };

    // Assess
    expect(breaker.status('hunter', open, T0)).toEqual({
      provider: 'hunter',
      state: 'open',
      reason: 'API key rejected',
      open_until: new Date(T0 + 1000).toISOString(),
      window_calls: 0,
      window_failures: 0,
    });
    expect(breaker.status('hunter', {}, T0)).toEqual({
      provider: 'hunter',
      state: 'closed',
      reason: null,
      open_until: null,
      window_calls: 0,
      window_failures: 0,
    });
  });
});
