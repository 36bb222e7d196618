/**
 * The RateLimit headers of the accept routes' answers (README "Limits a client meets"): the fields most clients
 * read today (`RateLimit-Limit`, `-Remaining`, `-Reset`) and the same figures in the IETF draft's structured
 * fields (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy`, `RateLimit`); a 429 adds `Retry-After`.
 */
import type { RateLimitStatus } from '../domain/accounts/rate-limit';
import { RateLimitedError } from '../domain/errors';

/** The policy's name in the structured fields. */
const POLICY = '"account"';

export function rateLimitHeaders(status: RateLimitStatus | undefined): Record<string, string> {
  if (!status) return {};
  return {
    'RateLimit-Limit': String(status.limit),
    'RateLimit-Remaining': String(status.remaining),
    'RateLimit-Reset': String(status.resetSeconds),
    'RateLimit-Policy': `${POLICY};q=${status.limit};w=1`,
    RateLimit: `${POLICY};r=${status.remaining};t=${status.resetSeconds}`,
  };
}

/** The headers an error answer carries: a 429's `Retry-After`, and the bucket's figures when it refused. */
export function errorHeaders(error: unknown): Record<string, string> {
  if (!(error instanceof RateLimitedError)) return {};
  return { 'Retry-After': String(error.retryAfterSeconds), ...rateLimitHeaders(error.rateLimit) };
}
