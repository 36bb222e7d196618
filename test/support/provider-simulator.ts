/**
 * A provider simulator on 127.0.0.1 for traffic tests and the benchmarks: Hunter's email finder
 * (`GET /v2/email-finder`, its documented answer body) with a latency distribution, a rate above which it answers
 * as Hunter documents its rate limit (403 with Retry-After; Hunter's 429 means the monthly quota is used up), and
 * modes for an outage (500) and used-up credits (402). It records when each request
 * arrived, so a test can count calls per second.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SimulatorMode = 'ok' | 'not_found' | 'down' | 'out_of_credits' | 'bad_key';

export interface SimulatorOptions {
  /** Requests per second above which it refuses with Hunter's rate-limit answer (rolling one-second window). */
  maxPerSecond?: number;
  /** Answer latency in ms: a function so a test or benchmark can draw it from a distribution. */
  latencyMs?: () => number;
}

export interface ProviderSimulator {
  readonly baseUrl: string;
  /** Arrival times (ms) of every request. */
  readonly arrivals: number[];
  /** Requests refused for going over the rate. */
  readonly throttled: number;
  mode: SimulatorMode;
  /** The most requests that arrived within any one second. */
  maxInAnySecond(): number;
  reset(): void;
  stop(): Promise<void>;
}

/** A log-normal latency with the given median and 99th percentile, in ms. */
export function logNormalLatency(p50: number, p99: number, random: () => number = Math.random): () => number {
  const mu = Math.log(p50);
  const sigma = (Math.log(p99) - mu) / 2.326;
  return () => {
    const u = Math.max(random(), Number.EPSILON);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return Math.exp(mu + sigma * z);
  };
}

export async function startProviderSimulator(options: SimulatorOptions = {}): Promise<ProviderSimulator> {
  const arrivals: number[] = [];
  let throttled = 0;
  const state = { mode: 'ok' as SimulatorMode };

  const server = createServer((request, response) => {
    const now = Date.now();
    arrivals.push(now);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const delay = options.latencyMs?.() ?? 0;
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      }, delay);
    };
    const recent = arrivals.filter((at) => at > now - 1000).length;
    if (options.maxPerSecond !== undefined && recent > options.maxPerSecond) {
      throttled += 1;
      return answer(
        403,
        { errors: [{ id: 'too_many_requests', code: 403, details: 'Rate limit reached' }] },
        {
          'retry-after': '1',
        },
      );
    }
    if (state.mode === 'down') return answer(500, { errors: [{ id: 'server_error', code: 500 }] });
    if (state.mode === 'out_of_credits') {
      return answer(402, { errors: [{ id: 'payment_required', code: 402, details: 'No more requests' }] });
    }
    if (state.mode === 'bad_key') {
      return answer(401, {
        errors: [{ id: 'authentication_failed', code: 401, details: 'Invalid API key' }],
      });
    }
    const first = url.searchParams.get('first_name')?.toLowerCase() ?? 'x';
    const last = url.searchParams.get('last_name')?.toLowerCase() ?? 'y';
    const domain = url.searchParams.get('domain') ?? 'example.com';
    answer(200, {
      data: {
        first_name: first,
        last_name: last,
        email: state.mode === 'not_found' ? null : `${first}.${last}@${domain}`,
        score: 97,
        domain,
        accept_all: false,
        position: null,
        twitter: null,
        linkedin_url: null,
        phone_number: null,
        company: null,
        sources: [],
        verification: { date: '2026-11-01', status: state.mode === 'not_found' ? null : 'valid' },
      },
      meta: { params: { first_name: first, last_name: last, domain } },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    arrivals,
    get throttled() {
      return throttled;
    },
    get mode() {
      return state.mode;
    },
    set mode(mode: SimulatorMode) {
      state.mode = mode;
    },
    maxInAnySecond() {
      const sorted = [...arrivals].sort((a, b) => a - b);
      let most = 0;
      for (let start = 0, end = 0; end < sorted.length; end++) {
        while (sorted[end]! - sorted[start]! >= 1000) start++;
        most = Math.max(most, end - start + 1);
      }
      return most;
    },
    reset() {
      arrivals.length = 0;
      throttled = 0;
      state.mode = 'ok';
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
