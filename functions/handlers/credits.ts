/** GET /account/credits: balance, reserved and available credits of the calling account. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { creditsOf } from '../domain/credits/credits';
import { UnauthorizedError } from '../domain/errors';
import type { AccountReader } from '../domain/ports/accounts';
import { accountIdOf, httpErrors, json } from './http';
import { logger } from './observability';

export function createCreditsHandler(accounts: AccountReader) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const account = await accounts.getAccount(accountIdOf(event));
      if (!account) throw new UnauthorizedError();
      return json(200, creditsOf(account));
    });
}
