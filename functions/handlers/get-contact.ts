/** GET /contacts/{id}: the enrichment record of the calling account. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { getContact } from '../domain/enrichment/get-contact';
import { PENDING_RETRY_AFTER_SECONDS, toContactView } from '../domain/enrichment/contact';
import type { ContactReader } from '../domain/ports/contacts';
import { accountIdOf, httpErrors, json } from './http';
import { logger } from './observability';

export function createGetContactHandler(enrichments: ContactReader) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const record = await getContact(enrichments, accountIdOf(event), event.pathParameters?.id ?? '');
      const headers: Record<string, string> =
        record.status === 'pending' ? { 'Retry-After': String(PENDING_RETRY_AFTER_SECONDS) } : {};
      return json(200, toContactView(record), headers);
    });
}
