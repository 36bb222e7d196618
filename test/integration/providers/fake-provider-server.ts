/**
 * A local stand-in for a provider's API on 127.0.0.1: it answers the replies a test queues, in order, and
 * records every request the adapter sent so the test can check path, query, method, headers and body.
 * Below it, the scaffolding every adapter test shares: `useFakeProvider` starts the server and builds the
 * adapter, the `it…` helpers declare tests adapters pass alike (failure table, timeout, refusal), and the
 * `…Double` types describe a provider's documented answers for the contract suite (`contract.test.ts`).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnrichmentType } from '../../../functions/domain/enrichment/enrichment-request';
import {
  PermanentProviderError,
  TransientProviderError,
  type ContactQuery,
  type EmailVerdict,
  type ProviderAnswer,
  type ProviderCall,
  type ProviderRefusal,
} from '../../../functions/providers/provider';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The JSON body, or undefined when there was none. */
  body: unknown;
}

/** An HTTP answer: a status, a JSON body or raw text, headers. */
export type HttpReply = { status: number; json?: unknown; text?: string; headers?: Record<string, string> };

export type Reply =
  | HttpReply
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

/** The running server and the adapter built against it, for the tests of one provider. */
export interface FakeProvider<T> {
  server(): FakeProviderServer;
  adapter(): T;
}

/**
 * Starts a fake provider server before the tests of the enclosing describe (or file) and stops it after them;
 * `create` builds the adapter under test pointed at the server's base URL.
 */
export function useFakeProvider<T>(create: (baseUrl: string) => T): FakeProvider<T> {
  let running: { server: FakeProviderServer; adapter: T } | undefined;

  beforeAll(async () => {
    const server = await startFakeProviderServer();
    running = { server, adapter: create(server.baseUrl) };
  });

  afterAll(async () => {
    await running?.server.stop();
  });

  const started = () => {
    if (!running) throw new Error('the fake provider server is only running inside a test');
    return running;
  };
  return { server: () => started().server, adapter: () => started().adapter };
}

/** The call options of a test that expects an answer: a signal generous enough never to end the call. */
export function aCall(): ProviderCall {
  return { signal: AbortSignal.timeout(5000) };
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

/**
 * Declares `classifies $case` for every failure table row: the server answers the row's reply, and the call
 * `act` makes must fail with the row's error class and Retry-After.
 */
export function itClassifiesFailures(
  server: () => FakeProviderServer,
  cases: FailureCase[],
  act: () => Promise<unknown>,
): void {
  itClassifiesFailuresOf('classifies $case', server, cases, [act]);
}

/**
 * Declares `classifies $case on submit and on poll` for every failure table row of an asynchronous provider:
 * the server answers the row's reply to both, and both must fail with the row's error class and Retry-After.
 */
export function itClassifiesFailuresOnSubmitAndPoll(
  server: () => FakeProviderServer,
  cases: FailureCase[],
  submit: () => Promise<unknown>,
  poll: () => Promise<unknown>,
): void {
  itClassifiesFailuresOf('classifies $case on submit and on poll', server, cases, [submit, poll]);
}

function itClassifiesFailuresOf(
  title: string,
  server: () => FakeProviderServer,
  cases: FailureCase[],
  acts: (() => Promise<unknown>)[],
): void {
  it.each<FailureCase>(cases)(title, async ({ reply, error: expected, retryAfter }) => {
    // Prepare
    server().reply(...acts.map(() => reply));

    // Act
    const errors: Error[] = [];
    for (const act of acts) errors.push(await failureOf(act()));

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(expected);
      expect(retryAfterOf(error)).toBe(retryAfter);
    }
  });
}

/**
 * Declares `throws a TransientProviderError when <provider> does not answer in time`: the server hangs and
 * the call `act` makes with a short signal must fail as transient.
 */
export function itTimesOut(
  server: () => FakeProviderServer,
  provider: string,
  act: (call: ProviderCall) => Promise<unknown>,
): void {
  it(`throws a TransientProviderError when ${provider} does not answer in time`, async () => {
    // Prepare
    server().reply('hang');

    // Act
    const error = await failureOf(act({ signal: shortTimeout() }));

    // Assess
    expect(error).toBeInstanceOf(TransientProviderError);
  });
}

/**
 * Declares `refuses <what> without calling <provider>`: with no reply queued, the call `act` makes must fail
 * as permanent before any request reaches the server.
 */
export function itRefusesWithoutCalling(
  server: () => FakeProviderServer,
  what: string,
  provider: string,
  act: () => Promise<unknown>,
): void {
  it(`refuses ${what} without calling ${provider}`, async () => {
    // Prepare
    server().reply();

    // Act
    const error = await failureOf(act());

    // Assess
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(server().requests).toHaveLength(0);
  });
}

/** What a provider's double answers, and what the adapter must make of it. */
export interface Exchange<T> {
  reply: Reply;
  answer: T;
}

/** A documented failure: the reply, and for an asynchronous provider whether it comes on submit, poll or both. */
export interface Refusal {
  reply: Reply;
  on?: 'submit' | 'poll';
  /** The refusal the adapter must report; by default the kind of refusal it stands for. */
  refusal?: ProviderRefusal;
}

/** What every adapter must do with a documented answer it does not share with the others. */
export type Expectation<T> =
  | { answer: T }
  | { error: ProviderErrorClass; refusal?: ProviderRefusal; retryAfter?: number; message?: string };

export interface DocumentedCase<T> {
  case: string;
  reply: Reply;
  expect: Expectation<T>;
  /** The type asked about (providers; the first type by default), and for asynchronous ones where it comes. */
  type?: EnrichmentType;
  on?: 'submit' | 'poll';
}

/** The answers of a provider's API as its docs show them, field for field, for the contract suite. */
interface DoubleBase<T> {
  /** The API key as the adapter sent it (header or query parameter): the suite checks it arrives. */
  key(request: RecordedRequest): string | undefined;
  refusals: { badKey: Refusal; noCredits: Refusal };
  rateLimited: {
    /** A rate-limit answer carrying the provider's wait, built when the test runs (some waits are dates). */
    withWait(): Reply;
    seconds: number;
    withoutWait: Reply;
  };
  serverError: Reply;
  /** Further documented answers worth a test of their own. */
  cases?: DocumentedCase<T>[];
}

export interface ProviderDouble extends DoubleBase<ProviderAnswer> {
  /** Per type the provider answers: a documented find and a documented miss. */
  answers: Partial<
    Record<
      EnrichmentType,
      { found: Exchange<ProviderAnswer>; notFound: Exchange<ProviderAnswer>; submitted?: Reply }
    >
  >;
  /** Asynchronous providers: the search id, the answer to a submitted search and to a read while it runs. */
  async?: { token: string; submitted: Reply; running: Reply };
}

export type Verification = { verdict: EmailVerdict; detail?: string };

export interface VerifierDouble extends DoubleBase<Verification> {
  /** Documented verdicts, at least one of them `valid`. */
  verdicts: Exchange<Verification>[];
}

/** A provider catalog name's doubles (`doubles/<name>.ts`): the finder's, the verifier's, or both. */
export interface Doubles {
  provider?: ProviderDouble;
  verifier?: VerifierDouble;
}
