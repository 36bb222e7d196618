/**
 * A client of the local stack over real HTTP, as an integrating developer would call it. Every response is
 * checked against the OpenAPI document the API serves: a test fails on any answer the document does not describe.
 */
import { assertConforms } from './openapi-conformance';

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
  ) {}

  withKey(apiKey: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, apiKey);
  }

  async request<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = {
      ...(this.apiKey ? { Authorization: `Bearer ${this.apiKey}` } : {}),
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...options.headers },
      body,
    });
    const text = await response.text();
    await assertConforms({
      method,
      path,
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
    });
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: (text && response.headers.get('content-type')?.startsWith('application/json')
        ? JSON.parse(text)
        : null) as T,
    };
  }

  enrich(body: unknown, headers?: Record<string, string>) {
    return this.request('POST', '/contacts/enrich/async', { body, headers });
  }

  contact(id: string) {
    return this.request('GET', `/contacts/${id}`);
  }

  /** DELETE /contacts/{id}: erases the enrichment (204, no body). */
  erase(id: string) {
    return this.request('DELETE', `/contacts/${id}`);
  }

  /** GET /account/ledger, one page. */
  ledger(query: { limit?: number; cursor?: string } = {}) {
    const search = new URLSearchParams(
      Object.entries(query).flatMap(([key, value]): Array<[string, string]> =>
        value === undefined ? [] : [[key, String(value)]],
      ),
    );
    return this.request<{ entries: Array<Record<string, unknown>>; next_cursor: string | null }>(
      'GET',
      `/account/ledger${search.size ? `?${search}` : ''}`,
    );
  }

  /** POST /contacts/{id}/webhook/resend. */
  resendWebhook(id: string) {
    return this.request('POST', `/contacts/${id}/webhook/resend`);
  }

  credits() {
    return this.request<{ balance: number; reserved: number; available: number }>('GET', '/account/credits');
  }

  /** Polls GET /contacts/{id} as the API suggests (Retry-After, scaled down) until the record is finished. */
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
