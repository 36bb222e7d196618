/** POST /contacts/enrich/async: validate, reserve, record pending, start the waterfall. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AcceptEnrichment } from '../domain/enrichment/accept-enrichment';
import { accountIdOf, header, httpErrors, json, readJsonBody } from './http';
import { logger } from './observability';
import { rateLimitHeaders } from './rate-limit-headers';

/**
 * The path prefix the client used before the resource path: the stage (`/v1`) on the execute-api URL, nothing
 * behind a custom domain or the local stack. It keeps Location resolvable against the URL the client called.
 */
export function basePathOf(event: APIGatewayProxyEvent): string {
  const full = event.requestContext?.path ?? event.path;
  return full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : '';
}

export function createAcceptHandler(acceptEnrichment: AcceptEnrichment) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const accountId = accountIdOf(event);
      const body = readJsonBody(event);
      const { response: accepted, rateLimit } = await acceptEnrichment.execute({
        accountId,
        body,
        idempotencyKey: header(event, 'idempotency-key'),
      });
      logger.info('enrichment accepted', { enrichment_id: accepted.enrichment_id });
      return json(202, accepted, {
        Location: `${basePathOf(event)}/contacts/${accepted.enrichment_id}`,
        ...rateLimitHeaders(rateLimit),
      });
    });
}
