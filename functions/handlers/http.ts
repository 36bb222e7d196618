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

/** The JSON body, checked in the contract's order: valid JSON, then size, then content type. */
export function readJsonBody(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>,
): unknown {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidJsonError();
  }
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
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
      request.response = json(status, body);
    },
  };
}
