/**
 * The whole product on one machine: DynamoDB Local, the API on 127.0.0.1, the waterfall state machine run
 * from its ASL file, webhook delivery through the in-process queue, sandbox providers (and any real provider
 * whose key is in the environment). `npm start` runs it; the end-to-end tests and the benchmarks start it too.
 */
import { createServer } from 'node:net';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { createTable } from '../functions/adapters/dynamodb/table';
import { loadConfig } from '../functions/config';
import type { WaterfallSettings } from '../functions/domain/enrichment/waterfall-settings';
import type { FinishCommand } from '../functions/domain/enrichment/waterfall-state';
import type { Provider } from '../functions/providers/provider';
import { maxAttempts, retryScheduleFrom } from '../functions/domain/webhooks/retry-schedule';
import type { Resolver } from '../functions/adapters/webhooks/target-guard';
import { redriveWebhooks } from '../functions/domain/webhooks/redrive-webhooks';
import { ApiError } from '../functions/domain/errors';
import { LocalApi } from './api-gateway';
import {
  composeLocalProduct,
  composeWebhookDelivery,
  type LocalProduct,
  type LocalRuntimeOptions,
} from './compose';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { LocalQueue } from './local-queue';
import { resumeUndeliveredWebhooks } from './resume';
import { isBatchWebhook } from '../functions/domain/webhooks/webhook-message';

export const LOCAL_TABLE_NAME = 'contact-enrichment-local';

/** How often the local stack runs the sweeper of pending enrichments (every five minutes in AWS). */
const SWEEP_INTERVAL_MS = 60_000;

export interface LocalStackOptions {
  port: number;
  /** Keep DynamoDB data in this folder across restarts; in memory when absent. */
  dataDir?: string;
  /** Use a DynamoDB Local that is already running instead of starting one. */
  dynamoEndpoint?: string;
  tableName?: string;
  waterfall?: WaterfallSettings;
  /** Providers by name beside the sandbox ones, for waterfall orders that name them (benchmarks). */
  extraProviders?: Record<string, Provider>;
  /** Seconds before each webhook retry (`WEBHOOK_RETRY_SCHEDULE`). */
  webhookRetrySchedule?: number[];
  webhookTimeoutMs?: number;
  /** Shortens Wait states and Retry pauses of the state machine to this many ms (tests, benchmarks). */
  fastWaitsMs?: number;
  /** Overrides `MAX_ENRICHMENT_SECONDS`. */
  maxEnrichmentSeconds?: number;
  /** Overrides of the provider traffic and results cache settings (`RESULT_CACHE_DAYS`, …). */
  traffic?: LocalRuntimeOptions['traffic'];
  authorizerCacheSeconds?: number;
  resolve?: Resolver;
  /** Readable progress lines (accepted, each provider step, finished, webhook attempts). */
  log?: (line: string) => void;
}

export interface LocalStack {
  apiUrl: string;
  dynamoEndpoint: string;
  tableName: string;
  product: LocalProduct;
  queue: LocalQueue;
  tableCreated: boolean;
  /** Resolves when no workflow runs and no webhook waits for delivery. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(port: number) {
    super(
      `Port ${port} is already in use: stop what listens there or start with PORT=<another port> npm start.`,
    );
  }
}

async function ensureTable(db: ReturnType<typeof createDocumentClient>, tableName: string): Promise<boolean> {
  try {
    await db.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await createTable(db, tableName);
    return true;
  }
}

const short = (id: string) => id.slice(-8);

/** Fails fast, before anything starts, when the API port is taken. */
async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  if (options.port !== 0) await assertPortFree(options.port);
  const config = loadConfig(process.env, { local: true });
  const dynamo: DynamoDbLocal | undefined = options.dynamoEndpoint
    ? undefined
    : await startDynamoDbLocal({ dataDir: options.dataDir });
  const dynamoEndpoint = options.dynamoEndpoint ?? dynamo!.endpoint;
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const db = createDocumentClient({ endpoint: dynamoEndpoint });
  const cleanup: Array<() => Promise<void>> = [async () => db.destroy(), async () => dynamo?.stop()];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };

  try {
    const tableCreated = await ensureTable(db, tableName);
    const schedule = retryScheduleFrom(options.webhookRetrySchedule ?? config.webhookRetrySchedule);
    const queue = new LocalQueue({
      maxReceiveCount: maxAttempts(schedule),
      visibilityTimeoutSeconds: 60,
      name: 'webhooks',
    });
    const product = composeLocalProduct({
      db,
      tableName,
      webhookQueue: queue,
      waterfall: options.waterfall,
      extraProviders: options.extraProviders,
      fastWaitsMs: options.fastWaitsMs,
      maxEnrichmentSeconds: options.maxEnrichmentSeconds,
      traffic: options.traffic,
      onStep: (enrichmentId, step) =>
        log(`${short(enrichmentId)} ${step.type}: ${step.provider} ${step.outcome} (${step.duration_ms} ms)`),
      onTaskResult: (task, input, output) => {
        if (task !== 'RecordResult') return;
        const result = output as { status: string; credits_used: number };
        log(
          `${short((input as FinishCommand).enrichment_id)} ${result.status}, ${result.credits_used} credit(s) charged`,
        );
      },
    });
    const delivery = composeWebhookDelivery({
      db,
      tableName,
      queue,
      webhookRetrySchedule: options.webhookRetrySchedule,
      timeoutMs: options.webhookTimeoutMs,
      resolve: options.resolve,
      onOutcome: (message, outcome) => {
        const detail =
          'failure' in outcome
            ? `: ${outcome.failure}`
            : 'responseStatus' in outcome
              ? ` (${outcome.responseStatus})`
              : '';
        const attempt = 'attempt' in outcome ? `attempt ${outcome.attempt} ` : '';
        const about = isBatchWebhook(message)
          ? `batch ${short(message.batch_id)}`
          : short(message.enrichment_id);
        log(`${about} webhook ${attempt}${outcome.kind}${detail}`);
      },
    });
    queue.start(delivery);
    cleanup.push(() => queue.stop());
    cleanup.push(() => product.workflow.stop());
    if (!tableCreated) {
      // Executions and queued deliveries of the last run ended with its process: the sweeper starts (or, past
      // the bound, finishes) what was pending, and undelivered webhooks are queued again.
      const swept = await product.sweeper.execute({ olderThanSeconds: 0 });
      const webhooks = await resumeUndeliveredWebhooks(db, tableName, queue);
      if (swept.started || swept.finished || webhooks) {
        log(
          `resumed ${swept.started} pending enrichment(s), finished ${swept.finished}, and queued ${webhooks} webhook(s) left by the last run`,
        );
      }
    }
    const sweeping = setInterval(
      () => void product.sweeper.execute().catch(() => undefined),
      SWEEP_INTERVAL_MS,
    );
    sweeping.unref();
    cleanup.push(async () => clearInterval(sweeping));

    const api = new LocalApi({
      authorizer: product.handlers.authorizer,
      handlers: product.handlers,
      authorizerCacheSeconds: options.authorizerCacheSeconds ?? 60,
      operatorRoutes: {
        'POST /_local/webhooks/redrive': () => redriveWebhooks(queue),
        'POST /_local/webhooks/resend': (url) =>
          product.webhookResend
            .execute(url.searchParams.get('account_id') ?? '', url.searchParams.get('enrichment_id') ?? '')
            .catch((error: unknown) => {
              if (error instanceof ApiError) return { error: error.message };
              throw error;
            }),
        'POST /_local/enrichments/recover': (url) =>
          product.sweeper.execute({ olderThanSeconds: Number(url.searchParams.get('older_than') ?? 300) }),
      },
      onRequest: ({ method, path, status, ms }) => log(`${method} ${path} ${status} ${ms} ms`),
    });
    let server;
    try {
      server = await api.listen(options.port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(options.port);
      throw error;
    }
    cleanup.push(() => api.close());
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;

    return {
      apiUrl: `http://127.0.0.1:${port}`,
      dynamoEndpoint,
      tableName,
      product,
      queue,
      tableCreated,
      async idle() {
        await product.workflow.idle();
        await queue.whenIdle();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
