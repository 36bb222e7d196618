/**
 * When a failed webhook delivery is tried again (README "Webhooks"): exponential backoff with
 * jitter over more than a day, `WEBHOOK_RETRY_SCHEDULE` to override it, and `Retry-After` honoured.
 */

export interface RetrySchedule {
  /** Seconds to wait before each retry: `delaysSeconds[0]` separates attempt 1 from attempt 2. */
  delaysSeconds: readonly number[];
  /** Each delay grows by a random share of itself, up to this fraction, so failed receivers are not hit in step. */
  jitter: number;
}

/**
 * The longest a message can stay hidden after it was received: SQS caps the visibility timeout at 12 hours
 * from the receive, and a few minutes of processing may already have passed.
 */
export const MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60 - 5 * 60;

/** 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 12 h: 8 attempts spread over about 30 hours before jitter. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  delaysSeconds: [60, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, MAX_RETRY_DELAY_SECONDS],
  jitter: 0.2,
};

/** The built-in schedule, or the configured seconds taken exactly as written (no jitter). */
export function retryScheduleFrom(overrideSeconds: readonly number[] | undefined): RetrySchedule {
  if (!overrideSeconds?.length) return DEFAULT_RETRY_SCHEDULE;
  return { delaysSeconds: [...overrideSeconds], jitter: 0 };
}

/** First attempt plus one per retry; the queue's `maxReceiveCount` must equal it. */
export function maxAttempts(schedule: RetrySchedule): number {
  return schedule.delaysSeconds.length + 1;
}

/** The shortest time the schedule spreads its attempts over (jitter only ever adds to it). */
export function minimumSpanSeconds(schedule: RetrySchedule): number {
  return schedule.delaysSeconds.reduce((total, delay) => total + Math.min(delay, MAX_RETRY_DELAY_SECONDS), 0);
}

/**
 * Seconds before the attempt after `attempt` (1-based), or undefined when `attempt` was the last one.
 * A `Retry-After` longer than the scheduled delay wins; no delay exceeds what the queue can hold back.
 */
export function retryDelaySeconds(
  schedule: RetrySchedule,
  attempt: number,
  options: { retryAfterSeconds?: number; random?: () => number } = {},
): number | undefined {
  const base = schedule.delaysSeconds[attempt - 1];
  if (base === undefined) return undefined;
  const random = options.random ?? Math.random;
  const jittered = base * (1 + schedule.jitter * random());
  const delay = Math.max(jittered, options.retryAfterSeconds ?? 0);
  return Math.min(delay, MAX_RETRY_DELAY_SECONDS);
}
