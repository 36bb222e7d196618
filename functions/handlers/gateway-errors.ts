/**
 * The errors API Gateway answers itself, before or instead of a handler, with the contract's error body. The
 * CDK API construct turns each entry into a gateway response; the local stack's gateway emulation answers
 * the same entries, so both give a client the same status and body.
 */
import { MAX_BODY_BYTES } from '../domain/limits';
import {
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  toErrorBody,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  type ErrorBody,
} from '../domain/errors';

export interface GatewayError {
  status: number;
  body: ErrorBody;
  headers?: Readonly<Record<string, string>>;
}

const fromError = (error: Error, headers?: Record<string, string>): GatewayError => {
  const { status, body } = toErrorBody(error);
  return headers ? { status, body, headers } : { status, body };
};

export const GATEWAY_ERRORS = {
  /** No, malformed, unknown or revoked API key (and an explicit Deny: every key problem is a 401). */
  unauthorized: fromError(new UnauthorizedError()),
  /**
   * The stage's or a route's throttling (a token bucket refilled every second): a second is enough. Every 429
   * carries Retry-After, whatever gives it.
   */
  throttled: fromError(new RateLimitedError(), { 'Retry-After': '1' }),
  /** A usage plan's quota (the stack defines none); its period is unknown here, so a minute between tries. */
  quotaExceeded: fromError(new RateLimitedError(), { 'Retry-After': '60' }),
  requestTooLarge: fromError(new PayloadTooLargeError(MAX_BODY_BYTES)),
  unsupportedMediaType: fromError(new UnsupportedMediaTypeError()),
  /** A path or method the API does not have. */
  unknownRoute: fromError(new NotFoundError('No such route: see the API reference for the routes.')),
  resourceNotFound: fromError(new NotFoundError()),
  otherClientError: {
    status: 400,
    body: { code: 'validation_error', message: 'The request was rejected before it reached the API.' },
  },
  /**
   * Authorizer failures, integration errors and timeouts. An integration timeout on POST may still have
   * accepted the enrichment, so the message does not say it was not.
   */
  internalError: { status: 502, body: { code: 'internal_error', message: 'An internal error occurred.' } },
} as const satisfies Record<string, GatewayError>;

export type GatewayErrorName = keyof typeof GATEWAY_ERRORS;
