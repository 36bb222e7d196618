/**
 * The one HTTP client of the provider adapters, on Node's global `fetch`. It sends one request with the
 * caller's AbortSignal and turns every way a call can fail into the two errors the waterfall understands:
 * TransientProviderError (worth retrying) or PermanentProviderError (move on to the next provider).
 *
 * Error messages end up in the customer-visible waterfall trace, so they name the provider and the HTTP
 * status only: never the URL (some providers take the API key as a query parameter), never a body (PII).
 */
import type { ZodMiniType } from 'zod/mini';
import { parseRetryAfter } from '../domain/retry-after';
import { PermanentProviderError, TransientProviderError } from './provider';

export type FailureKind = 'transient' | 'permanent';

/** Where a provider documents a status differently from HTTP's usual meaning (Hunter: 403 is a rate limit). */
export type StatusMeanings = Readonly<Partial<Record<number, { kind: FailureKind; reason: string }>>>;

export interface ProviderRequest {
  /** Names the provider in error messages. */
  provider: string;
  method?: 'GET' | 'POST';
  url: URL;
  headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  body?: unknown;
  signal: AbortSignal;
  /** Non-2xx statuses that carry an answer rather than a failure, such as People Data Labs' 404 "no match". */
  answerStatuses?: readonly number[];
  statusMeanings?: StatusMeanings;
}

export interface ProviderResponse {
  status: number;
  /** The parsed JSON body; null when the body was empty. */
  body: unknown;
}

const REASONS: Readonly<Record<number, string>> = {
  401: 'API key rejected',
  402: 'out of credits',
  403: 'access refused',
  408: 'request timed out',
  429: 'rate limited',
};

/** `baseUrl` + documented path + the query parameters that have a value. */
export function endpoint(
  baseUrl: string,
  path: string,
  query: Readonly<Record<string, string | null | undefined>> = {},
): URL {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query)) {
    if (value) url.searchParams.set(name, value);
  }
  return url;
}

export async function callProvider(request: ProviderRequest): Promise<ProviderResponse> {
  const { provider } = request;
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: request.signal,
      // A redirect would carry the API key header to wherever it points.
      redirect: 'manual',
    });
    text = await response.text();
  } catch (error) {
    throw new TransientProviderError(`${provider}: ${describeNetworkFailure(error, request.signal)}`);
  }

  const { status } = response;
  const failure = classifyStatus(status, request);
  if (failure?.kind === 'transient') {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    throw new TransientProviderError(`${provider}: ${failure.reason} (HTTP ${status})`, retryAfter);
  }
  if (failure) throw new PermanentProviderError(`${provider}: ${failure.reason} (HTTP ${status})`);

  if (text.trim() === '') return { status, body: null };
  try {
    return { status, body: JSON.parse(text) as unknown };
  } catch {
    throw new PermanentProviderError(`${provider}: malformed JSON answer (HTTP ${status})`);
  }
}

/** Checks an answer against the fields the adapter reads; anything else is a provider we cannot understand. */
export function readAnswer<T>(provider: string, schema: ZodMiniType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const path = parsed.error.issues[0]?.path.join('.');
  throw new PermanentProviderError(`${provider}: unexpected answer${path ? ` at ${path}` : ''}`);
}

function classifyStatus(
  status: number,
  request: ProviderRequest,
): { kind: FailureKind; reason: string } | undefined {
  const documented = request.statusMeanings?.[status];
  if (documented) return documented;
  if ((status >= 200 && status < 300) || request.answerStatuses?.includes(status)) return undefined;
  if (status >= 300 && status < 400) return { kind: 'permanent', reason: 'unexpected redirect' };
  if (status >= 500) return { kind: 'transient', reason: 'server error' };
  const reason = REASONS[status] ?? 'request refused';
  return { kind: status === 408 || status === 429 ? 'transient' : 'permanent', reason };
}

function describeNetworkFailure(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    // AbortSignal.timeout() aborts with a DOMException named TimeoutError.
    const name = (signal.reason as { name?: unknown } | undefined)?.name;
    return name === 'TimeoutError' ? 'timed out' : 'request aborted';
  }
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? `network error (${code})` : 'network error';
}
