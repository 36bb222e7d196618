/**
 * Wires the product's handlers for one machine: the same handler factories the Lambda functions use, with
 * local adapters where AWS has a managed service (the state machine runner, the webhook queue) and DynamoDB
 * Local behind the real DynamoDB adapters. Used by `npm start` and by the tests.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountStore } from '../functions/adapters/dynamodb/account-store';
import { DynamoEnrichmentStore } from '../functions/adapters/dynamodb/enrichment-store';
import { priceOf, providersFor, SANDBOX_WATERFALL, type WaterfallSettings } from '../functions/config';
import { AcceptEnrichment } from '../functions/domain/accept-enrichment';
import { systemClock, type Clock } from '../functions/domain/clock';
import type { WebhookMessage, WebhookQueue, WorkflowStarter } from '../functions/domain/ports';
import { createDeliverWebhookHandler } from '../functions/handlers/deliver-webhook';
import { DeliverWebhook, type DeliveryOutcome } from '../functions/webhooks/deliver-webhook';
import type { RetrySchedule } from '../functions/webhooks/retry-schedule';
import { WebhookSender } from '../functions/webhooks/sender';
import type { Resolver } from '../functions/webhooks/target-guard';
import type { LocalQueue } from './local-queue';
import { ProviderStep } from '../functions/domain/provider-step';
import { RecordResult } from '../functions/domain/record-result';
import { createAcceptHandler } from '../functions/handlers/accept';
import { createAuthorizerHandler } from '../functions/handlers/authorizer';
import { createCreditsHandler } from '../functions/handlers/credits';
import { createGetContactHandler } from '../functions/handlers/get-contact';
import { createProviderStepHandler } from '../functions/handlers/provider-step';
import { createRecordResultHandler } from '../functions/handlers/record-result';
import {
  createProviderDirectory,
  keysFromEnvironment,
  type ProviderKeys,
} from '../functions/providers/directory';
import type { Provider } from '../functions/providers/provider';
import { LocalWorkflow, type LocalWorkflowOptions } from './local-workflow';

export interface LocalProductOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  webhookQueue: WebhookQueue;
  waterfall?: WaterfallSettings;
  providerKeys?: ProviderKeys;
  providerBaseUrls?: Record<string, string>;
  extraProviders?: Record<string, Provider>;
  allowPrivateWebhookTargets?: boolean;
  retentionDays?: number;
  clock?: Clock;
  /** Wraps the workflow starter (tests inject failures here). */
  wrapWorkflow?: (workflow: WorkflowStarter) => WorkflowStarter;
  fastWaitsMs?: number;
  providerCallTimeoutMs?: number;
  onExecutionEvent?: LocalWorkflowOptions['onExecutionEvent'];
  onTaskResult?: LocalWorkflowOptions['onTaskResult'];
}

export function composeLocalProduct(options: LocalProductOptions) {
  const clock = options.clock ?? systemClock;
  const waterfall = options.waterfall ?? SANDBOX_WATERFALL;
  const accounts = new DynamoAccountStore(options.db, options.tableName);
  const enrichments = new DynamoEnrichmentStore(options.db, options.tableName, options.retentionDays ?? 90);

  const providerStep = createProviderStepHandler(
    new ProviderStep({
      providers: createProviderDirectory({
        settings: waterfall,
        keys: options.providerKeys ?? keysFromEnvironment(),
        baseUrls: options.providerBaseUrls,
        extra: options.extraProviders,
      }),
      clock,
      callTimeoutMs: options.providerCallTimeoutMs ?? 20_000,
      maxRetryAfterSeconds: 300,
      maxWaitsPerProvider: 20,
    }),
  );
  const recordResult = createRecordResultHandler(
    new RecordResult({
      finishes: enrichments,
      webhooks: options.webhookQueue,
      clock,
      priceOf: priceOf(waterfall),
    }),
  );
  const workflow = new LocalWorkflow({
    tasks: { ProviderStep: providerStep, RecordResult: recordResult },
    fastWaitsMs: options.fastWaitsMs,
    onExecutionEvent: options.onExecutionEvent,
    onTaskResult: options.onTaskResult,
  });
  const starter = options.wrapWorkflow ? options.wrapWorkflow(workflow) : workflow;

  return {
    accounts,
    enrichments,
    workflow,
    handlers: {
      authorizer: createAuthorizerHandler(accounts),
      accept: createAcceptHandler(
        new AcceptEnrichment({
          accounts,
          enrichments,
          workflow: starter,
          clock,
          targetPolicy: { allowPrivateTargets: options.allowPrivateWebhookTargets ?? true },
          providersFor: providersFor(waterfall),
          priceOf: priceOf(waterfall),
        }),
      ),
      getContact: createGetContactHandler(enrichments),
      credits: createCreditsHandler(accounts),
      providerStep,
      recordResult,
    },
  };
}

export type LocalProduct = ReturnType<typeof composeLocalProduct>;

export interface LocalDeliveryOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  queue: LocalQueue;
  allowPrivateWebhookTargets: boolean;
  schedule: RetrySchedule;
  clock?: Clock;
  timeoutMs?: number;
  resolve?: Resolver;
  retentionDays?: number;
  onOutcome?: (message: WebhookMessage, outcome: DeliveryOutcome) => void;
}

/** The deliver handler the webhook queue drives, as in Lambda. */
export function composeWebhookDelivery(options: LocalDeliveryOptions) {
  const deliverWebhook = new DeliverWebhook({
    webhooks: new DynamoEnrichmentStore(options.db, options.tableName, options.retentionDays ?? 90),
    accounts: new DynamoAccountStore(options.db, options.tableName),
    sender: new WebhookSender({
      policy: { allowPrivateTargets: options.allowPrivateWebhookTargets },
      timeoutMs: options.timeoutMs,
      resolve: options.resolve,
    }),
    clock: options.clock ?? systemClock,
    schedule: options.schedule,
  });
  const observed: Pick<DeliverWebhook, 'execute'> = {
    async execute(command) {
      const outcome = await deliverWebhook.execute(command);
      options.onOutcome?.(command.message, outcome);
      return outcome;
    },
  };
  return createDeliverWebhookHandler({ deliverWebhook: observed, queue: options.queue });
}
