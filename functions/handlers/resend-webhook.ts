/** POST /contacts/{id}/webhook/resend: a new delivery round of a finished enrichment's webhook. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ResendWebhook } from '../domain/webhooks/resend-webhook';
import { accountIdOf, httpErrors, json } from './http';
import { logger } from './observability';

export function createResendWebhookHandler(resend: Pick<ResendWebhook, 'execute'>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const resent = await resend.execute(accountIdOf(event), event.pathParameters?.id ?? '');
      logger.info('webhook resend queued', { enrichment_id: resent.enrichment_id });
      return json(202, resent);
    });
}
