/** GET /account/usage: what the calling account's enrichments finished in a range of days found and cost. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ReadAccountUsage } from '../domain/usage/account-usage';
import { accountIdOf, httpErrors, json } from './http';
import { logger } from './observability';

export function createUsageHandler(usage: Pick<ReadAccountUsage, 'execute'>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) =>
      json(200, await usage.execute(accountIdOf(event), event.queryStringParameters)),
    );
}
