/** API Gateway (REST, proxy integration) events shaped as the deployed API sends them. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  resource: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | null;
  accountId?: string;
  /** The stage segment of the URL the client called (`/v1` on the execute-api URL). */
  stagePrefix?: string;
}

export function apiEvent(request: ApiRequest): APIGatewayProxyEvent {
  return {
    httpMethod: request.method,
    path: request.path,
    resource: request.resource,
    pathParameters: request.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    headers: request.headers ?? {},
    multiValueHeaders: {},
    body: request.body ?? null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: request.accountId ? { accountId: request.accountId, principalId: request.accountId } : null,
      httpMethod: request.method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: `${request.stagePrefix ?? ''}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: 'test-request',
      requestTimeEpoch: Date.now(),
      resourceId: 'test',
      resourcePath: request.resource,
      stage: 'prod',
    },
  };
}

export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
  memoryLimitInMB: '256',
  awsRequestId: 'test-request',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;
