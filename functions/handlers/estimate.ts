/** POST /contacts/enrich/estimate: the worst case of a single or bulk body, with nothing written or started. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { EstimateEnrichment } from '../domain/enrichment/estimate-enrichment';
import { isBulkBody } from '../domain/enrichment/estimate-enrichment';
import { MAX_BODY_BYTES, MAX_BULK_BODY_BYTES } from '../domain/limits';
import { accountIdOf, httpErrors, json, readJsonBody } from './http';
import { logger } from './observability';

export function createEstimateHandler(estimate: Pick<EstimateEnrichment, 'execute'>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const accountId = accountIdOf(event);
      // The size limit of the route the body mirrors: the bulk route's for a bulk body, the single route's else.
      const body = readJsonBody(event, MAX_BULK_BODY_BYTES, (parsed) =>
        isBulkBody(parsed) ? MAX_BULK_BODY_BYTES : MAX_BODY_BYTES,
      );
      return json(200, await estimate.execute({ accountId, body }));
    });
}
