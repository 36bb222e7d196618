/**
 * A local stand-in for a provider's API on 127.0.0.1: it answers the replies a test queues, in order, and
 * records every request the adapter sent so the test can check path, query, method, headers and body.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ContactQuery,
  PermanentProviderError,
  TransientProviderError,
} from '../../functions/providers/provider';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The JSON body, or undefined when there was none. */
  body: unknown;
}

export type Reply =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string> }
  /** Never answers: the adapter's AbortSignal has to end the call. */
  | 'hang';

export interface FakeProviderServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Replaces the queued replies and forgets earlier requests. */
  reply(...replies: Reply[]): void;
  stop(): Promise<void>;
}

export async function startFakeProviderServer(): Promise<FakeProviderServer> {
  const requests: RecordedRequest[] = [];
  let queue: Reply[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as unknown) : undefined,
      });
      const reply = queue.shift() ?? { status: 599, text: 'the test queued no reply' };
      if (reply === 'hang') return;
      const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(body);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    reply(...replies) {
      queue = replies;
      requests.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** The signal a test passes when the server hangs: short, so the suite stays fast. */
export function shortTimeout(): AbortSignal {
  return AbortSignal.timeout(200);
}

export type ProviderErrorClass = typeof PermanentProviderError | typeof TransientProviderError;

/** A failure table row: what the server answers, the error class expected, and its Retry-After if any. */
export type FailureCase = {
  case: string;
  reply: Reply;
  error: ProviderErrorClass;
  retryAfter?: number;
};

/** The Retry-After of a transient error; undefined for a permanent one. */
export function retryAfterOf(error: Error): number | undefined {
  return (error as Partial<TransientProviderError>).retryAfterSeconds;
}

/** The error a call failed with, so a test can check its class and its fields. */
export async function failureOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the call succeeded; the test expected it to fail');
}

/** The contact every adapter test looks for, with the fields a test needs changed. */
export function aContact(overrides: Partial<ContactQuery> = {}): ContactQuery {
  return {
    firstname: 'Jane',
    lastname: 'Doe',
    company_name: 'Acme',
    domain: 'acme.com',
    linkedin_url: 'https://www.linkedin.com/in/janedoe',
    phone_country_codes: null,
    ...overrides,
  };
}
