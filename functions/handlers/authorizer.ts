/**
 * The API's Lambda authorizer: `Authorization: Bearer <api_key>` → the key's account. API Gateway caches the
 * answer per header value, so the policy allows every route of the API, not just the one first called.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { authenticate } from '../domain/accounts/authenticate';
import type { ApiKeyReader } from '../domain/ports/accounts';
import { emitMetric, logger } from './observability';

/** `arn:aws:execute-api:region:account:api/stage/METHOD/path` → `arn:aws:execute-api:region:account:api/stage/*` */
export function apiWideResource(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}/*`;
}

export function createAuthorizerHandler(accounts: ApiKeyReader) {
  return middy<APIGatewayTokenAuthorizerEvent, APIGatewayAuthorizerResult>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      let accountId: string | undefined;
      try {
        accountId = await authenticate(accounts, event.authorizationToken);
      } catch (error) {
        // Counted apart from refused keys: a bad API key is the caller's problem, this is ours.
        emitMetric('authorizerFailures', 1, {});
        logger.error('authorizer failed', { error: error as Error });
        throw error;
      }
      // API Gateway answers 401 with the contract's body (a gateway response) for this error message.
      if (!accountId) throw new Error('Unauthorized');
      return {
        principalId: accountId,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: apiWideResource(event.methodArn) },
          ],
        },
        context: { accountId },
      };
    });
}
