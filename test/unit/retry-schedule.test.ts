import {
  DEFAULT_RETRY_SCHEDULE,
  MAX_RETRY_DELAY_SECONDS,
  maxAttempts,
  minimumSpanSeconds,
  retryDelaySeconds,
  retryScheduleFrom,
} from '../../functions/domain/webhooks/retry-schedule';

describe('Function: retryDelaySeconds', () => {
  it('makes at least 8 attempts over at least 24 hours by default', () => {
    // Act
    const attempts = maxAttempts(DEFAULT_RETRY_SCHEDULE);
    const span = minimumSpanSeconds(DEFAULT_RETRY_SCHEDULE);

    // Assess
    expect(attempts).toBeGreaterThanOrEqual(8);
    expect(span).toBeGreaterThanOrEqual(24 * 3600);
  });

  it('backs off exponentially: each default delay is longer than the one before', () => {
    // Act
    const delays = DEFAULT_RETRY_SCHEDULE.delaysSeconds.map((_, index) =>
      retryDelaySeconds(DEFAULT_RETRY_SCHEDULE, index + 1, { random: () => 0 }),
    );

    // Assess
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThan(delays[i - 1]!);
  });

  it('adds jitter on top of the scheduled delay, never below it', () => {
    // Act
    const low = retryDelaySeconds(DEFAULT_RETRY_SCHEDULE, 1, { random: () => 0 });
    const high = retryDelaySeconds(DEFAULT_RETRY_SCHEDULE, 1, { random: () => 0.999 });

    // Assess
    expect(low).toBe(60);
    expect(high).toBeGreaterThan(60);
    expect(high).toBeLessThanOrEqual(60 * (1 + DEFAULT_RETRY_SCHEDULE.jitter));
  });

  it('uses a configured schedule exactly as written', () => {
    // Prepare
    const schedule = retryScheduleFrom([0.05, 2, 30]);

    // Act
    const delays = [1, 2, 3].map((attempt) => retryDelaySeconds(schedule, attempt, { random: () => 0.9 }));

    // Assess
    expect(delays).toEqual([0.05, 2, 30]);
    expect(maxAttempts(schedule)).toBe(4);
  });

  it('falls back to the built-in schedule when none is configured', () => {
    // Act & Assess
    expect(retryScheduleFrom(undefined)).toBe(DEFAULT_RETRY_SCHEDULE);
    expect(retryScheduleFrom([])).toBe(DEFAULT_RETRY_SCHEDULE);
  });

  it('has no retry after the last attempt', () => {
    // Prepare
    const schedule = retryScheduleFrom([1, 1]);

    // Act & Assess
    expect(retryDelaySeconds(schedule, 3)).toBeUndefined();
  });

  it('waits for a Retry-After longer than the scheduled delay', () => {
    // Prepare
    const schedule = retryScheduleFrom([1, 1]);

    // Act
    const longer = retryDelaySeconds(schedule, 1, { retryAfterSeconds: 120 });
    const shorter = retryDelaySeconds(schedule, 1, { retryAfterSeconds: 0 });

    // Assess
    expect(longer).toBe(120);
    expect(shorter).toBe(1);
  });

  it('never asks the queue to hold a message beyond its visibility limit', () => {
    // Prepare
    const schedule = retryScheduleFrom([1]);

    // Act
    const delay = retryDelaySeconds(schedule, 1, { retryAfterSeconds: 7 * 24 * 3600 });

    // Assess
    expect(delay).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(delay).toBeLessThan(12 * 3600);
  });
});
