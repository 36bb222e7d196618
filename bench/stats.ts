/** Percentiles and rounding shared by every benchmark, so each figure is computed the same way. */

/** Nearest-rank percentile (p in 0..100); NaN without samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export interface Spread {
  count: number;
  p50: number;
  p99: number;
}

export function spread(samples: readonly number[]): Spread {
  return { count: samples.length, p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}

export const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** Milliseconds since `start` (a `performance.now()` reading). */
export const since = (start: number) => performance.now() - start;
