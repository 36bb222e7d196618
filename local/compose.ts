/**
 * The product on one machine, built by the same composition root as the Lambda functions
 * (`functions/composition.ts`), with local adapters where AWS has a managed service: the state machine runner
 * and the webhook queue. DynamoDB Local sits behind the real DynamoDB adapters. Used by `npm start` and tests.
 */
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OPENAPI_DOCUMENT_FILE } from '../functions/openapi/assets';
import { DynamoAccountAdminStore } from '../functions/adapters/dynamodb/account-admin-store';
import {
  providerTraffic,
  resendWebhook,
  sweepPending,
  type deliverWebhookHandler,
  type ProviderStepOptions,
  type Runtime,
  type WebhookSending,
} from '../functions/composition';
import { loadConfig, type Config } from '../functions/config';
import { systemClock, type Clock } from '../functions/domain/clock';
import type { DeliverWebhook, DeliveryOutcome } from '../functions/domain/webhooks/deliver-webhook';
import type { DeliveryQueue, WebhookQueue } from '../functions/domain/ports/webhooks';
import type { WorkflowStarter } from '../functions/domain/ports/workflow';
import type { WaterfallSettings } from '../functions/domain/enrichment/waterfall-settings';
import { FUNCTION_SPECS, specsTriggeredBy, type FunctionName } from '../functions/manifest';
import type { FunctionSpec, Handler, Platform, WorkflowTask } from '../functions/manifest/define';
import {
  baseUrlsFromEnvironment,
  keysFromEnvironment,
  type ProviderKeys,
} from '../functions/providers/directory';
import type { EmailVerifier, Provider } from '../functions/providers/provider';
import { LocalWorkflow, type LocalWorkflowOptions, type TaskHandler } from './local-workflow';
import type { QueuedWebhook } from '../functions/domain/webhooks/webhook-message';
export interface LocalRuntimeOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Overrides `WATERFALL_CONFIG`. */
  waterfall?: WaterfallSettings;
  /** Private-range webhook targets (10/8, 172.16/12, 192.168/16, …): `ALLOW_PRIVATE_WEBHOOK_TARGETS` unless said. */
  allowPrivateWebhookTargets?: boolean;
  /**
   * Loopback webhook targets: the local stack's receivers listen there, so allowed unless said (tests of the
   * deployed behaviour say false). Other private ranges follow `ALLOW_PRIVATE_WEBHOOK_TARGETS` (default off).
   */
  loopbackWebhookTargets?: boolean;
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
  const environment = loadConfig(process.env, { local: true });
  const config: Config = {
    ...environment,
    tableName: options.tableName,
    waterfall: options.waterfall ?? environment.waterfall,
    allowPrivateWebhookTargets: options.allowPrivateWebhookTargets ?? environment.allowPrivateWebhookTargets,
    webhookRetrySchedule: options.webhookRetrySchedule ?? environment.webhookRetrySchedule,
    maxEnrichmentSeconds: options.maxEnrichmentSeconds ?? environment.maxEnrichmentSeconds,
    ...options.traffic,
  };
  return {
    config,
    db: options.db,
    clock: options.clock ?? systemClock,
    loopbackWebhookTargets: options.loopbackWebhookTargets ?? true,
  };
}

export interface LocalProductOptions extends LocalRuntimeOptions {
  webhookQueue: WebhookQueue;
  providerKeys?: ProviderKeys;
  providerBaseUrls?: Record<string, string>;
  extraProviders?: Record<string, Provider | EmailVerifier>;
  /** Wraps a Task's handler (tests inject failures here). */
  wrapTask?: (task: WorkflowTask, handler: TaskHandler) => TaskHandler;
  /** Wraps the workflow starter (tests inject failures here). */
  wrapWorkflow?: (workflow: WorkflowStarter) => WorkflowStarter;
  fastWaitsMs?: number;
  stepsTimeoutSeconds?: number;
  providerCallTimeoutMs?: number;
  keepHistory?: boolean;
  onExecutionEvent?: LocalWorkflowOptions['onExecutionEvent'];
  onTaskResult?: LocalWorkflowOptions['onTaskResult'];
  onStep?: ProviderStepOptions['onStep'];
}

/** Builds a manifest entry's handler with what it asks for from the local platform. */
function buildLocal(spec: FunctionSpec, runtime: Runtime, platform: Partial<Platform>): Handler {
  const given = Object.fromEntries(
    spec.needs.map((need) => {
      const part = platform[need];
      if (part === undefined) throw new Error(`The local stack gives ${spec.name} no ${need}.`);
      return [need, part];
    }),
  );
  return spec.build(runtime, given as unknown as Platform);
}

export function composeLocalProduct(options: LocalProductOptions) {
  const runtime = localRuntime(options);
  const base: Partial<Platform> = {
    webhooks: options.webhookQueue,
    providers: {
      keys: options.providerKeys ?? keysFromEnvironment(),
      baseUrls: options.providerBaseUrls ?? baseUrlsFromEnvironment(),
      extra: options.extraProviders,
      tuning: options.providerCallTimeoutMs ? { callTimeoutMs: options.providerCallTimeoutMs } : {},
      onStep: options.onStep,
    },
    reference: {
      rendererScriptPath: require.resolve('redoc/bundles/redoc.standalone.js'),
      documentPath: join(__dirname, '..', OPENAPI_DOCUMENT_FILE),
    },
  };

  // The Task states' functions first: the local workflow runs them, as Step Functions invokes them in AWS.
  const tasks = Object.fromEntries(
    specsTriggeredBy('task').map((spec) => {
      const state = spec.trigger.kind === 'task' ? spec.trigger.state : ('' as WorkflowTask);
      const handler = buildLocal(spec, runtime, base) as TaskHandler;
      return [state, options.wrapTask?.(state, handler) ?? handler];
    }),
  ) as Record<WorkflowTask, TaskHandler>;
  const [recover] = specsTriggeredBy('execution-ended').map((spec) => buildLocal(spec, runtime, base));
  const workflow = new LocalWorkflow({
    tasks,
    recover: recover as TaskHandler | undefined,
    maxEnrichmentSeconds: runtime.config.maxEnrichmentSeconds,
    fastWaitsMs: options.fastWaitsMs,
    stepsTimeoutSeconds: options.stepsTimeoutSeconds,
    keepHistory: options.keepHistory,
    onExecutionEvent: options.onExecutionEvent,
    onTaskResult: options.onTaskResult,
  });
  const starter = options.wrapWorkflow ? options.wrapWorkflow(workflow) : workflow;
  const platform: Partial<Platform> = { ...base, workflow: starter, executions: workflow };

  // Every function the API Gateway invokes (the authorizer and each route's), by its manifest name.
  const handlers = Object.fromEntries(
    FUNCTION_SPECS.filter((spec) => spec.trigger.kind === 'http' || spec.trigger.kind === 'authorizer').map(
      (spec) => [spec.name, buildLocal(spec, runtime, platform)],
    ),
  ) as Record<FunctionName, Handler>;

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
    /** The API's handlers by manifest name, and the workflow's by Task state. */
    handlers,
    tasks,
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
  const [consumer] = specsTriggeredBy('queue');
  if (!consumer) throw new Error('The manifest declares no webhook queue consumer.');
  return buildLocal(consumer, localRuntime(options), {
    deliveries: options.queue,
    sending: { resolve: options.resolve, timeoutMs: options.timeoutMs, observe },
  }) as ReturnType<typeof deliverWebhookHandler>;
}
