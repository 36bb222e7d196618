/**
 * The local stack as the benchmarks drive it: started with `startLocalStack` on a shared DynamoDB Local, one
 * account that can afford the whole run, requests over HTTP, and three things watched from outside the handlers:
 * - when an enrichment finished: the stack's progress line for RecordResult (`<id> finished, …`), printed once
 *   its handler has written the record as finished;
 * - its webhook, taken by a receiver on 127.0.0.1;
 * - the DynamoDB calls the product makes, by operation and item, counted by a middleware on its client (cost.ts
 *   checks its table of operations against them).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, paginateScan, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { EnrichmentClient, type BulkEnrichmentRequest, type EnrichmentRequest } from '../client';
import { DynamoAccountAdminStore } from '../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../functions/admin/accounts';
import { systemClock } from '../functions/domain/clock';
import type { WaterfallSettings } from '../functions/domain/enrichment/waterfall-settings';
import type { Provider } from '../functions/providers/provider';
import { startLocalStack, type LocalStack } from '../local/stack';
import { sum } from './stats';

export interface BenchStackOptions {
  dynamoEndpoint: string;
  waterfall?: WaterfallSettings;
  extraProviders?: Record<string, Provider>;
  /** Wait states and retry pauses shortened to this many ms; the state machine's own waits when absent. */
  fastWaitsMs?: number;
  /**
   * Environment variables the stack reads when it starts (`RATE_LIMITS`, `HUNTER_BASE_URL`, …): set for the
   * start only, then restored, so the next stack starts from the environment as it was.
   */
  environment?: Record<string, string>;
}

/** An account that can afford the whole run. */
const BENCH_ACCOUNT = {
  name: 'Bench',
  credits: 100_000_000,
  personalEmailConsent: true,
  phoneCountryCodes: null,
};

/** Runs `start` with `variables` in process.env, then puts back what was there. */
async function withEnvironment<T>(variables: Record<string, string>, start: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await start();
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** `performance.now()` of an event by id, whether it happens before or after it is asked for. */
class Moments {
  private readonly events = new Map<string, { at: Promise<number>; mark: () => void }>();

  private event(id: string) {
    let event = this.events.get(id);
    if (!event) {
      let mark = () => undefined as void;
      const at = new Promise<number>((resolve) => (mark = () => resolve(performance.now())));
      event = { at, mark };
      this.events.set(id, event);
    }
    return event;
  }

  mark(id: string): void {
    this.event(id).mark();
  }

  when(id: string, what: string, timeoutMs: number): Promise<number> {
    const late = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${id} not ${what} within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    return Promise.race([this.event(id).at, late]);
  }
}

/** The kind of item a key names, as the README's data model calls it: account, contact, ledger, provider, … */
function itemKind(key: Record<string, unknown> | undefined): string {
  const text = (value: unknown) =>
    typeof value === 'string' ? value : String((value as AttributeValue.SMember | undefined)?.S ?? '');
  const pk = text(key?.PK);
  return ((pk.startsWith('ACCOUNT#') ? text(key?.SK) : pk).split('#').find(Boolean) ?? 'item').toLowerCase();
}

type Body = { Key?: Record<string, unknown>; Item?: Record<string, unknown> };
type DynamoInput = Body & {
  TransactItems?: Array<Record<string, Body>>;
  RequestItems?: Record<string, Array<Record<string, Body>>>;
};

/** `GetItem contact`, `TransactWriteItems Update account`, `BatchWriteItem Put cache`, … */
function callNames(operation: string, input: DynamoInput): string[] {
  const items = input.TransactItems ?? Object.values(input.RequestItems ?? {}).flat();
  if (!items.length) return [`${operation} ${itemKind(input.Key ?? input.Item)}`];
  return items.flatMap((item) =>
    Object.entries(item).map(
      ([action, body]) => `${operation} ${action.replace('Request', '')} ${itemKind(body.Key ?? body.Item)}`,
    ),
  );
}

export class BenchStack {
  /** DynamoDB calls since the last `resetCalls()`, by `callNames`. */
  calls: Record<string, number> = {};
  readonly authorization: string;
  readonly webhookUrl: string;
  /** The typed client, no 429 retries: a refusal is a figure, not something to hide. */
  readonly client: EnrichmentClient;

  private constructor(
    readonly stack: LocalStack,
    readonly accountId: string,
    apiKey: string,
    private readonly receiver: Server,
    private readonly finishes: Moments,
    private readonly webhooks: Moments,
  ) {
    this.authorization = `Bearer ${apiKey}`;
    this.client = new EnrichmentClient({ baseUrl: stack.apiUrl, apiKey, retriesOn429: 0 });
    this.webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    stack.product.runtime.db.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName).replace(/Command$/, '');
        for (const name of callNames(operation, args.input as DynamoInput)) {
          this.calls[name] = (this.calls[name] ?? 0) + 1;
        }
        return next(args);
      },
      { step: 'initialize', name: 'benchCallCounter' },
    );
  }

  static async start(options: BenchStackOptions): Promise<BenchStack> {
    const finishes = new Moments();
    const webhooks = new Moments();
    const { environment: overrides = {}, ...stackOptions } = options;
    // The benchmarks measure other things than the account rate limit, which accept-path.ts measures on an
    // account of its own: none for the bench account, which sends far more than the default allows.
    const environment = { ACCOUNT_RATE_LIMIT: '0', ...overrides };
    const stack = await withEnvironment(environment, () =>
      startLocalStack({
        ...stackOptions,
        port: 0,
        tableName: `bench-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
        log: (line) => {
          const finished = /^(\S+) finished,/.exec(line);
          if (finished) finishes.mark(finished[1]!);
        },
      }),
    );
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(204).end();
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          enrichment_id?: string;
          batch_id?: string;
        };
        webhooks.mark(body.enrichment_id ?? body.batch_id ?? '');
      });
    });
    const db = createDocumentClient({ endpoint: options.dynamoEndpoint });
    try {
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const account = await new AccountAdministration(
        new DynamoAccountAdminStore(db, stack.tableName),
        systemClock,
      ).create(BENCH_ACCOUNT);
      return new BenchStack(stack, account.account_id, account.api_key, receiver, finishes, webhooks);
    } catch (error) {
      receiver.close();
      await stack.stop();
      throw error;
    } finally {
      db.destroy();
    }
  }

  /** Another account like the bench account, with its own rate limit: its Authorization header. */
  async createAccount(settings: { rateLimit: number }): Promise<string> {
    const db = createDocumentClient({ endpoint: this.stack.dynamoEndpoint });
    try {
      const admin = new AccountAdministration(
        new DynamoAccountAdminStore(db, this.stack.tableName),
        systemClock,
      );
      const account = await admin.create(BENCH_ACCOUNT);
      await admin.set(account.account_id, { rate_limit: settings.rateLimit });
      return `Bearer ${account.api_key}`;
    } finally {
      db.destroy();
    }
  }

  resetCalls(): void {
    this.calls = {};
  }

  /** POST /contacts/enrich/async: the enrichment id, when the POST left and when it was accepted. */
  async enrich(body: Record<string, unknown>): Promise<{ id: string; sentAt: number; acceptedAt: number }> {
    const sentAt = performance.now();
    const answer = await this.client.enrich(body as unknown as EnrichmentRequest);
    return { id: answer.enrichment_id, sentAt, acceptedAt: performance.now() };
  }

  /** POST /contacts/enrich/bulk: the batch id, its enrichment ids in request order, and the same times. */
  async enrichBulk(
    body: Record<string, unknown>,
  ): Promise<{ batchId: string; ids: string[]; sentAt: number; acceptedAt: number }> {
    const sentAt = performance.now();
    const answer = await this.client.enrichBulk(body as unknown as BulkEnrichmentRequest);
    const acceptedAt = performance.now();
    return { batchId: answer.batch_id, ids: answer.contacts.map((c) => c.enrichment_id), sentAt, acceptedAt };
  }

  /** GET /contacts/{id}. */
  async contact(id: string): Promise<Record<string, unknown>> {
    return (await this.client.contact(id)) as unknown as Record<string, unknown>;
  }

  /** `performance.now()` when RecordResult finished the enrichment (its progress line names the id's end). */
  finished(id: string, timeoutMs: number): Promise<number> {
    return this.finishes.when(id.slice(-8), 'finished', timeoutMs);
  }

  /** `performance.now()` when the webhook of this enrichment (or batch) arrived. */
  webhook(id: string, timeoutMs: number): Promise<number> {
    return this.webhooks.when(id, 'delivered', timeoutMs);
  }

  /** The largest item of each kind in the table, in bytes as DynamoDB sizes them. */
  async largestItems(): Promise<Record<string, number>> {
    const client = new DynamoDBClient({
      endpoint: this.stack.dynamoEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const largest: Record<string, number> = {};
    try {
      for await (const page of paginateScan({ client }, { TableName: this.stack.tableName })) {
        for (const item of page.Items ?? []) {
          largest[itemKind(item)] = Math.max(largest[itemKind(item)] ?? 0, itemSize(item));
        }
      }
    } finally {
      client.destroy();
    }
    return largest;
  }

  async stop(): Promise<void> {
    this.receiver.closeAllConnections();
    await new Promise((resolve) => this.receiver.close(resolve));
    await this.stack.stop();
  }
}

/** Item size by "DynamoDB item sizes and formats": names and values, numbers at 1 byte per 2 digits + 1. */
function itemSize(item: Record<string, AttributeValue>): number {
  const number = (text: string) =>
    Math.ceil(text.replace(/[-.]/g, '').replace(/^0+|0+$/g, '').length / 2) + 1;
  const size = (value: AttributeValue): number => {
    if (value.S !== undefined) return Buffer.byteLength(value.S);
    if (value.N !== undefined) return number(value.N);
    if (value.B !== undefined) return value.B.length;
    if (value.SS) return sum(value.SS.map((s) => Buffer.byteLength(s)));
    if (value.NS) return sum(value.NS.map(number));
    if (value.L) return 3 + sum(value.L.map((v) => 1 + size(v)));
    if (value.M) return 3 + sum(Object.entries(value.M).map(([k, v]) => 1 + Buffer.byteLength(k) + size(v)));
    return 1;
  };
  return sum(Object.entries(item).map(([name, value]) => Buffer.byteLength(name) + size(value)));
}
