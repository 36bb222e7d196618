/**
 * The typed client of the contact-enrichment API: `openapi-fetch` over the types `npm run client` generates from
 * `openapi.json`, so a route or schema the client does not follow fails to compile. It adds what every caller
 * needs: the API key, `Idempotency-Key`, polling as `Retry-After` says, back-off on `429`, API errors as
 * `ApiError`, and `verifyWebhook` for the signed webhooks. The MCP server, the CSV tool and the end-to-end tests
 * call the API through it and nothing else.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { Webhook } from 'standardwebhooks';
import type { components, paths } from './openapi';

export type { paths } from './openapi';
export type Schemas = components['schemas'];
export type EnrichmentRequest = Schemas['EnrichmentRequest'];
export type BulkEnrichmentRequest = Schemas['BulkEnrichmentRequest'];
export type Accepted = Schemas['Accepted'];
export type BatchAccepted = Schemas['BatchAccepted'];
export type Contact = Schemas['Contact'];
export type Batch = Schemas['Batch'];
export type Credits = Schemas['Credits'];
export type LedgerPage = Schemas['LedgerPage'];
export type Usage = Schemas['Usage'];
export type ResentWebhook = Schemas['ResentWebhook'];
export type FeedbackRequest = Schemas['FeedbackRequest'];
/** The API's error body; `code` is one the document lists, or `http_<status>` for a body that is not one. */
export type ErrorBody = Omit<Schemas['Error'], 'code'> & {
  code: Schemas['Error']['code'] | `http_${number}`;
};

/** An answer of the API outside 2xx, with the API's own `code` and `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`${body.code}: ${body.message}`);
    this.name = 'ApiError';
  }

  get code(): string {
    return this.body.code;
  }
}

/** The API could not be reached at all (refused, reset, unknown host). */
export class ApiUnreachableError extends Error {
  constructor(baseUrl: string, cause: unknown) {
    const reason = (cause as { cause?: { code?: string } })?.cause?.code ?? String(cause);
    super(`cannot reach the API at ${baseUrl} (${reason})`);
    this.name = 'ApiUnreachableError';
  }
}

/** A wait that ended before the enrichment or batch finished; `last` is the pending answer. */
export class StillPendingError<T> extends Error {
  constructor(
    what: string,
    readonly last: T,
  ) {
    super(`${what} still pending`);
    this.name = 'StillPendingError';
  }
}

export interface EnrichmentClientOptions {
  /** `ENRICHMENT_API_URL`, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** `ENRICHMENT_API_KEY`; without one every route but the reference answers 401. */
  apiKey?: string;
  /** How many times a `429` is retried, each after its `Retry-After` (1 s when absent). Default 5. */
  retriesOn429?: number;
  /** Multiplies every wait (`Retry-After` of a poll or a 429): tests and benchmarks shorten them. Default 1. */
  waitScale?: number;
  /** Seen by every request and response (the end-to-end tests check each answer against the document). */
  middleware?: Middleware[];
  fetch?: typeof fetch;
}

export interface WaitOptions {
  /** Gives up after this long, throwing `StillPendingError` with the last answer. Default 10 minutes. */
  timeoutMs?: number;
  /** Called with each pending answer, before the pause it asks for. */
  onPending?: (answer: { retryAfterSeconds: number }) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `Retry-After` in seconds (delta-seconds or an HTTP date), or `fallback` when absent or unreadable. */
export function retryAfterSeconds(headers: Headers, fallback = 1): number {
  const value = headers.get('retry-after');
  if (value === null) return fallback;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? fallback : Math.max(0, (at - Date.now()) / 1000);
}

/** The openapi-fetch client, its transport retrying 429s and naming an unreachable API. */
export function createApi(options: EnrichmentClientOptions): Client<paths> {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const scale = options.waitScale ?? 1;
  const retries = options.retriesOn429 ?? 5;
  const transport = async (request: Request): Promise<Response> => {
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        // A 429 was refused before anything was done: sending the same request again is safe.
        response = await baseFetch(attempt < retries ? request.clone() : request);
      } catch (error) {
        throw new ApiUnreachableError(options.baseUrl, error);
      }
      if (response.status !== 429 || attempt >= retries) return response;
      await response.body?.cancel();
      await sleep(retryAfterSeconds(response.headers) * 1000 * scale);
    }
  };
  const api = createClient<paths>({
    baseUrl: options.baseUrl,
    fetch: transport,
    headers: options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {},
    // Strings go as they are (a caller may send a body the API will refuse, to see it refused).
    bodySerializer: (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  for (const middleware of options.middleware ?? []) api.use(middleware);
  return api;
}

function idempotency(key: string | undefined) {
  return key === undefined ? {} : { 'Idempotency-Key': key };
}

/** The data of a 2xx answer, or the API's error as `ApiError`. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  const body = result.error as ErrorBody | string | undefined;
  throw new ApiError(
    result.response.status,
    typeof body === 'object' && body && 'code' in body
      ? body
      : { code: `http_${result.response.status}`, message: String(body ?? result.response.statusText) },
  );
}

/** The API's operations, each answering its documented 2xx body or throwing `ApiError`. */
export class EnrichmentClient {
  /** The typed openapi-fetch client, for a caller who wants every status as data rather than as `ApiError`. */
  readonly api: Client<paths>;
  private readonly waitScale: number;

  constructor(readonly options: EnrichmentClientOptions) {
    this.api = createApi(options);
    this.waitScale = options.waitScale ?? 1;
  }

  /** `ENRICHMENT_API_URL` and `ENRICHMENT_API_KEY` from the environment; a defined `overrides` value first. */
  static fromEnvironment(overrides: Partial<EnrichmentClientOptions> = {}): EnrichmentClient {
    const baseUrl = overrides.baseUrl ?? process.env.ENRICHMENT_API_URL;
    const apiKey = overrides.apiKey ?? process.env.ENRICHMENT_API_KEY;
    if (!baseUrl || !apiKey) {
      throw new Error(
        'set ENRICHMENT_API_URL and ENRICHMENT_API_KEY (the API, e.g. http://127.0.0.1:3000, and your key)',
      );
    }
    return new EnrichmentClient({ ...overrides, baseUrl, apiKey });
  }

  async enrich(body: EnrichmentRequest, options: { idempotencyKey?: string } = {}): Promise<Accepted> {
    return unwrap(
      await this.api.POST('/contacts/enrich/async', {
        body,
        params: { header: idempotency(options.idempotencyKey) },
      }),
    );
  }

  async enrichBulk(
    body: BulkEnrichmentRequest,
    options: { idempotencyKey?: string } = {},
  ): Promise<BatchAccepted> {
    return unwrap(
      await this.api.POST('/contacts/enrich/bulk', {
        body,
        params: { header: idempotency(options.idempotencyKey) },
      }),
    );
  }

  async contact(id: string): Promise<Contact> {
    return unwrap(await this.api.GET('/contacts/{id}', { params: { path: { id } } }));
  }

  async erase(id: string): Promise<void> {
    unwrap(await this.api.DELETE('/contacts/{id}', { params: { path: { id } } }));
  }

  async batch(id: string): Promise<Batch> {
    return unwrap(await this.api.GET('/batches/{id}', { params: { path: { id } } }));
  }

  async credits(): Promise<Credits> {
    return unwrap(await this.api.GET('/account/credits'));
  }

  async ledger(query: { limit?: number; cursor?: string } = {}): Promise<LedgerPage> {
    return unwrap(await this.api.GET('/account/ledger', { params: { query } }));
  }

  /** GET /account/usage: `from`/`to` are UTC days (YYYY-MM-DD), both included. */
  async usage(query: { from?: string; to?: string } = {}): Promise<Usage> {
    return unwrap(await this.api.GET('/account/usage', { params: { query } }));
  }

  async resendWebhook(id: string): Promise<ResentWebhook> {
    return unwrap(await this.api.POST('/contacts/{id}/webhook/resend', { params: { path: { id } } }));
  }

  /** Reports how the results turned out (a bounced email, a wrong number…); answers the record. */
  async sendFeedback(id: string, body: FeedbackRequest): Promise<Contact> {
    return unwrap(await this.api.POST('/contacts/{id}/feedback', { params: { path: { id } }, body }));
  }

  /** Polls GET /contacts/{id}, pausing as each pending answer's `Retry-After` says, until it is finished. */
  waitForContact(id: string, options: WaitOptions = {}): Promise<Contact> {
    return this.poll(
      `enrichment ${id}`,
      () => this.api.GET('/contacts/{id}', { params: { path: { id } } }),
      options,
    );
  }

  /** Polls GET /batches/{id} as `waitForContact` does, until every contact of the batch has finished. */
  waitForBatch(id: string, options: WaitOptions = {}): Promise<Batch> {
    return this.poll(
      `batch ${id}`,
      () => this.api.GET('/batches/{id}', { params: { path: { id } } }),
      options,
    );
  }

  private async poll<T extends { status: 'pending' | 'finished' }>(
    what: string,
    get: () => Promise<{ data?: T; error?: unknown; response: Response }>,
    options: WaitOptions,
  ): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    for (;;) {
      const result = await get();
      const answer = unwrap(result);
      if (answer.status === 'finished') return answer;
      const seconds = retryAfterSeconds(result.response.headers, 2);
      if (Date.now() + seconds * 1000 * this.waitScale > deadline) throw new StillPendingError(what, answer);
      options.onPending?.({ retryAfterSeconds: seconds });
      await sleep(seconds * 1000 * this.waitScale);
    }
  }
}

/**
 * Checks a webhook's Standard Webhooks signature with the account's `whsec_…` secret and answers its parsed
 * body; throws when the signature, the timestamp (5 minutes' tolerance) or a header is wrong.
 * `body` is the raw request body, exactly as received.
 */
export function verifyWebhook(
  body: string | Buffer,
  headers: Record<string, string | string[] | undefined> | Headers,
  secret: string,
): unknown {
  const header = (name: string): string => {
    const value = headers instanceof Headers ? headers.get(name) : headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? '';
  };
  return new Webhook(secret).verify(typeof body === 'string' ? body : body.toString('utf8'), {
    'webhook-id': header('webhook-id'),
    'webhook-timestamp': header('webhook-timestamp'),
    'webhook-signature': header('webhook-signature'),
  });
}
