/**
 * The one HTTP client of the provider adapters, on Node's global `fetch`. It sends one request with the
 * caller's AbortSignal and turns every way a call can fail into the two errors the waterfall understands:
 * TransientProviderError (worth retrying) or PermanentProviderError (move on to the next provider).
 *
 * Error messages end up in the customer-visible waterfall trace, so they name the provider and the HTTP
 * status only: never the URL (some providers take the API key as a query parameter), never a body (PII).
 */
import type { ZodMiniType } from 'zod/mini';
import { parseRetryAfter } from '../domain/traffic/retry-after';
import { PermanentProviderError, TransientProviderError, type ProviderRefusal } from '../domain/provider';

export type FailureKind = 'transient' | 'permanent';

/** Where a provider documents a status differently from HTTP's usual meaning (Hunter: 403 is a rate limit). */
export type StatusMeanings = Readonly<
  Partial<Record<number, { kind: FailureKind; reason: string; refusal?: ProviderRefusal }>>
>;

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
  /**
   * Headers, besides Retry-After, in which the provider says when to try again after a rate limit (Prospeo's
   * `x-minute-reset-seconds`, People Data Labs' `x-ratelimit-reset`): seconds, an epoch or a date.
   */
  retryAfterHeaders?: readonly string[];
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
    const retryAfter =
      parseRetryAfter(response.headers.get('retry-after')) ??
      resetOf(response.headers, request.retryAfterHeaders ?? []);
    throw new TransientProviderError(`${provider}: ${failure.reason} (HTTP ${status})`, retryAfter);
  }
  if (failure) {
    // A status the provider documents carries its own refusal, if any; HTTP's meanings apply to the rest.
    const refusal = request.statusMeanings?.[status] ? failure.refusal : refusalOf(status);
    throw new PermanentProviderError(`${provider}: ${failure.reason} (HTTP ${status})`, refusal);
  }

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
): { kind: FailureKind; reason: string; refusal?: ProviderRefusal } | undefined {
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

/** The first of the provider's reset headers that can be read, in seconds from now. */
function resetOf(headers: Headers, names: readonly string[], now = Date.now()): number | undefined {
  for (const name of names) {
    const seconds = parseReset(headers.get(name), now);
    if (seconds !== undefined) return seconds;
  }
  return undefined;
}

/**
 * A reset header in any of the forms providers use: a delay in seconds, epoch seconds or milliseconds, or a date
 * (a date without a zone is UTC). Undefined when absent or unreadable; 0 when the moment has passed.
 */
export function parseReset(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const number = Number(text);
    if (number >= 1e12) return Math.max(0, Math.ceil((number - now) / 1000));
    if (number >= 1e9) return Math.max(0, Math.ceil(number - now / 1000));
    return Math.ceil(number);
  }
  // Dates only: a bare year or a negative number is no moment.
  if (!/\d{4}.*\d{1,2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(/(Z|[+-]\d{2}:?\d{2}|GMT|UTC)$/i.test(text) ? text : `${text}Z`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** A bad key (401, 403) or used-up credits (402), as HTTP means them. */
function refusalOf(status: number): ProviderRefusal | undefined {
  if (status === 401 || status === 403) return 'bad_key';
  if (status === 402) return 'out_of_credits';
  return undefined;
}
