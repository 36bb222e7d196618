/**
 * A provider's circuit breaker, deployment-wide: a refusal (bad key, no credits) opens it at once; failures on
 * most calls of the current one-minute window (at least ten calls) open it too. While open the provider is
 * skipped; after the cool-down one caller is let through as a trial (half-open): an answer closes it, a failure
 * opens it again.
 *
 * Pure: the caller gives the persisted state and the time (epoch ms); the store persists what this decides.
 */
import type { CallOutcome, TrafficDecision } from '../ports/traffic';

export type CircuitState = 'closed' | 'open' | 'half_open';

/** The breaker's persisted state (absent fields: a provider never heard of, closed). */
export interface BreakerRecord {
  state?: CircuitState;
  open_until?: number;
  reason?: string | null;
  trial_at?: number;
  window_start?: number;
  window_calls?: number;
  window_failures?: number;
}

/** A provider's traffic state as the operator sees it (`npm run admin -- providers status`). */
export interface ProviderTrafficState {
  provider: string;
  state: CircuitState;
  reason: string | null;
  open_until: string | null;
  window_calls: number;
  window_failures: number;
}

/** Whether a call may go: `pass`, `skip` (open), or `trial`: this caller may become the half-open trial. */
export type BreakerGate = 'pass' | 'skip' | 'trial';

/** What a counted outcome does to the breaker. */
export type BreakerVerdict = { kind: 'open'; reason: string } | { kind: 'close' } | { kind: 'stay' };

/** The breaker's window, and what makes "most recent calls" failing. */
const WINDOW_MS = 60_000;
const MIN_CALLS = 10;
const FAILURE_SHARE = 0.5;
/** A half-open trial that has not reported back after this long (its step died) lets another one through. */
const TRIAL_TIMEOUT_MS = 60_000;

const REASONS: Readonly<Record<string, string>> = {
  bad_key: 'API key rejected',
  out_of_credits: 'out of credits',
  failing: 'failing on most calls',
};

export class CircuitBreaker {
  constructor(private readonly cooldownSeconds: number) {}

  gate(record: BreakerRecord, now: number): BreakerGate {
    if (record.state === 'open') return now < (record.open_until ?? 0) ? 'skip' : 'trial';
    // A trial that vanished (its step died) lets another caller be the trial.
    if (record.state === 'half_open')
      return now - (record.trial_at ?? 0) < TRIAL_TIMEOUT_MS ? 'skip' : 'trial';
    return 'pass';
  }

  /** The skip while the breaker is open (or another caller holds the half-open trial), with the reason why. */
  unavailable(record: BreakerRecord): TrafficDecision {
    return {
      kind: 'skip',
      reason: `provider unavailable (${this.describe(record.reason) ?? 'circuit open'})`,
    };
  }

  /** A call at `now` counts in a window that started after this; otherwise it starts a new window. */
  windowCutoff(now: number): number {
    return now - WINDOW_MS;
  }

  /** The refusal an outcome is, if it is one: it opens the breaker at once, without being counted. */
  refusal(outcome: CallOutcome): BreakerVerdict | undefined {
    return outcome.kind === 'refused' ? { kind: 'open', reason: outcome.reason } : undefined;
  }

  /** What a call's outcome does, given the record once the call was counted in its window. */
  afterCall(counted: BreakerRecord, failed: boolean): BreakerVerdict {
    if (counted.state === 'half_open') {
      return failed ? { kind: 'open', reason: counted.reason ?? 'failing' } : { kind: 'close' };
    }
    const calls = counted.window_calls ?? 0;
    const failures = counted.window_failures ?? 0;
    if (failed && counted.state !== 'open' && calls >= MIN_CALLS && failures / calls >= FAILURE_SHARE) {
      return { kind: 'open', reason: 'failing' };
    }
    return { kind: 'stay' };
  }

  /** Until when a breaker opened at `now` skips the provider. */
  openUntil(now: number): number {
    return now + this.cooldownSeconds * 1000;
  }

  status(provider: string, record: BreakerRecord, now: number): ProviderTrafficState {
    const open = record.state === 'open' || record.state === 'half_open';
    const inWindow = now - (record.window_start ?? 0) < WINDOW_MS;
    return {
      provider,
      state: record.state ?? 'closed',
      reason: open ? (this.describe(record.reason) ?? null) : null,
      open_until: open && record.open_until ? new Date(record.open_until).toISOString() : null,
      window_calls: inWindow ? (record.window_calls ?? 0) : 0,
      window_failures: inWindow ? (record.window_failures ?? 0) : 0,
    };
  }

  private describe(reason: string | null | undefined): string | undefined {
    return REASONS[reason ?? ''] ?? reason ?? undefined;
  }
}
