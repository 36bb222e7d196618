/** Step Functions task: one provider step of one type (see statemachines/waterfall.asl.json). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ProviderStep } from '../domain/enrichment/provider-step';
import type { SteppedCursor, TypeCursor } from '../domain/enrichment/waterfall-state';
import { logger } from './observability';

export function createProviderStepHandler(providerStep: Pick<ProviderStep, 'execute'>) {
  return middy<TypeCursor, SteppedCursor>()
    .use(injectLambdaContext(logger))
    .handler(async (cursor) => providerStep.execute(cursor));
}
