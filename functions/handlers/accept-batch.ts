/** POST /contacts/enrich/bulk: validate every contact, reserve for the batch, record and start each contact. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AcceptBatch } from '../domain/batches/accept-batch';
import { MAX_BULK_BODY_BYTES } from '../domain/limits';
import { basePathOf } from './accept';
import { accountIdOf, header, httpErrors, json, readJsonBody } from './http';
import { logger } from './observability';
import { rateLimitHeaders } from './rate-limit-headers';

export function createAcceptBatchHandler(acceptBatch: Pick<AcceptBatch, 'execute'>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const accountId = accountIdOf(event);
      const body = readJsonBody(event, MAX_BULK_BODY_BYTES);
      const { response: accepted, rateLimit } = await acceptBatch.execute({
        accountId,
        body,
        idempotencyKey: header(event, 'idempotency-key'),
      });
      logger.info('batch accepted', { batch_id: accepted.batch_id, contacts: accepted.contacts.length });
      return json(202, accepted, {
        Location: `${basePathOf(event)}/batches/${accepted.batch_id}`,
        ...rateLimitHeaders(rateLimit),
      });
    });
}
