/** DELETE /contacts/{id}: erase an enrichment of the calling account (cancelling it while pending). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { EraseContact } from '../domain/privacy/erase-contact';
import { accountIdOf, httpErrors } from './http';
import { logger } from './observability';

export function createEraseContactHandler(erase: Pick<EraseContact, 'execute'>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const erased = await erase.execute(accountIdOf(event), event.pathParameters?.id ?? '');
      logger.info('enrichment erased', { ...erased });
      return { statusCode: 204, headers: {}, body: '' };
    });
}
