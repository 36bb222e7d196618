/**
 * The one composition root: every handler the product runs, built from the configuration and the
 * infrastructure it runs on. The manifest entries (`functions/manifest/`) call it, with AWS adapters in Lambda; the local
 * stack (`local/`) calls it with DynamoDB Local and its own workflow runner and queue. Each builder is a
 * separate function, so a Lambda bundle carries only what its own handler uses.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAcceptStore } from './adapters/dynamodb/accept-store';
import { DynamoAccountStore } from './adapters/dynamodb/account-store';
import { DynamoContacts } from './adapters/dynamodb/contact-records';
import { DynamoFinishStore } from './adapters/dynamodb/finish-store';
import { DynamoWebhookStore } from './adapters/dynamodb/webhook-store';
import { WebhookSender } from './adapters/webhooks/sender';
import type { Resolver } from './adapters/webhooks/target-guard';
import { required, type Config } from './config';
import { AcceptEnrichment } from './domain/enrichment/accept-enrichment';
import { DynamoBatchAcceptStore } from './adapters/dynamodb/batches/accept-store';
import { DynamoBatchProgressStore } from './adapters/dynamodb/batches/progress-store';
import { DynamoBatchReader } from './adapters/dynamodb/batches/reader';
import { DynamoBatchWebhookStore } from './adapters/dynamodb/batches/webhook-store';
import { AcceptBatch } from './domain/batches/accept-batch';
import { FinishBatch } from './domain/batches/finish-batch';
import { SweepBatches } from './domain/batches/sweep-batches';
import { createAcceptBatchHandler } from './handlers/accept-batch';
import { createGetBatchHandler } from './handlers/get-batch';
import type { Clock } from './domain/clock';
import type { TargetPolicy } from './domain/webhooks/network-address';
import { PriceList } from './domain/credits/credits';
import { DeliverWebhook } from './domain/webhooks/deliver-webhook';
import type { DeliveryQueue, WebhookQueue } from './domain/ports/webhooks';
import type { WorkflowInspector, WorkflowStarter } from './domain/ports/workflow';
import { SweepPending } from './domain/enrichment/sweep-pending';
import type { WaterfallStep } from './domain/enrichment/contact';
import { ProviderStep } from './domain/enrichment/provider-step';
import { FinishEnrichment } from './domain/enrichment/finish-enrichment';
import { retryScheduleFrom } from './domain/webhooks/retry-schedule';
import { createAcceptHandler } from './handlers/accept';
import { createAuthorizerHandler } from './handlers/authorizer';
import { createCreditsHandler } from './handlers/credits';
import { createDeliverWebhookHandler } from './handlers/deliver-webhook';
import { createGetContactHandler } from './handlers/get-contact';
import { createEstimateHandler } from './handlers/estimate';
import { EstimateEnrichment } from './domain/enrichment/estimate-enrichment';
import {
  logger,
  observeCircuitOpening,
  observeProgress,
  observeProviderStats,
  reportStatsLost,
  reportUncacheFailed,
} from './handlers/observability';
import { DynamoProviderStats, DynamoUsage } from './adapters/dynamodb/usage-store';
import { ReadAccountUsage } from './domain/usage/account-usage';
import { createUsageHandler } from './handlers/usage';
import { createRecoverEnrichmentHandler } from './handlers/recover-enrichment';
import { createSweepPendingHandler } from './handlers/sweep-pending';
import { DynamoPendingBatches, DynamoPendingEnrichments } from './adapters/dynamodb/pending-store';
import { DynamoProgressStore } from './adapters/dynamodb/progress-store';
import { DynamoProviderTraffic } from './adapters/dynamodb/provider-traffic-store';
import { DynamoResultCache } from './adapters/dynamodb/result-cache-store';
import { DynamoSuppressionList } from './adapters/dynamodb/suppression-store';
import { DynamoErasureStore } from './adapters/dynamodb/erasure-store';
import { EraseContact } from './domain/privacy/erase-contact';
import { createEraseContactHandler } from './handlers/erase-contact';
import { createProviderStepHandler } from './handlers/provider-step';
import { createRecordResultHandler } from './handlers/record-result';
import {
  createProviderDirectory,
  documentedRateLimits,
  providerFees,
  type DirectoryOptions,
} from './providers/directory';
import { DynamoLedger } from './adapters/dynamodb/ledger';
import { ResendWebhook } from './domain/webhooks/resend-webhook';
import { createLedgerHandler } from './handlers/ledger';
import { createResendWebhookHandler } from './handlers/resend-webhook';
import { DynamoFeedbackStore } from './adapters/dynamodb/feedback-store';
import { RecordFeedback } from './domain/feedback/record-feedback';
import { createFeedbackHandler } from './handlers/feedback';
import { createApiReferenceHandler, type ApiReferenceAssets } from './handlers/api-reference';

/** What every handler is built on: its settings, the table, and the clock. */
export interface Runtime {
  config: Config;
  db: DynamoDBDocumentClient;
  clock: Clock;
  /** Webhooks may go to loopback: the local stack only (inside Lambda the runtime API listens there). */
  loopbackWebhookTargets?: boolean;
}

function targetPolicyOf(runtime: Runtime): TargetPolicy {
  return {
    allowPrivateTargets: runtime.config.allowPrivateWebhookTargets,
    allowLoopbackTargets: runtime.loopbackWebhookTargets === true,
  };
}

export interface ProviderStepTuning {
  callTimeoutMs: number;
  maxRetryAfterSeconds: number;
  maxWaitsPerProvider: number;
}

/** Time budgets of a provider step; the provider-step function's timeout leaves room beyond the call. */
export const PROVIDER_STEP_TUNING: ProviderStepTuning = {
  /** One provider call is cut after this long. */
  callTimeoutMs: 20_000,
  /** Longest Retry-After the state machine waits for before leaving retries to its own backoff. */
  maxRetryAfterSeconds: 300,
  /** Waits granted to one provider (polls of an asynchronous search, Retry-After) before giving up on it. */
  maxWaitsPerProvider: 20,
};

const table = (runtime: Runtime) => required(runtime.config, 'tableName');

export function authorizerHandler(runtime: Runtime) {
  return createAuthorizerHandler(new DynamoAccountStore(runtime.db, table(runtime)));
}

export function acceptHandler(runtime: Runtime, workflow: WorkflowStarter) {
  const { config, db, clock } = runtime;
  return createAcceptHandler(
    new AcceptEnrichment({
      accounts: new DynamoAccountStore(db, table(runtime)),
      enrichments: new DynamoAcceptStore(db, table(runtime), config.retentionDays),
      workflow,
      clock,
      targetPolicy: targetPolicyOf(runtime),
      prices: new PriceList(config.waterfall),
      accountRateLimit: config.accountRateLimit,
      logger,
    }),
  );
}

/** POST /contacts/enrich/estimate: reads the account, writes nothing. */
export function estimateHandler(runtime: Runtime) {
  return createEstimateHandler(
    new EstimateEnrichment({
      accounts: new DynamoAccountStore(runtime.db, table(runtime)),
      prices: new PriceList(runtime.config.waterfall),
      targetPolicy: targetPolicyOf(runtime),
      cache: runtime.config.resultCache,
    }),
  );
}

export function getContactHandler(runtime: Runtime) {
  return createGetContactHandler(new DynamoContacts(runtime.db, table(runtime)));
}

/** DELETE /contacts/{id}; the queue takes the webhook of a batch its cancelled contact finishes. */
export function eraseContactHandler(runtime: Runtime, webhooks: WebhookQueue) {
  return createEraseContactHandler(
    new EraseContact({
      contacts: new DynamoErasureStore(runtime.db, table(runtime)),
      cache: new DynamoResultCache(runtime.db, table(runtime)),
      clock: runtime.clock,
      batches: finishBatch(runtime, webhooks),
    }),
  );
}

function acceptBatch(runtime: Runtime, workflow: WorkflowStarter, accountRateLimit: number): AcceptBatch {
  return new AcceptBatch({
    accounts: new DynamoAccountStore(runtime.db, table(runtime)),
    batches: new DynamoBatchAcceptStore(runtime.db, table(runtime), runtime.config.retentionDays),
    workflow,
    clock: runtime.clock,
    targetPolicy: targetPolicyOf(runtime),
    prices: new PriceList(runtime.config.waterfall),
    accountRateLimit,
    logger,
  });
}

export function acceptBatchHandler(runtime: Runtime, workflow: WorkflowStarter) {
  return createAcceptBatchHandler(acceptBatch(runtime, workflow, runtime.config.accountRateLimit));
}

export function getBatchHandler(runtime: Runtime) {
  return createGetBatchHandler(new DynamoBatchReader(runtime.db, table(runtime)));
}

function finishBatch(runtime: Runtime, webhooks: WebhookQueue): FinishBatch {
  return new FinishBatch({
    batches: new DynamoBatchProgressStore(runtime.db, table(runtime)),
    webhooks,
    clock: runtime.clock,
  });
}

/** The sweeper's part for batches whose accept or last finish stopped half-way. */
function sweepBatches(runtime: Runtime, workflow: WorkflowStarter, webhooks: WebhookQueue): SweepBatches {
  return new SweepBatches({
    pending: new DynamoPendingBatches(runtime.db, table(runtime)),
    batches: new DynamoBatchReader(runtime.db, table(runtime)),
    // It only resumes batches already committed, which took from their account's bucket then: no limit to read.
    accept: acceptBatch(runtime, workflow, 0),
    finish: finishBatch(runtime, webhooks),
    clock: runtime.clock,
    maxEnrichmentSeconds: runtime.config.maxEnrichmentSeconds,
  });
}

export function creditsHandler(runtime: Runtime) {
  return createCreditsHandler(new DynamoAccountStore(runtime.db, table(runtime)));
}

export function ledgerHandler(runtime: Runtime) {
  return createLedgerHandler(new DynamoLedger(runtime.db, table(runtime)));
}

/** GET /account/usage: one Query over the account's usage items of the range. */
export function usageHandler(runtime: Runtime) {
  return createUsageHandler(
    new ReadAccountUsage({ usage: new DynamoUsage(runtime.db, table(runtime)), clock: runtime.clock }),
  );
}

/** The resend use case; also what `npm run admin -- webhooks resend` runs. */
export function resendWebhook(runtime: Runtime, webhooks: WebhookQueue): ResendWebhook {
  return new ResendWebhook({ webhooks: new DynamoWebhookStore(runtime.db, table(runtime)), queue: webhooks });
}

export function resendWebhookHandler(runtime: Runtime, webhooks: WebhookQueue) {
  return createResendWebhookHandler(resendWebhook(runtime, webhooks));
}

/** POST /contacts/{id}/feedback: the refund prices a record finished before charges were kept. */
export function feedbackHandler(runtime: Runtime) {
  return createFeedbackHandler(
    new RecordFeedback({
      feedback: new DynamoFeedbackStore(runtime.db, table(runtime)),
      clock: runtime.clock,
      prices: new PriceList(runtime.config.waterfall),
      refunds: runtime.config.refunds,
      cacheScope: runtime.config.resultCache.scope,
      cache: new DynamoResultCache(runtime.db, table(runtime)),
      onUncacheFailed: reportUncacheFailed,
    }),
  );
}

/** GET /openapi.json, GET /docs and its script: no table, no API key. */
export function apiReferenceHandler(assets: ApiReferenceAssets) {
  return createApiReferenceHandler(assets);
}

export interface ProviderStepOptions extends Omit<DirectoryOptions, 'settings'> {
  tuning?: Partial<ProviderStepTuning>;
  /** Told of each step traced on a record (the local stack prints them). */
  onStep?: (enrichmentId: string, step: WaterfallStep) => void;
}

export function providerStepHandler(runtime: Runtime, options: ProviderStepOptions) {
  const { tuning, onStep, ...providers } = options;
  const progress = new DynamoProgressStore(runtime.db, table(runtime));
  return createProviderStepHandler(
    new ProviderStep({
      providers: createProviderDirectory({ settings: runtime.config.waterfall, ...providers }),
      progress: observeProgress(progress, onStep),
      holds: { store: progress, prices: new PriceList(runtime.config.waterfall) },
      traffic: providerTraffic(runtime),
      suppressions: new DynamoSuppressionList(runtime.db, table(runtime)),
      cache: {
        store: new DynamoResultCache(runtime.db, table(runtime)),
        settings: runtime.config.resultCache,
      },
      clock: runtime.clock,
      ...PROVIDER_STEP_TUNING,
      ...tuning,
    }),
  );
}

/** Deployment-wide rate limits (each provider's documented one, unless the deployment says) and breakers. */
export function providerTraffic(runtime: Runtime): DynamoProviderTraffic {
  return new DynamoProviderTraffic(runtime.db, table(runtime), {
    rateLimits: { ...documentedRateLimits(), ...runtime.config.rateLimits },
    cooldownSeconds: runtime.config.providerCooldownSeconds,
    onOpen: observeCircuitOpening,
    clock: runtime.clock,
  });
}

function finishEnrichment(runtime: Runtime, webhooks: WebhookQueue): FinishEnrichment {
  return new FinishEnrichment({
    finishes: new DynamoFinishStore(runtime.db, table(runtime)),
    webhooks,
    clock: runtime.clock,
    prices: new PriceList(runtime.config.waterfall),
    batches: finishBatch(runtime, webhooks),
    stats: observeProviderStats(new DynamoProviderStats(runtime.db, table(runtime)), providerFees()),
    onStatsLost: reportStatsLost,
  });
}

export function recordResultHandler(runtime: Runtime, webhooks: WebhookQueue) {
  return createRecordResultHandler(finishEnrichment(runtime, webhooks));
}

export function recoverEnrichmentHandler(runtime: Runtime, webhooks: WebhookQueue) {
  return createRecoverEnrichmentHandler(finishEnrichment(runtime, webhooks));
}

/** The sweeper's use case; also what `npm run admin -- enrichments recover` runs. */
export function sweepPending(
  runtime: Runtime,
  workflow: WorkflowStarter & WorkflowInspector,
  webhooks: WebhookQueue,
): SweepPending {
  return new SweepPending({
    pending: new DynamoPendingEnrichments(runtime.db, table(runtime)),
    workflow,
    finish: finishEnrichment(runtime, webhooks),
    clock: runtime.clock,
    maxEnrichmentSeconds: runtime.config.maxEnrichmentSeconds,
    batches: sweepBatches(runtime, workflow, webhooks),
  });
}

export function sweepPendingHandler(
  runtime: Runtime,
  workflow: WorkflowStarter & WorkflowInspector,
  webhooks: WebhookQueue,
) {
  return createSweepPendingHandler(sweepPending(runtime, workflow, webhooks));
}

export interface WebhookSending {
  /** Overrides DNS resolution of webhook targets (tests). */
  resolve?: Resolver;
  timeoutMs?: number;
}

export function deliverWebhookHandler(
  runtime: Runtime,
  queue: DeliveryQueue,
  sending: WebhookSending = {},
  observe?: (deliver: DeliverWebhook) => Pick<DeliverWebhook, 'execute'>,
) {
  const { config, db, clock } = runtime;
  const deliverWebhook = new DeliverWebhook({
    webhooks: new DynamoWebhookStore(db, table(runtime)),
    accounts: new DynamoAccountStore(db, table(runtime)),
    sender: new WebhookSender({
      policy: targetPolicyOf(runtime),
      ...sending,
    }),
    clock,
    schedule: retryScheduleFrom(config.webhookRetrySchedule),
    batches: new DynamoBatchWebhookStore(db, table(runtime)),
  });
  return createDeliverWebhookHandler({
    deliverWebhook: observe ? observe(deliverWebhook) : deliverWebhook,
    queue,
  });
}
