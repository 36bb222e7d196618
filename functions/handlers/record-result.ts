/** Step Functions task: finish the record, settle credits exactly once, hand the webhook to its queue. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { RecordResult } from '../domain/record-result';
import type { WaterfallState } from '../domain/waterfall-state';
import { logger } from './observability';

export function createRecordResultHandler(recordResult: RecordResult) {
  return middy<WaterfallState, Awaited<ReturnType<RecordResult['execute']>>>()
    .use(injectLambdaContext(logger))
    .handler(async (state) => {
      const outcome = await recordResult.execute(state);
      logger.info('enrichment finished', { enrichment_id: state.enrichment_id, ...outcome });
      return outcome;
    });
}
