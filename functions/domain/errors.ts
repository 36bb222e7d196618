/**
 * The product's error vocabulary. Every failure a client can see is one of these types; the HTTP layer maps
 * them to the contract's error body in one place (`functions/handlers/http.ts`).
 */
import type { RateLimitStatus } from './accounts/rate-limit';

/**
 * Every code an error body can carry, listed once: the error classes, the OpenAPI document and the tests take
 * them from here.
 */
export const ERROR_CODES = [
  'invalid_json',
  'validation_error',
  'unauthorized',
  'insufficient_credits',
  'not_found',
  'idempotency_conflict',
  'invalid_state',
  'payload_too_large',
  'unsupported_media_type',
  'consent_required',
  'rate_limited',
  'method_not_allowed',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  path: string;
  message: string;
}

export abstract class ApiError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly status: number;
  readonly errors?: FieldError[];
}

export class InvalidJsonError extends ApiError {
  readonly code = 'invalid_json';
  readonly status = 400;
  constructor() {
    super('The request body is not valid JSON.');
  }
}

export class PayloadTooLargeError extends ApiError {
  readonly code = 'payload_too_large';
  readonly status = 413;
  constructor(limitBytes: number) {
    super(`The request body exceeds ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  readonly code = 'unsupported_media_type';
  readonly status = 415;
  constructor() {
    super('The request body must be sent with Content-Type: application/json.');
  }
}

export class ValidationError extends ApiError {
  readonly code = 'validation_error';
  readonly status = 400;
  override readonly errors: FieldError[];
  constructor(errors: FieldError[], message = 'The request is invalid.') {
    super(message);
    this.errors = errors;
  }
}

export class UnauthorizedError extends ApiError {
  readonly code = 'unauthorized';
  readonly status = 401;
  constructor() {
    super('A valid API key is required: send Authorization: Bearer <api_key>.');
  }
}

export const CONSENT_REQUIRED_MESSAGE =
  "You can't use the personal email enrichment feature without consenting with our terms of use";

export class ConsentRequiredError extends ApiError {
  readonly code = 'consent_required';
  readonly status = 422;
  constructor() {
    super(CONSENT_REQUIRED_MESSAGE);
  }
}

export class InsufficientCreditsError extends ApiError {
  readonly code = 'insufficient_credits';
  readonly status = 402;
  constructor(required: number, available: number) {
    super(`This enrichment needs up to ${required} credits; ${available} are available.`);
  }
}

export class NotFoundError extends ApiError {
  readonly code = 'not_found';
  readonly status = 404;
  constructor(what = 'The requested resource was not found.') {
    super(what);
  }
}

/** A method the path does not take; `allowed` are those it does (the `Allow` header). */
export class MethodNotAllowedError extends ApiError {
  readonly code = 'method_not_allowed';
  readonly status = 405;
  constructor(readonly allowed: readonly string[]) {
    super(`This path takes ${allowed.join(', ')} only.`);
  }
}

export class IdempotencyConflictError extends ApiError {
  readonly code = 'idempotency_conflict';
  readonly status = 409;
  constructor() {
    super('This Idempotency-Key was already used with a different request body.');
  }
}

/** The resource exists but cannot take this action now; the message says why. */
export class InvalidStateError extends ApiError {
  readonly code = 'invalid_state';
  readonly status = 409;
}

export class RateLimitedError extends ApiError {
  readonly code = 'rate_limited';
  readonly status = 429;
  /**
   * @param retryAfterSeconds whole seconds until the request would be accepted
   * @param rateLimit the account's bucket, when its rate limit refused the request
   */
  constructor(
    readonly retryAfterSeconds = 1,
    readonly rateLimit?: RateLimitStatus,
  ) {
    super(
      rateLimit
        ? `This account may send ${rateLimit.limit} contacts a second; retry in ${retryAfterSeconds} s.`
        : 'Too many requests; retry later.',
    );
  }
}

export class InternalError extends ApiError {
  readonly code = 'internal_error';
  readonly status = 500;
  constructor() {
    super('An internal error occurred; the request was not accepted.');
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}

/** The contract's error body for any thrown value; unknown errors never leak their details. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  const known = error instanceof ApiError ? error : new InternalError();
  const body: ErrorBody = { code: known.code, message: known.message };
  if (known.errors) body.errors = known.errors;
  return { status: known.status, body };
}
