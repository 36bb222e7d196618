/** Step Functions task: one provider call of the waterfall (see statemachines/waterfall.asl.json). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { keysFromSecret } from '../adapters/aws/secret-provider-keys';
import { loadConfig } from '../config';
import { systemClock } from '../domain/clock';
import { ProviderStep } from '../domain/provider-step';
import type { SteppedState, WaterfallState } from '../domain/waterfall-state';
import { createProviderDirectory } from '../providers/directory';
import { logger } from './observability';

const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ContactEnrichment' });

export function createProviderStepHandler(providerStep: ProviderStep) {
  return middy<WaterfallState, SteppedState>()
    .use(injectLambdaContext(logger))
    .handler(async (state) => {
      const traced = state.waterfall?.length ?? 0;
      const next = await providerStep.execute(state);
      for (const step of next.waterfall.slice(traced)) {
        const metric = metrics.singleMetric();
        metric.addDimensions({ provider: step.provider, outcome: step.outcome });
        metric.addMetric('ProviderOutcome', MetricUnit.Count, 1);
        logger.info('provider step', {
          enrichment_id: state.enrichment_id,
          type: step.type,
          provider: step.provider,
          outcome: step.outcome,
          duration_ms: step.duration_ms,
        });
      }
      return next;
    });
}

const config = loadConfig();

export const handler = createProviderStepHandler(
  new ProviderStep({
    providers: createProviderDirectory({
      settings: config.waterfall,
      keys: keysFromSecret(config.providerSecretId),
    }),
    clock: systemClock,
    callTimeoutMs: 20_000,
    maxRetryAfterSeconds: 300,
    maxWaitsPerProvider: 20,
  }),
);
