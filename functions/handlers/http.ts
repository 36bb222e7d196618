/**
 * The HTTP edge shared by the API handlers: reading the request the contract's way, and the one mapper from
 * errors to the contract's error body.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../domain/limits';
import {
  InvalidJsonError,
  PayloadTooLargeError,
  toErrorBody,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../domain/errors';
import { logger } from './observability';
import { errorHeaders } from './rate-limit-headers';

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/**
 * Bodies this many times over the limit are refused before they are parsed: parsing megabytes of JSON only to
 * answer 413 would cost the function for nothing. Below it, the documented order holds (JSON, size, type).
 */
const UNPARSED_BODY_FACTOR = 64;

/** The JSON body, checked in the documented order: valid JSON, then size, then content type. */
export function readJsonBody(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>,
  maxBytes: number = MAX_BODY_BYTES,
  /** A body's own limit, at most `maxBytes`, when it depends on what the body is (the estimate's two forms). */
  limitOf: (body: unknown) => number = () => maxBytes,
): unknown {
  const encoded = event.body ?? '';
  // Base64 is 4/3 of the bytes it carries; either way the length is known without decoding or parsing.
  const size = event.isBase64Encoded
    ? Math.floor((encoded.length * 3) / 4)
    : Buffer.byteLength(encoded, 'utf8');
  if (size > maxBytes * UNPARSED_BODY_FACTOR) throw new PayloadTooLargeError(maxBytes);
  const raw = event.isBase64Encoded ? Buffer.from(encoded, 'base64').toString('utf8') : encoded;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidJsonError();
  }
  const limit = limitOf(parsed);
  if (Buffer.byteLength(raw, 'utf8') > limit) throw new PayloadTooLargeError(limit);
  const contentType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') throw new UnsupportedMediaTypeError();
  return parsed;
}

/** The account the authorizer resolved from the API key. */
export function accountIdOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
  const accountId = (event.requestContext?.authorizer as Record<string, unknown> | null | undefined)
    ?.accountId;
  if (typeof accountId !== 'string' || !accountId) throw new UnauthorizedError();
  return accountId;
}

/** Maps any error to the contract's error body; unexpected ones are logged, never shown. */
export function httpErrors(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const { status, body } = toErrorBody(request.error);
      if (status >= 500) logger.error('request failed', { error: request.error as Error });
      request.response = json(status, body, errorHeaders(request.error));
    },
  };
}
