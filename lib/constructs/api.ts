/**
 * The public REST API (README "API"): a TOKEN authorizer turning `Authorization: Bearer <api_key>` into an
 * account, the routes of the manifest (`functions/manifest/`), throttling, access logs, and gateway responses so that errors API Gateway
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
  type Method,
  MockIntegration,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MethodNotAllowedError, toErrorBody } from '../../functions/domain/errors';
import { routesOf } from '../../functions/manifest/define';
import { ROUTES, specsTriggeredBy } from '../../functions/manifest';
import {
  GATEWAY_ERRORS,
  type GatewayError,
  type GatewayErrorName,
} from '../../functions/handlers/gateway-errors';
import type { ApiThrottling } from '../settings';
import { ApiFirewall } from './api-firewall';
import { EnrichmentFunction, type Wiring } from './enrichment-function';

export const STAGE_NAME = 'v1';

export interface ApiProps {
  /** What the API's functions are wired to (the state machine the accept routes start included). */
  wiring: Wiring;
  throttling: ApiThrottling;
  /** How long API Gateway reuses the authorizer's answer for one Authorization header value. */
  authorizerCacheTtl: Duration;
  /** Create the account-level CloudWatch Logs role API Gateway needs for access logs (kept on delete). */
  manageAccountLogRole: boolean;
  /** An AWS WAF web ACL in front of the stage, or none. */
  webAcl?: { rateLimitPerIp: number };
}

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
  /** The functions behind the routes of the manifest, and the authorizer. */
  readonly functions: EnrichmentFunction[];
  readonly firewall: ApiFirewall | undefined;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { wiring } = props;
    const authorizers = specsTriggeredBy('authorizer');
    if (authorizers.length !== 1) throw new Error('The manifest must declare exactly one authorizer.');
    this.authorizerFunction = new EnrichmentFunction(this, authorizers[0]!, wiring);
    const routed = specsTriggeredBy('http').map((spec) => new EnrichmentFunction(this, spec, wiring));
    this.functions = [this.authorizerFunction, ...routed];

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.wiring.defaults.logRetention,
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
        methodOptions: Object.fromEntries(
          ROUTES.filter((route) => route.throttle).map((route) => [
            `${route.path}/${route.method}`,
            route.throttle === 'accept'
              ? {
                  throttlingRateLimit: props.throttling.acceptRateLimit,
                  throttlingBurstLimit: props.throttling.acceptBurstLimit,
                }
              : {
                  throttlingRateLimit: props.throttling.bulkRateLimit,
                  throttlingBurstLimit: props.throttling.bulkBurstLimit,
                },
          ]),
        ),
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

    // Every route of the manifest, on the function its entry names; the API reference alone is public.
    for (const fn of routed) {
      const integration = integrate(fn);
      for (const route of routesOf(fn.spec)) {
        const method = this.restApi.root
          .resourceForPath(route.path)
          .addMethod(route.method, integration, route.public ? {} : authorized);
        if (route.public) acknowledgePublic(method);
      }
    }
    // Every other method of a documented path: 405 with the methods it takes (an `ANY` method API Gateway
    // chooses only when no method of the path matches), answered by API Gateway itself, no key needed.
    for (const path of new Set(ROUTES.map((route) => route.path))) {
      const allowed = [
        ...new Set(ROUTES.filter((route) => route.path === path).map((route) => route.method)),
      ].sort();
      const { status, body } = toErrorBody(new MethodNotAllowedError(allowed));
      const method = this.restApi.root.resourceForPath(path).addMethod(
        'ANY',
        new MockIntegration({
          requestTemplates: { 'application/json': `{"statusCode": ${status}}` },
          integrationResponses: [
            {
              statusCode: String(status),
              responseParameters: {
                'method.response.header.Allow': `'${allowed.join(', ')}'`,
                'method.response.header.Content-Type': JSON_CONTENT_TYPE,
              },
              responseTemplates: { 'application/json': JSON.stringify(body) },
            },
          ],
        }),
        {
          methodResponses: [
            {
              statusCode: String(status),
              responseParameters: {
                'method.response.header.Allow': true,
                'method.response.header.Content-Type': true,
              },
            },
          ],
        },
      );
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'Answers 405 for a method the path does not take, from a mock integration: it calls no function and ' +
            'reads no data, so it needs no API key.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason:
            'A mock 405 answer from API Gateway itself needs no Cognito user pool; the data routes use the API ' +
            'key authorizer.',
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

    const bulkRoute = ROUTES.find((route) => route.throttle === 'bulk');
    if (!bulkRoute) throw new Error('The manifest declares no bulk route.');
    this.firewall = props.webAcl
      ? new ApiFirewall(this, 'Firewall', {
          stage: this.restApi.deploymentStage,
          rateLimitPerIp: props.webAcl.rateLimitPerIp,
          largeBodyPath: bulkRoute.path,
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
}

/** The API reference (document, page and script) answers without an API key. */
function acknowledgePublic(method: Method): void {
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
