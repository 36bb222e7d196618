/** Provider traffic (ProviderStep): deployment-wide rate limits and circuit breakers. */
import type { ProviderRefusal } from '../provider';

/** Whether a provider may be called now: go, wait until a reserved slot, or skip it (circuit open). */
export type TrafficDecision =
  | {
      kind: 'go';
    } /** `reserved`: the slot is this caller's, to be used once it has come; otherwise ask again then. */
  | { kind: 'wait'; slotAt: number; reserved: boolean }
  | { kind: 'skip'; reason: string };

/** How a provider call ended, as the circuit breaker counts it. */
export type CallOutcome =
  | { kind: 'answered' }
  | { kind: 'failed'; retryAfterSeconds?: number }
  | { kind: 'refused'; reason: ProviderRefusal };

export interface ProviderTraffic {
  /** Asks to call `provider` at `now` (epoch ms): deployment-wide rate limit and circuit breaker. */
  acquire(provider: string, now: number): Promise<TrafficDecision>;
  /** Whether the breaker lets a call through now, for a caller that already holds a rate-limit slot. */
  admit(provider: string, now: number): Promise<TrafficDecision>;
  /** Counts a call's outcome: failures and refusals open the breaker; a Retry-After holds the provider back. */
  report(provider: string, outcome: CallOutcome, now: number): Promise<void>;
}
