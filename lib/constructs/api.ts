/**
 * The public REST API (README "API"): a TOKEN authorizer turning `Authorization: Bearer <api_key>` into an
 * account, the three routes, throttling, access logs, and gateway responses so that errors API Gateway
 * answers itself have the contract's error body too.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENV } from '../../functions/config';
import type { WaterfallSettings } from '../../functions/domain/waterfall-settings';
import {
  GATEWAY_ERRORS,
  type GatewayError,
  type GatewayErrorName,
} from '../../functions/handlers/gateway-errors';
import { RENDERER_SCRIPT_NAME } from '../../functions/handlers/openapi';
import type { ApiThrottling } from '../settings';
import { ApiFirewall } from './api-firewall';
import { EnrichmentFunction, type EnrichmentTable, type FunctionDefaults } from './enrichment-function';

export const STAGE_NAME = 'v1';
export const ACCEPT_ROUTE = { path: '/contacts/enrich/async', method: 'POST' } as const;
export const BULK_ROUTE = { path: '/contacts/enrich/bulk', method: 'POST' } as const;

export interface ApiProps {
  storage: EnrichmentTable;
  functionDefaults: FunctionDefaults;
  /** The waterfall accept starts; execution name = enrichment id. */
  stateMachine: IStateMachine;
  waterfall: WaterfallSettings;
  allowPrivateWebhookTargets: boolean;
  throttling: ApiThrottling;
  /** How long API Gateway reuses the authorizer's answer for one Authorization header value. */
  authorizerCacheTtl: Duration;
  /** Create the account-level CloudWatch Logs role API Gateway needs for access logs (kept on delete). */
  manageAccountLogRole: boolean;
  /** An AWS WAF web ACL in front of the stage, or none. */
  webAcl?: { rateLimitPerIp: number };
  /** The webhook delivery queue a resend puts its new round on. */
  webhookQueue: IQueue;
}

/** Handlers answer well within this; API Gateway itself gives up at 29 s. */
const API_FUNCTION_TIMEOUT = Duration.seconds(10);

const JSON_CONTENT_TYPE = "'application/json; charset=utf-8'";

/**
 * Answers API Gateway gives without calling a handler, from the one table the local stack answers too.
 * `keepStatus`: API Gateway's own status stays (any 4xx or 5xx); otherwise the table's status replaces it.
 */
const GATEWAY_RESPONSES: ReadonlyArray<{
  id: string;
  type: ResponseType;
  error: GatewayErrorName;
  keepStatus?: boolean;
}> = [
  // The authorizer refused the key, or the Authorization header is missing.
  { id: 'Unauthorized', type: ResponseType.UNAUTHORIZED, error: 'unauthorized' },
  // An explicit Deny from the authorizer; the contract answers every key problem with 401.
  { id: 'AccessDenied', type: ResponseType.ACCESS_DENIED, error: 'unauthorized' },
  { id: 'Throttled', type: ResponseType.THROTTLED, error: 'throttled' },
  { id: 'QuotaExceeded', type: ResponseType.QUOTA_EXCEEDED, error: 'quotaExceeded' },
  { id: 'RequestTooLarge', type: ResponseType.REQUEST_TOO_LARGE, error: 'requestTooLarge' },
  { id: 'UnsupportedMediaType', type: ResponseType.UNSUPPORTED_MEDIA_TYPE, error: 'unsupportedMediaType' },
  // REST APIs answer a path or method they do not have with 403 "Missing Authentication Token".
  { id: 'UnknownRoute', type: ResponseType.MISSING_AUTHENTICATION_TOKEN, error: 'unknownRoute' },
  { id: 'ResourceNotFound', type: ResponseType.RESOURCE_NOT_FOUND, error: 'resourceNotFound' },
  { id: 'Default4xx', type: ResponseType.DEFAULT_4XX, error: 'otherClientError', keepStatus: true },
  { id: 'Default5xx', type: ResponseType.DEFAULT_5XX, error: 'internalError', keepStatus: true },
];

export class Api extends Construct {
  readonly restApi: RestApi;
  readonly authorizerFunction: EnrichmentFunction;
  readonly acceptFunction: EnrichmentFunction;
  readonly getContactFunction: EnrichmentFunction;
  readonly eraseContactFunction: EnrichmentFunction;
  readonly creditsFunction: EnrichmentFunction;
  readonly acceptBatchFunction: EnrichmentFunction;
  readonly getBatchFunction: EnrichmentFunction;
  readonly ledgerFunction: EnrichmentFunction;
  readonly resendWebhookFunction: EnrichmentFunction;
  readonly apiReferenceFunction: EnrichmentFunction;
  readonly firewall: ApiFirewall | undefined;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.authorizerFunction = new EnrichmentFunction(this, 'Authorizer', {
      ...props.functionDefaults,
      handlerFile: 'authorizer',
      description: 'API Gateway TOKEN authorizer: API key to account',
      timeout: API_FUNCTION_TIMEOUT,
    });
    this.authorizerFunction.bindTable(props.storage, ['GetItem']);

    this.acceptFunction = new EnrichmentFunction(this, 'Accept', {
      ...props.functionDefaults,
      handlerFile: 'accept',
      description: 'POST /contacts/enrich/async: validate, reserve credits, start the waterfall',
      timeout: API_FUNCTION_TIMEOUT,
      environment: {
        [ENV.stateMachineArn]: props.stateMachine.stateMachineArn,
        [ENV.waterfall]: JSON.stringify(props.waterfall),
        [ENV.allowPrivateWebhookTargets]: String(props.allowPrivateWebhookTargets),
      },
    });
    // The accept transaction (account, contact, ledger, idempotency) and its rollback.
    this.acceptFunction.bindTable(props.storage, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);
    props.stateMachine.grantStartExecution(this.acceptFunction);

    this.getContactFunction = new EnrichmentFunction(this, 'GetContact', {
      ...props.functionDefaults,
      handlerFile: 'get-contact',
      description: 'GET /contacts/{id}: one enrichment of the calling account',
      timeout: API_FUNCTION_TIMEOUT,
    });
    this.getContactFunction.bindTable(props.storage, ['GetItem']);

    this.eraseContactFunction = new EnrichmentFunction(this, 'EraseContact', {
      ...props.functionDefaults,
      handlerFile: 'erase-contact',
      description: 'DELETE /contacts/{id}: erase an enrichment and its cached results; cancel it if pending',
      timeout: API_FUNCTION_TIMEOUT,
      environment: { [ENV.webhookQueueUrl]: props.webhookQueue.queueUrl },
    });
    // Reads the record; forgets the cached results (Query, BatchWriteItem); deletes the record and the
    // idempotency record; a cancellation's account update and ledger entry; a cancelled batch contact's tick-off.
    this.eraseContactFunction.bindTable(props.storage, [
      'GetItem',
      'Query',
      'BatchWriteItem',
      'DeleteItem',
      'UpdateItem',
      'PutItem',
    ]);
    // The webhook of a batch whose last pending contact is the one erased.
    props.webhookQueue.grantSendMessages(this.eraseContactFunction);

    this.creditsFunction = new EnrichmentFunction(this, 'Credits', {
      ...props.functionDefaults,
      handlerFile: 'credits',
      description: 'GET /account/credits: balance, reserved and available credits',
      timeout: API_FUNCTION_TIMEOUT,
    });
    this.creditsFunction.bindTable(props.storage, ['GetItem']);

    this.ledgerFunction = new EnrichmentFunction(this, 'Ledger', {
      ...props.functionDefaults,
      handlerFile: 'ledger',
      description: 'GET /account/ledger: the credit movements of the calling account, newest first',
      timeout: API_FUNCTION_TIMEOUT,
    });
    this.ledgerFunction.bindTable(props.storage, ['Query']);

    this.resendWebhookFunction = new EnrichmentFunction(this, 'ResendWebhook', {
      ...props.functionDefaults,
      handlerFile: 'resend-webhook',
      description: 'POST /contacts/{id}/webhook/resend: a new delivery round of a finished webhook',
      timeout: API_FUNCTION_TIMEOUT,
      environment: { [ENV.webhookQueueUrl]: props.webhookQueue.queueUrl },
    });
    this.resendWebhookFunction.bindTable(props.storage, ['GetItem', 'UpdateItem']);
    props.webhookQueue.grantSendMessages(this.resendWebhookFunction);

    this.apiReferenceFunction = new EnrichmentFunction(this, 'ApiReference', {
      ...props.functionDefaults,
      handlerFile: 'api-reference',
      description: 'GET /openapi.json, GET /docs and its script: the API reference, no API key',
      timeout: API_FUNCTION_TIMEOUT,
      copyFiles: [`node_modules/redoc/bundles/${RENDERER_SCRIPT_NAME}`],
    });

    this.acceptBatchFunction = new EnrichmentFunction(this, 'AcceptBatch', {
      ...props.functionDefaults,
      handlerFile: 'accept-batch',
      description: 'POST /contacts/enrich/bulk: validate, reserve credits, record and start each contact',
      // Up to 100 contact writes and 100 StartExecution calls, ten at a time, inside API Gateway's 29 s.
      timeout: Duration.seconds(25),
      environment: {
        [ENV.stateMachineArn]: props.stateMachine.stateMachineArn,
        [ENV.waterfall]: JSON.stringify(props.waterfall),
        [ENV.allowPrivateWebhookTargets]: String(props.allowPrivateWebhookTargets),
      },
    });
    // The commit transaction, the contacts' writes, the accepted mark (deleting the staged contacts), and an
    // Idempotency-Key replay's read of the contacts.
    this.acceptBatchFunction.bindTable(props.storage, [
      'GetItem',
      'PutItem',
      'UpdateItem',
      'DeleteItem',
      'BatchGetItem',
    ]);
    props.stateMachine.grantStartExecution(this.acceptBatchFunction);

    this.getBatchFunction = new EnrichmentFunction(this, 'GetBatch', {
      ...props.functionDefaults,
      handlerFile: 'get-batch',
      description: 'GET /batches/{id}: one batch of the calling account with its contacts',
      timeout: API_FUNCTION_TIMEOUT,
    });
    this.getBatchFunction.bindTable(props.storage, ['GetItem', 'BatchGetItem']);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.functionDefaults.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.restApi = new RestApi(this, 'RestApi', {
      // API Gateway metrics are keyed by API name: one name per stack keeps two deployments' alarms apart.
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'Contact enrichment API',
      endpointTypes: [EndpointType.REGIONAL],
      // Access logs need the account's API Gateway CloudWatch Logs role (AWS::ApiGateway::Account): without it
      // the first deploy into a fresh account fails. It is a singleton of the account, so it is kept when the
      // stack is deleted, and an account that already manages it can say so (apiGatewayCloudWatchRole=false).
      cloudWatchRole: props.manageAccountLogRole,
      ...(props.manageAccountLogRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        dataTraceEnabled: false,
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        methodOptions: {
          [`${ACCEPT_ROUTE.path}/${ACCEPT_ROUTE.method}`]: {
            throttlingRateLimit: props.throttling.acceptRateLimit,
            throttlingBurstLimit: props.throttling.acceptBurstLimit,
          },
          [`${BULK_ROUTE.path}/${BULK_ROUTE.method}`]: {
            throttlingRateLimit: props.throttling.bulkRateLimit,
            throttlingBurstLimit: props.throttling.bulkBurstLimit,
          },
        },
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // Who called what, and why API Gateway refused it; never a body (bodies carry personal data).
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            sourceIp: AccessLogField.contextIdentitySourceIp(),
            httpMethod: AccessLogField.contextHttpMethod(),
            resourcePath: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            protocol: AccessLogField.contextProtocol(),
            responseLength: AccessLogField.contextResponseLength(),
            responseLatency: AccessLogField.contextResponseLatency(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            accountId: AccessLogField.contextAuthorizer('accountId'),
            authorizerStatus: AccessLogField.contextAuthorizerStatus(),
            authorizerError: AccessLogField.contextAuthorizerError(),
            errorType: AccessLogField.contextErrorResponseType(),
            errorMessage: AccessLogField.contextErrorMessage(),
            wafStatus: AccessLogField.contextWafStatus(),
          }),
        ),
      },
    });

    const authorizer = new TokenAuthorizer(this, 'ApiKeyAuthorizer', {
      handler: this.authorizerFunction,
      identitySource: IdentitySource.header('Authorization'),
      resultsCacheTtl: props.authorizerCacheTtl,
    });
    const authorized = { authorizer, authorizationType: AuthorizationType.CUSTOM };
    // No test-invoke permission: the console's "Test" button is not worth a second grant per route.
    const integrate = (fn: EnrichmentFunction) => new LambdaIntegration(fn, { allowTestInvoke: false });

    const contacts = this.restApi.root.addResource('contacts');
    const enrich = contacts.addResource('enrich');
    enrich.addResource('async').addMethod(ACCEPT_ROUTE.method, integrate(this.acceptFunction), authorized);
    // API Gateway takes bodies up to 10 MB; the function refuses those over the route's 1 MiB with 413.
    enrich.addResource('bulk').addMethod(BULK_ROUTE.method, integrate(this.acceptBatchFunction), authorized);
    this.restApi.root
      .addResource('batches')
      .addResource('{id}')
      .addMethod('GET', integrate(this.getBatchFunction), authorized);
    const contact = contacts.addResource('{id}');
    contact.addMethod('GET', integrate(this.getContactFunction), authorized);
    contact.addMethod('DELETE', integrate(this.eraseContactFunction), authorized);
    contact
      .addResource('webhook')
      .addResource('resend')
      .addMethod('POST', integrate(this.resendWebhookFunction), authorized);
    const account = this.restApi.root.addResource('account');
    account.addResource('credits').addMethod('GET', integrate(this.creditsFunction), authorized);
    account.addResource('ledger').addMethod('GET', integrate(this.ledgerFunction), authorized);

    // The API reference answers without an API key: it describes the API, and holds no account's data.
    const reference = integrate(this.apiReferenceFunction);
    const docs = this.restApi.root.addResource('docs');
    const publicMethods = [
      this.restApi.root.addResource('openapi.json').addMethod('GET', reference),
      docs.addMethod('GET', reference),
      docs.addResource('assets').addResource('{asset}').addMethod('GET', reference),
    ];
    for (const method of publicMethods) {
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'The API reference (OpenAPI document, page and its script) is public on purpose: it describes the ' +
            'API and reads no data; every other route takes the API key authorizer.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason: 'The API reference is public on purpose; the data routes use the API key authorizer.',
        },
      );
    }

    for (const { id, type, error, keepStatus } of GATEWAY_RESPONSES) {
      const answer: GatewayError = GATEWAY_ERRORS[error];
      const headers = Object.entries(answer.headers ?? {}).map(([name, value]) => [name, `'${value}'`]);
      this.restApi.addGatewayResponse(id, {
        type,
        statusCode: keepStatus ? undefined : String(answer.status),
        responseHeaders: { 'Content-Type': JSON_CONTENT_TYPE, ...Object.fromEntries(headers) },
        templates: { 'application/json': JSON.stringify(answer.body) },
      });
    }

    this.firewall = props.webAcl
      ? new ApiFirewall(this, 'Firewall', {
          stage: this.restApi.deploymentStage,
          rateLimitPerIp: props.webAcl.rateLimitPerIp,
          largeBodyPath: BULK_ROUTE.path,
        })
      : undefined;

    Validations.of(this.restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Requests are validated by the handlers (zod), which answer with the error body, codes and check ' +
          'order the API documents; an API Gateway model would answer first, in its own words.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Every request is in the access log (caller, route, status, latency, gateway error); per-method ' +
          'execution logging would add request and integration details for every call at CloudWatch Logs cost ' +
          'and could carry personal data from request bodies, so it stays off.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Callers are API clients holding per-account API keys (README "API"), checked by the ' +
          'Lambda TOKEN authorizer; there are no Cognito users.',
      },
    );
    if (props.manageAccountLogRole) {
      const logRole = this.restApi.node.tryFindChild('CloudWatchRole');
      if (logRole) {
        Validations.of(logRole).acknowledge({
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
          reason:
            'The account-level role API Gateway assumes to write access logs; AWS maintains this managed policy ' +
            'for exactly that purpose, and API Gateway requires the role before a stage can log.',
        });
      }
    }
    if (!props.webAcl) {
      Validations.of(this.restApi).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'The web ACL is off in this deployment (context webAcl=false) to avoid its monthly cost; the accept ' +
          'handler still refuses bodies over 16 KiB and the stage is throttled.',
      });
    }
  }

  get functions(): EnrichmentFunction[] {
    return [
      this.authorizerFunction,
      this.acceptFunction,
      this.getContactFunction,
      this.eraseContactFunction,
      this.creditsFunction,
      this.acceptBatchFunction,
      this.getBatchFunction,
      this.ledgerFunction,
      this.resendWebhookFunction,
      this.apiReferenceFunction,
    ];
  }
}
