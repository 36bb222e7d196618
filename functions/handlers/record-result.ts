/** Step Functions task: finish the record, settle credits exactly once, hand the webhook to its queue. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { FinishEnrichment, FinishReport } from '../domain/enrichment/finish-enrichment';
import type { FinishCommand } from '../domain/enrichment/waterfall-state';
import { logger } from './observability';

export function createRecordResultHandler(finish: Pick<FinishEnrichment, 'execute'>) {
  return middy<FinishCommand, FinishReport>()
    .use(injectLambdaContext(logger))
    .handler(async (command) => {
      const outcome = await finish.execute(command);
      logger.info('enrichment finished', { enrichment_id: command.enrichment_id, ...outcome });
      return outcome;
    });
}
