/** Step Functions task: one provider step of one type (see statemachines/waterfall-steps.asl.json). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ProviderStep } from '../domain/enrichment/provider-step';
import type { ProviderStepInput, SteppedCursor } from '../domain/enrichment/waterfall-state';
import { logger } from './observability';

export function createProviderStepHandler(providerStep: Pick<ProviderStep, 'execute'>) {
  return middy<ProviderStepInput, SteppedCursor>()
    .use(injectLambdaContext(logger))
    .handler(async (input) =>
      // The steps workflow wraps the cursor with its run's budget; executions begun on the Release 2 waterfall
      // send the cursor alone.
      'cursor' in input ? providerStep.execute(input.cursor, input.hand_back) : providerStep.execute(input),
    );
}
