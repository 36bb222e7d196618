/**
 * The product on one machine, built by the same composition root as the Lambda functions
 * (`functions/composition.ts`), with local adapters where AWS has a managed service: the state machine runner
 * and the webhook queue. DynamoDB Local sits behind the real DynamoDB adapters. Used by `npm start` and tests.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountAdminStore } from '../functions/adapters/dynamodb/account-admin-store';
import {
  acceptBatchHandler,
  acceptHandler,
  authorizerHandler,
  creditsHandler,
  deliverWebhookHandler,
  getBatchHandler,
  getContactHandler,
  eraseContactHandler,
  apiReferenceHandler,
  ledgerHandler,
  resendWebhook,
  resendWebhookHandler,
  providerStepHandler,
  providerTraffic,
  recordResultHandler,
  recoverEnrichmentHandler,
  sweepPending,
  type ProviderStepOptions,
  type Runtime,
  type WebhookSending,
} from '../functions/composition';
import { loadConfig, type Config } from '../functions/config';
import { systemClock, type Clock } from '../functions/domain/clock';
import type { DeliverWebhook, DeliveryOutcome } from '../functions/domain/deliver-webhook';
import type { DeliveryQueue, QueuedWebhook, WebhookQueue, WorkflowStarter } from '../functions/domain/ports';
import type { WaterfallSettings } from '../functions/domain/waterfall-settings';
import {
  baseUrlsFromEnvironment,
  keysFromEnvironment,
  type ProviderKeys,
} from '../functions/providers/directory';
import type { EmailVerifier, Provider } from '../functions/providers/provider';
import { LocalWorkflow, type LocalWorkflowOptions, type TaskHandler } from './local-workflow';

export interface LocalRuntimeOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Overrides `WATERFALL_CONFIG`. */
  waterfall?: WaterfallSettings;
  /** Loopback and private webhook targets (and plain http): allowed unless said otherwise. */
  allowPrivateWebhookTargets?: boolean;
  /** Overrides `WEBHOOK_RETRY_SCHEDULE`. */
  webhookRetrySchedule?: number[];
  /** Overrides `MAX_ENRICHMENT_SECONDS`. */
  maxEnrichmentSeconds?: number;
  /** Overrides of the provider traffic and results cache settings (`RATE_LIMITS`, `RESULT_CACHE_DAYS`, …). */
  traffic?: Partial<Pick<Config, 'rateLimits' | 'providerCooldownSeconds' | 'resultCache'>>;
  clock?: Clock;
}

/** The configuration of the local product: the environment's, with the local table and overrides. */
export function localRuntime(options: LocalRuntimeOptions): Runtime {
  const environment = loadConfig();
  const config: Config = {
    ...environment,
    tableName: options.tableName,
    waterfall: options.waterfall ?? environment.waterfall,
    allowPrivateWebhookTargets: options.allowPrivateWebhookTargets ?? true,
    webhookRetrySchedule: options.webhookRetrySchedule ?? environment.webhookRetrySchedule,
    maxEnrichmentSeconds: options.maxEnrichmentSeconds ?? environment.maxEnrichmentSeconds,
    ...options.traffic,
  };
  return {
    config,
    db: options.db,
    clock: options.clock ?? systemClock,
    loopbackWebhookTargets: config.allowPrivateWebhookTargets,
  };
}

export interface LocalProductOptions extends LocalRuntimeOptions {
  webhookQueue: WebhookQueue;
  providerKeys?: ProviderKeys;
  providerBaseUrls?: Record<string, string>;
  extraProviders?: Record<string, Provider | EmailVerifier>;
  /** Wraps a Task's handler (tests inject failures here). */
  wrapTask?: (task: 'ProviderStep' | 'RecordResult', handler: TaskHandler) => TaskHandler;
  /** Wraps the workflow starter (tests inject failures here). */
  wrapWorkflow?: (workflow: WorkflowStarter) => WorkflowStarter;
  fastWaitsMs?: number;
  providerCallTimeoutMs?: number;
  keepHistory?: boolean;
  onExecutionEvent?: LocalWorkflowOptions['onExecutionEvent'];
  onTaskResult?: LocalWorkflowOptions['onTaskResult'];
  onStep?: ProviderStepOptions['onStep'];
}

export function composeLocalProduct(options: LocalProductOptions) {
  const runtime = localRuntime(options);
  const providerStep = providerStepHandler(runtime, {
    keys: options.providerKeys ?? keysFromEnvironment(),
    baseUrls: options.providerBaseUrls ?? baseUrlsFromEnvironment(),
    extra: options.extraProviders,
    tuning: options.providerCallTimeoutMs ? { callTimeoutMs: options.providerCallTimeoutMs } : {},
    onStep: options.onStep,
  });
  const recordResult = recordResultHandler(runtime, options.webhookQueue);
  const workflow = new LocalWorkflow({
    tasks: {
      ProviderStep: options.wrapTask?.('ProviderStep', providerStep) ?? providerStep,
      RecordResult: options.wrapTask?.('RecordResult', recordResult) ?? recordResult,
    },
    recover: recoverEnrichmentHandler(runtime, options.webhookQueue),
    maxEnrichmentSeconds: runtime.config.maxEnrichmentSeconds,
    fastWaitsMs: options.fastWaitsMs,
    keepHistory: options.keepHistory,
    onExecutionEvent: options.onExecutionEvent,
    onTaskResult: options.onTaskResult,
  });
  const starter = options.wrapWorkflow ? options.wrapWorkflow(workflow) : workflow;

  return {
    runtime,
    /** The operator's account store (accounts, keys, grants, ledger). */
    accounts: new DynamoAccountAdminStore(runtime.db, options.tableName),
    workflow,
    /** Provider traffic: rate limits and breakers (`providers status`, `providers reset`). */
    providers: providerTraffic(runtime),
    /** The webhook resend (`webhooks resend`), over the local queue. */
    webhookResend: resendWebhook(runtime, options.webhookQueue),
    /** The sweeper (`enrichments recover`), over the local runner. */
    sweeper: sweepPending(runtime, workflow, options.webhookQueue),
    handlers: {
      authorizer: authorizerHandler(runtime),
      accept: acceptHandler(runtime, starter),
      getContact: getContactHandler(runtime),
      eraseContact: eraseContactHandler(runtime, options.webhookQueue),
      credits: creditsHandler(runtime),
      acceptBatch: acceptBatchHandler(runtime, starter),
      getBatch: getBatchHandler(runtime),
      ledger: ledgerHandler(runtime),
      resendWebhook: resendWebhookHandler(runtime, options.webhookQueue),
      apiReference: apiReferenceHandler({
        rendererScriptPath: require.resolve('redoc/bundles/redoc.standalone.js'),
      }),
      providerStep,
      recordResult,
    },
  };
}

export type LocalProduct = ReturnType<typeof composeLocalProduct>;

export interface LocalDeliveryOptions extends LocalRuntimeOptions, WebhookSending {
  queue: DeliveryQueue;
  onOutcome?: (message: QueuedWebhook, outcome: DeliveryOutcome) => void;
}

/** The deliver handler the local webhook queue drives, as SQS drives it in Lambda. */
export function composeWebhookDelivery(options: LocalDeliveryOptions) {
  const observe = (deliver: DeliverWebhook): Pick<DeliverWebhook, 'execute'> => ({
    async execute(command) {
      const outcome = await deliver.execute(command);
      options.onOutcome?.(command.message, outcome);
      return outcome;
    },
  });
  return deliverWebhookHandler(
    localRuntime(options),
    options.queue,
    { resolve: options.resolve, timeoutMs: options.timeoutMs },
    observe,
  );
}
