/**
 * The end-to-end tests' client of the local stack: the product's typed client (client/), as an integrating
 * developer would call it, answering every status as data. Every response is checked against the OpenAPI
 * document the API serves: a test fails on any answer the document does not describe.
 */
import type { Middleware } from 'openapi-fetch';
import {
  EnrichmentClient,
  type BulkEnrichmentRequest,
  type EnrichmentRequest,
  type FeedbackRequest,
} from '../../client';
import { assertConforms } from './openapi-conformance';

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

type Method = 'GET' | 'POST' | 'DELETE';
interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

/** The raw text of each response, read (once, by the conformance check) before the client parses it. */
const texts = new WeakMap<Response, string>();

const conformanceCheck: Middleware = {
  async onResponse({ request, response }) {
    const text = await response.clone().text();
    const url = new URL(request.url);
    await assertConforms({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
    });
    texts.set(response, text);
  },
};

function answer<T = Record<string, unknown>>(response: Response): HttpAnswer<T> {
  const text = texts.get(response) ?? '';
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (text && response.headers.get('content-type')?.startsWith('application/json')
      ? JSON.parse(text)
      : null) as T,
  };
}

export class ApiClient {
  private readonly client: EnrichmentClient;

  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
  ) {
    // No 429 retries: a test sees every answer the API gives.
    this.client = new EnrichmentClient({ baseUrl, apiKey, retriesOn429: 0, middleware: [conformanceCheck] });
  }

  withKey(apiKey: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, apiKey);
  }

  /**
   * Any method and path, for what the typed operations cannot express on purpose: an unknown route, a
   * malformed header, the API reference's HTML and script.
   */
  async request<T = Record<string, unknown>>(
    method: Method,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpAnswer<T>> {
    const { response } = await this.client.api.request(
      method.toLowerCase() as 'get',
      path as '/account/credits',
      {
        ...(options as object),
        parseAs: 'text',
      },
    );
    return answer<T>(response);
  }

  /** POST /contacts/enrich/async; `body` may be anything, to see it refused. */
  async enrich(body: EnrichmentRequest | unknown, headers?: Record<string, string>) {
    const { response } = await this.client.api.POST('/contacts/enrich/async', {
      body: body as EnrichmentRequest,
      headers,
      parseAs: 'text',
    });
    return answer(response);
  }

  /** POST /contacts/enrich/bulk. */
  async bulk<T = Record<string, unknown>>(
    body: BulkEnrichmentRequest | unknown,
    headers?: Record<string, string>,
  ) {
    const { response } = await this.client.api.POST('/contacts/enrich/bulk', {
      body: body as BulkEnrichmentRequest,
      headers,
      parseAs: 'text',
    });
    return answer<T>(response);
  }

  async contact(id: string) {
    const { response } = await this.client.api.GET('/contacts/{id}', {
      params: { path: { id } },
      parseAs: 'text',
    });
    return answer(response);
  }

  /** GET /batches/{id}. */
  async batch<T = Record<string, unknown>>(id: string) {
    const { response } = await this.client.api.GET('/batches/{id}', {
      params: { path: { id } },
      parseAs: 'text',
    });
    return answer<T>(response);
  }

  /** DELETE /contacts/{id}: erases the enrichment (204, no body). */
  async erase(id: string) {
    const { response } = await this.client.api.DELETE('/contacts/{id}', {
      params: { path: { id } },
      parseAs: 'text',
    });
    return answer(response);
  }

  /** GET /account/ledger, one page. */
  async ledger(query: { limit?: number; cursor?: string } = {}) {
    const { response } = await this.client.api.GET('/account/ledger', { params: { query }, parseAs: 'text' });
    return answer<{ entries: Array<Record<string, unknown>>; next_cursor: string | null }>(response);
  }

  /** GET /account/usage; `from`/`to` may be anything, to see them refused. */
  async usage(query: { from?: string; to?: string } = {}) {
    const { response } = await this.client.api.GET('/account/usage', { params: { query }, parseAs: 'text' });
    return answer(response);
  }

  /** POST /contacts/{id}/webhook/resend. */
  async resendWebhook(id: string) {
    const { response } = await this.client.api.POST('/contacts/{id}/webhook/resend', {
      params: { path: { id } },
      parseAs: 'text',
    });
    return answer(response);
  }

  /** POST /contacts/{id}/feedback; `body` may be anything, to see it refused. */
  async feedback(id: string, body: FeedbackRequest | unknown) {
    const { response } = await this.client.api.POST('/contacts/{id}/feedback', {
      params: { path: { id } },
      body: body as FeedbackRequest,
      parseAs: 'text',
    });
    return answer(response);
  }

  async credits() {
    const { response } = await this.client.api.GET('/account/credits', { parseAs: 'text' });
    return answer<{ balance: number; reserved: number; available: number }>(response);
  }

  /**
   * Polls GET /contacts/{id} every `pollMs` (the API's Retry-After scaled down) until the record is finished,
   * keeping each pending answer for the test to read.
   */
  async untilFinished(id: string, options: { pollMs?: number; timeoutMs?: number } = {}) {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const pendingAnswers: HttpAnswer[] = [];
    for (;;) {
      const answer = await this.contact(id);
      if (answer.body.status === 'finished') return { finished: answer, pendingAnswers };
      pendingAnswers.push(answer);
      if (Date.now() > deadline) throw new Error(`enrichment ${id} still ${String(answer.body.status)}`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
    }
  }
}
