/** GET /account/ledger: the calling account's credit movements, newest first, a page at a time. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { readLedger, type LedgerReader } from '../domain/credits/ledger';
import { accountIdOf, httpErrors, json } from './http';
import { logger } from './observability';

export function createLedgerHandler(ledger: LedgerReader) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(httpErrors())
    .handler(async (event) =>
      json(200, await readLedger(ledger, accountIdOf(event), event.queryStringParameters)),
    );
}
