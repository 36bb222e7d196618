/**
 * Watches a running local stack from the inside, through middy's public `use()`: how long each Lambda
 * handler runs per invocation (what Lambda bills as duration), and the moment record-result has written an
 * enrichment as `finished` (what `GET /contacts/{id}` would show from then on).
 *
 * The timing middleware is added last, so it wraps the handler body and not the middlewares added before it
 * (Powertools' context injection): a fraction of a millisecond per invocation.
 */
import type { MiddyfiedHandler, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { LocalStack } from '../local/stack';

/** Lambda function names, as lib/ deploys them (one handler file each). */
export type FunctionName =
  'authorizer' | 'accept' | 'get-contact' | 'credits' | 'provider-step' | 'record-result' | 'deliver-webhook';

type Handler<E, R> = MiddyfiedHandler<E, R, Error, Context, Record<string, unknown>>;

export class ProductProbe {
  /** Duration of every invocation, in ms, by function. */
  readonly durations = new Map<FunctionName, number[]>();
  private readonly running = new Map<FunctionName, number>();
  private readonly finishWaiters = new Map<string, (at: number) => void>();
  private readonly finishedAt = new Map<string, number>();

  constructor(stack: LocalStack) {
    const { handlers } = stack.product;
    this.time('authorizer', handlers.authorizer);
    this.time('accept', handlers.accept);
    this.time('get-contact', handlers.getContact);
    this.time('credits', handlers.credits);
    this.time('provider-step', handlers.providerStep);
    this.time('record-result', handlers.recordResult, (request) => {
      const id = (request.event as { enrichment_id?: string }).enrichment_id;
      if (!id || !request.response) return;
      const at = performance.now();
      this.finishedAt.set(id, at);
      this.finishWaiters.get(id)?.(at);
      this.finishWaiters.delete(id);
    });
  }

  /** Adds the timing middleware to a handler (also used for the webhook consumer the bench composes). */
  time<E, R>(name: FunctionName, handler: Handler<E, R>, after?: (request: Request<E, R>) => void): void {
    const started = new WeakMap<object, number>();
    const record = (request: Request<E, R>) => {
      const start = started.get(request);
      if (start === undefined) return;
      started.delete(request);
      this.running.set(name, (this.running.get(name) ?? 1) - 1);
      const list = this.durations.get(name) ?? [];
      list.push(performance.now() - start);
      this.durations.set(name, list);
    };
    handler.use({
      before: (request: Request<E, R>) => {
        started.set(request, performance.now());
        this.running.set(name, (this.running.get(name) ?? 0) + 1);
      },
      after: (request: Request<E, R>) => {
        record(request);
        after?.(request);
      },
      onError: (request: Request<E, R>) => record(request),
    });
  }

  /** Resolves with the `performance.now()` at which record-result finished the enrichment. */
  finished(enrichmentId: string, timeoutMs: number): Promise<number> {
    const known = this.finishedAt.get(enrichmentId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.finishWaiters.delete(enrichmentId);
        reject(new Error(`enrichment ${enrichmentId} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      this.finishWaiters.set(enrichmentId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  /** Resolves once no invocation of `name` is running (requests a load generator left in flight). */
  async drained(name: FunctionName, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while ((this.running.get(name) ?? 0) > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Forgets durations and finishes (between warm-up and measurement). */
  reset(): void {
    this.durations.clear();
    this.finishedAt.clear();
  }
}
