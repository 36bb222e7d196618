/**
 * The Powertools logger and metrics every handler of one function shares. The CDK function construct sets the
 * service name, namespace and level in the environment from the constants here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** The Powertools service every function reports as: one product, one service. */
export const SERVICE_NAME = 'contact-enrichment';
/** The CloudWatch namespace of the functions' metrics (e.g. `ProviderOutcome`). */
export const METRICS_NAMESPACE = 'ContactEnrichment';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME });

let shared: Metrics | undefined;

/** The function's metrics, created on first use, so whoever composes the handlers can configure them first. */
export function metrics(): Metrics {
  shared ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE });
  return shared;
}
