/** GET /account/credits: balance, reserved and available credits of the calling account. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DynamoAccountStore } from '../adapters/dynamodb/account-store';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { loadConfig } from '../config';
import { creditsOf } from '../domain/accounts';
import { UnauthorizedError } from '../domain/errors';
import type { AccountRepository } from '../domain/ports';
import { accountIdOf, httpErrors, json } from './http';
import { logger } from './observability';

export function createCreditsHandler(accounts: Pick<AccountRepository, 'getAccount'>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) => {
      const account = await accounts.getAccount(accountIdOf(event));
      if (!account) throw new UnauthorizedError();
      return json(200, creditsOf(account));
    });
}

const config = loadConfig();
const db = createDocumentClient({ endpoint: config.dynamoEndpoint, region: config.region });

export const handler = createCreditsHandler(new DynamoAccountStore(db, config.tableName));
