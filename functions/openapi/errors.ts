/** Error responses: each code with an example taken from its error class, grouped by the status it answers. */
import {
  ConsentRequiredError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InternalError,
  InvalidJsonError,
  InvalidStateError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  toErrorBody,
  type ErrorCode,
} from '../domain/errors';
import { MAX_BODY_BYTES } from '../domain/limits';
import { ref, type Json } from './schemas';

const ERROR_EXAMPLES: Record<ErrorCode, Error> = {
  invalid_json: new InvalidJsonError(),
  validation_error: new ValidationError(
    [
      {
        path: 'linkedin_url',
        message: 'must be a LinkedIn profile URL (linkedin.com/in/<slug>, a slug of 3 to 100 characters)',
      },
    ],
    'The request is invalid.',
  ),
  unauthorized: new UnauthorizedError(),
  insufficient_credits: new InsufficientCreditsError(11, 4),
  not_found: new NotFoundError('No enrichment with this id.'),
  idempotency_conflict: new IdempotencyConflictError(),
  invalid_state: new InvalidStateError(
    'This enrichment is still pending: its webhook is sent when it finishes.',
  ),
  payload_too_large: new PayloadTooLargeError(MAX_BODY_BYTES),
  unsupported_media_type: new UnsupportedMediaTypeError(),
  consent_required: new ConsentRequiredError(),
  rate_limited: new RateLimitedError(),
  method_not_allowed: new MethodNotAllowedError(['GET', 'DELETE']),
  internal_error: new InternalError(),
};

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is malformed or invalid; `errors` names each offending field',
  401: 'Missing, malformed, unknown or revoked API key',
  402: 'The available credits do not cover the worst case',
  404: 'No such resource for this account (another account’s id answers the same)',
  409: 'Conflict',
  413: 'The body is too large',
  415: 'The body is not sent as application/json',
  422: 'The account has not consented to personal email enrichment',
  429: 'Throttled: retry later',
};

/**
 * Error responses, grouped by status, each code with an example taken from its error class; a 429 carries
 * `Retry-After` and `limitHeaders`, the account's rate limit where the route has one.
 */
export function errorResponses(codes: readonly ErrorCode[], limitHeaders: Json = {}): Json {
  const byStatus = new Map<string, Json>();
  for (const code of codes) {
    const { status, body } = toErrorBody(ERROR_EXAMPLES[code]);
    const key = status >= 500 ? '5XX' : String(status);
    const examples = (byStatus.get(key) ?? {}) as Record<string, { value: unknown }>;
    examples[code] = { value: body };
    byStatus.set(key, examples);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, examples]) => [
      status,
      {
        description: STATUS_TEXT[Number(status)] ?? 'An internal error (500, or 502 from the gateway)',
        ...(status === '429' ? { headers: { 'Retry-After': RETRY_AFTER, ...limitHeaders } } : {}),
        content: { 'application/json': { schema: ref('Error'), examples } },
      },
    ]),
  );
}

export const RETRY_AFTER = {
  description: 'Seconds to wait before asking again.',
  schema: { type: 'integer', minimum: 0 },
};

const wholeNumber = { type: 'integer', minimum: 0 };

/**
 * The account's rate limit, on every 202 and on its 429 (README "Limits a client meets"); the gateway's own
 * 429 carries only `Retry-After`.
 */
export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: "The account's rate: contacts per second.", schema: wholeNumber },
  'RateLimit-Remaining': { description: 'Contacts the account may still send now.', schema: wholeNumber },
  'RateLimit-Reset': {
    description: "Whole seconds until the account's bucket is full again.",
    schema: wholeNumber,
  },
  'RateLimit-Policy': {
    description: 'The same limit as a structured field (draft-ietf-httpapi-ratelimit-headers).',
    schema: { type: 'string', example: '"account";q=20;w=1' },
  },
  RateLimit: {
    description: 'Remaining and reset as a structured field (draft-ietf-httpapi-ratelimit-headers).',
    schema: { type: 'string', example: '"account";r=39;t=1' },
  },
};

export const AUTHORIZED_ERRORS = ['unauthorized', 'rate_limited', 'internal_error'] as const;
export const BODY_ERRORS = [
  'invalid_json',
  'validation_error',
  'payload_too_large',
  'unsupported_media_type',
] as const;
