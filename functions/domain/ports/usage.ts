/** The usage and provider-stats counters: read by GET /account/usage and the scorecard, added to at finish. */
import type { Counters } from '../usage/counters';

export interface UsageRange {
  /** First UTC day, `YYYY-MM-DD`, included. */
  from: string;
  /** Last UTC day, included. */
  to: string;
}

export interface UsageReader {
  /** Every usage item of the account whose day is within the range, each as its counters. */
  usageOf(accountId: string, range: UsageRange): Promise<Counters[]>;
}

/** The deployment-wide stats of one provider and day, added to at a first finish (outside its transaction). */
export interface ProviderStatsRecorder {
  add(provider: string, day: string, part: string, counters: Counters): Promise<void>;
}

export interface ProviderStatsReader {
  /** Every stats item of the provider whose day is within the range (each part, and the unsharded item). */
  statsOf(provider: string, range: UsageRange): Promise<Counters[]>;
}
