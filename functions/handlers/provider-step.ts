/** Step Functions task: one provider call of the waterfall (see statemachines/waterfall.asl.json). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { ProviderStep } from '../domain/provider-step';
import type { SteppedState, WaterfallState } from '../domain/waterfall-state';
import { logger, metrics } from './observability';

export function createProviderStepHandler(providerStep: ProviderStep) {
  return middy<WaterfallState, SteppedState>()
    .use(injectLambdaContext(logger))
    .handler(async (state) => {
      const traced = state.waterfall?.length ?? 0;
      const next = await providerStep.execute(state);
      for (const step of next.waterfall.slice(traced)) {
        const metric = metrics().singleMetric();
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
