/** GET /batches/{id}: a batch of the calling account, with each of its contacts as GET /contacts/{id} shows it. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PENDING_RETRY_AFTER_SECONDS } from '../domain/enrichment/contact';
import { getBatch } from '../domain/batches/get-batch';
import type { BatchReader } from '../domain/ports/batches';
import { accountIdOf, httpErrors, json } from './http';
import { logger } from './observability';

export function createGetBatchHandler(batches: BatchReader) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const view = await getBatch(batches, accountIdOf(event), event.pathParameters?.id ?? '');
      const headers: Record<string, string> =
        view.status === 'pending' ? { 'Retry-After': String(PENDING_RETRY_AFTER_SECONDS) } : {};
      return json(200, view, headers);
    });
}
