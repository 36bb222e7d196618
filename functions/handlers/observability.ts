/**
 * The Powertools logger and metrics every handler of one function shares. The CDK function construct sets the
 * service name, namespace and level in the environment from the constants here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { WaterfallStep } from '../domain/enrichment/contact';
import type { ProgressRepository } from '../domain/ports/progress';
import type { ProviderStatsRecorder } from '../domain/ports/usage';
import { CACHE_PROVIDER, type Counters } from '../domain/usage/counters';
import { statsOf, type ProviderFees } from '../domain/usage/scorecard';
import { ENRICHMENT_TYPES } from '../domain/enrichment/enrichment-request';

/** The Powertools service every function reports as: one product, one service. */
export const SERVICE_NAME = 'contact-enrichment';
/** The CloudWatch namespace of the functions' metrics (e.g. `ProviderOutcome`). */
export const METRICS_NAMESPACE = 'ContactEnrichment';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME });

/**
 * Every metric the functions emit, declared once with its unit and dimensions: the functions emit them with
 * `emitMetric`, the monitoring construct alarms and graphs them from the same declarations. Powertools adds the
 * `service` dimension (`POWERTOOLS_SERVICE_NAME`) to every one of them.
 */
export const PRODUCT_METRICS = {
  /** One traced waterfall step, per provider and outcome. */
  providerOutcome: { name: 'ProviderOutcome', unit: MetricUnit.Count, dimensions: ['provider', 'outcome'] },
  /** A provider's circuit breaker opened. */
  circuitOpened: { name: 'ProviderCircuitOpened', unit: MetricUnit.Count, dimensions: ['provider'] },
  /** The sweeper's view of the backlog: how many are pending, and for how long the oldest has been. */
  pendingEnrichments: { name: 'PendingEnrichments', unit: MetricUnit.Count, dimensions: [] },
  oldestPending: { name: 'OldestPendingSeconds', unit: MetricUnit.Seconds, dimensions: [] },
  /** The authorizer failed to check a key (never a refused key). */
  authorizerFailures: { name: 'AuthorizerFailures', unit: MetricUnit.Count, dimensions: [] },
  /** The deliver function failed on its own (not the receiver): the message is retried by the queue. */
  deliveryErrors: { name: 'WebhookDeliveryErrors', unit: MetricUnit.Count, dimensions: [] },
  /** At a first finish, per provider: its calls that found, and those that answered (found or not found). */
  providerFinds: { name: 'ProviderFinds', unit: MetricUnit.Count, dimensions: ['provider'] },
  providerAnswers: { name: 'ProviderAnswers', unit: MetricUnit.Count, dimensions: ['provider'] },
  /** At a first finish, per provider: the estimated fees of its calls, in USD (catalog prices). */
  providerFees: { name: 'ProviderFeesUsd', unit: MetricUnit.NoUnit, dimensions: ['provider'] },
} as const;

export type ProductMetric = keyof typeof PRODUCT_METRICS;
export type DimensionsOf<M extends ProductMetric> = Record<
  (typeof PRODUCT_METRICS)[M]['dimensions'][number],
  string
>;

/** The dimension every metric carries: Powertools adds the service name. */
export const SERVICE_DIMENSION = 'service';

let shared: Metrics | undefined;

/** The function's metrics, created on first use, so whoever composes the handlers can configure them first. */
export function metrics(): Metrics {
  shared ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE });
  return shared;
}

/** Emits one value of a declared metric, at once (each its own EMF line), with its declared dimensions. */
export function emitMetric<M extends ProductMetric>(
  metric: M,
  value: number,
  dimensions: DimensionsOf<M>,
): void {
  const { name, unit } = PRODUCT_METRICS[metric];
  const single = metrics().singleMetric();
  if (Object.keys(dimensions).length) single.addDimensions(dimensions as Record<string, string>);
  single.addMetric(name, unit, value);
}

/**
 * The provider-step side of the record, observed: each traced step is logged (no personal data: type,
 * provider, outcome, duration) and counted in the `ProviderOutcome` metric per provider and outcome.
 */
export function observeProgress(
  progress: ProgressRepository,
  onStep?: (enrichmentId: string, step: WaterfallStep) => void,
): ProgressRepository {
  return {
    getContact: (accountId, enrichmentId) => progress.getContact(accountId, enrichmentId),
    async recordProgress(accountId, enrichmentId, update) {
      const written = await progress.recordProgress(accountId, enrichmentId, update);
      for (const step of written ? update.steps : []) {
        emitMetric('providerOutcome', 1, { provider: step.provider, outcome: step.outcome });
        logger.info('provider step', { enrichment_id: enrichmentId, ...step, detail: undefined });
        onStep?.(enrichmentId, step);
      }
      return written;
    },
  };
}

/** A provider's circuit breaker opened: counted per provider (an alarm each) and logged with the reason. */
export function observeCircuitOpening(provider: string, reason: string): void {
  emitMetric('circuitOpened', 1, { provider });
  logger.warn('provider circuit opened', { provider, reason });
}

/**
 * The provider stats a finish adds, observed: per provider (the cache left out), its finds, answers and estimated
 * fees as metrics (the dashboard's find rate and fee per find).
 */
export function observeProviderStats(
  stats: ProviderStatsRecorder,
  fees: ProviderFees,
): ProviderStatsRecorder {
  return {
    async add(provider: string, day: string, part: string, counters: Counters) {
      if (provider !== CACHE_PROVIDER) {
        let found = 0;
        let answers = 0;
        let usd = 0;
        for (const type of ENRICHMENT_TYPES) {
          const typeStats = statsOf([counters], type, fees[provider]?.[type]);
          found += typeStats.found;
          answers += typeStats.found + typeStats.not_found;
          usd += typeStats.estimated_fees_usd ?? 0;
        }
        emitMetric('providerFinds', found, { provider });
        emitMetric('providerAnswers', answers, { provider });
        emitMetric('providerFees', usd, { provider });
      }
      await stats.add(provider, day, part, counters);
    },
  };
}

/** The stats of a finish could not be added: they are lost (README "Usage and the provider scorecard"). */
export function reportStatsLost(error: unknown): void {
  logger.warn('provider stats of a finish lost', { error: (error as Error).name });
}

/**
 * A bad result reported by feedback could not leave the results cache (the feedback itself is written): it may be
 * reused until its item's TTL. The error's name only: the item's key derives from personal data.
 */
export function reportUncacheFailed(error: unknown): void {
  logger.warn('bad result left in the results cache', { error: (error as Error).name });
}
