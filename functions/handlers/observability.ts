/**
 * The Powertools logger and metrics every handler of one function shares. The CDK function construct sets the
 * service name, namespace and level in the environment from the constants here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { WaterfallStep } from '../domain/contact';
import type { ProgressRepository } from '../domain/ports';

/** The Powertools service every function reports as: one product, one service. */
export const SERVICE_NAME = 'contact-enrichment';
/** The CloudWatch namespace of the functions' metrics (e.g. `ProviderOutcome`). */
export const METRICS_NAMESPACE = 'ContactEnrichment';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME });

/** Metric names the monitoring construct alarms on; each is emitted in one place. */
export const AUTHORIZER_FAILURES_METRIC = 'AuthorizerFailures';
export const PENDING_ENRICHMENTS_METRIC = 'PendingEnrichments';
export const OLDEST_PENDING_METRIC = 'OldestPendingSeconds';
export const CIRCUIT_OPENED_METRIC = 'ProviderCircuitOpened';

let shared: Metrics | undefined;

/** The function's metrics, created on first use, so whoever composes the handlers can configure them first. */
export function metrics(): Metrics {
  shared ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE });
  return shared;
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
        const metric = metrics().singleMetric();
        metric.addDimensions({ provider: step.provider, outcome: step.outcome });
        metric.addMetric('ProviderOutcome', MetricUnit.Count, 1);
        logger.info('provider step', { enrichment_id: enrichmentId, ...step, detail: undefined });
        onStep?.(enrichmentId, step);
      }
      return written;
    },
  };
}

/** A provider's circuit breaker opened: counted per provider (an alarm each) and logged with the reason. */
export function observeCircuitOpening(provider: string, reason: string): void {
  const metric = metrics().singleMetric();
  metric.addDimensions({ provider });
  metric.addMetric(CIRCUIT_OPENED_METRIC, MetricUnit.Count, 1);
  logger.warn('provider circuit opened', { provider, reason });
}
