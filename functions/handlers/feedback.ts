/** POST /contacts/{id}/feedback: what the client saw of the results; answers the record with its feedback. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { toContactView } from '../domain/enrichment/contact';
import type { RecordFeedback } from '../domain/feedback/record-feedback';
import { accountIdOf, httpErrors, json, readJsonBody } from './http';
import { logger } from './observability';

export function createFeedbackHandler(feedback: Pick<RecordFeedback, 'execute'>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const accountId = accountIdOf(event);
      const body = readJsonBody(event);
      const record = await feedback.execute(accountId, event.pathParameters?.id ?? '', body);
      // Ids and counts only: the results reported on are personal data.
      logger.info('feedback recorded', {
        enrichment_id: record.enrichment_id,
        credits_refunded: record.credits_refunded ?? 0,
      });
      return json(200, toContactView(record));
    });
}
