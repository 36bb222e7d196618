import { Match } from 'aws-cdk-lib/assertions';
import { ERROR_CODES } from '../../functions/domain/errors';
import { ROUTES } from '../../functions/manifest';
import { propertiesOf, resourcesOf, synthesize, type Synthesized } from './synthesize';

interface GatewayResponse {
  ResponseType: string;
  StatusCode?: string;
  ResponseParameters: Record<string, string>;
  ResponseTemplates: Record<string, string>;
}

describe('Construct: Api', () => {
  let synthesized: Synthesized;
  let gatewayResponses: GatewayResponse[];

  function gatewayResponse(type: string): GatewayResponse {
    const response = gatewayResponses.find((candidate) => candidate.ResponseType === type);
    if (!response) throw new Error(`No gateway response for ${type}`);
    return response;
  }

  function bodyOf(response: GatewayResponse): { code: string; message: string } {
    return JSON.parse(response.ResponseTemplates['application/json']!) as { code: string; message: string };
  }

  beforeAll(() => {
    synthesized = synthesize();
    gatewayResponses = Object.values(
      resourcesOf(synthesized.template, 'AWS::ApiGateway::GatewayResponse'),
    ).map((resource) => resource.Properties as unknown as GatewayResponse);
  }, 120_000);

  afterAll(() => synthesized.dispose());

  it("creates a regional REST API and the account's API Gateway logging role, kept when the stack goes", () => {
    // Assess: without the account role, a stage with access logs fails to deploy in a fresh account.
    synthesized.template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    synthesized.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    synthesized.template.resourceCountIs('AWS::ApiGateway::Account', 1);
    synthesized.template.hasResource('AWS::ApiGateway::Account', {
      DeletionPolicy: 'Retain',
      Properties: { CloudWatchRoleArn: Match.anyValue() },
    });
    synthesized.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [
        Match.objectLike({
          'Fn::Join': Match.arrayWith([
            Match.arrayWith([Match.stringLikeRegexp('AmazonAPIGatewayPushToCloudWatchLogs')]),
          ]),
        }),
      ],
    });
  });

  it('leaves the account role alone when the deployment says the account manages it', () => {
    // Act
    const managedElsewhere = synthesize({ context: { apiGatewayCloudWatchRole: 'false' } });
    try {
      // Assess
      managedElsewhere.template.resourceCountIs('AWS::ApiGateway::Account', 0);
    } finally {
      managedElsewhere.dispose();
    }
  });

  it('authorizes with a TOKEN authorizer on the Authorization header, caching answers for 60 s', () => {
    // Act
    const authorizers = Object.values(resourcesOf(synthesized.template, 'AWS::ApiGateway::Authorizer'));

    // Assess
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]!.Properties).toMatchObject({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 60,
    });
    expect(JSON.stringify(authorizers[0]!.Properties.AuthorizerUri)).toContain(
      synthesized.logicalId(synthesized.stack.functionNamed('authorizer')),
    );
  });

  it('integrates every route of the manifest as a Lambda proxy, behind the one authorizer unless public', () => {
    // Arrange
    const authorizerId = Object.keys(resourcesOf(synthesized.template, 'AWS::ApiGateway::Authorizer'))[0];
    const methods = Object.values(resourcesOf(synthesized.template, 'AWS::ApiGateway::Method'));

    for (const route of ROUTES) {
      // Act
      const fn = synthesized.logicalId(synthesized.stack.functionNamed(route.function));
      const method = methods.find(
        (candidate) =>
          candidate.Properties.HttpMethod === route.method &&
          JSON.stringify(candidate.Properties.Integration).includes(fn) &&
          propertiesOf(synthesized.template, (candidate.Properties.ResourceId as { Ref: string }).Ref)
            .PathPart === route.path.split('/').at(-1),
      );

      // Assess
      expect(method?.Properties).toMatchObject({
        AuthorizationType: route.public ? 'NONE' : 'CUSTOM',
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      if (!route.public) expect(method?.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
    }
  });

  it('throttles the stage, and the route that starts paid work more tightly', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
        }),
        Match.objectLike({
          HttpMethod: 'POST',
          ResourcePath: '/~1contacts~1enrich~1async',
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ]),
    });
  });

  it('writes JSON access logs without request bodies to a log group with retention', () => {
    // Act
    const stage = Object.values(resourcesOf(synthesized.template, 'AWS::ApiGateway::Stage'))[0]!
      .Properties as {
      AccessLogSetting: { DestinationArn: unknown; Format: string };
    };
    const format = JSON.parse(stage.AccessLogSetting.Format) as Record<string, string>;

    // Assess
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      accountId: '$context.authorizer.accountId',
      errorMessage: '$context.error.message',
    });
    expect(stage.AccessLogSetting.Format).not.toMatch(/requestBody|\$input|\$context\.requestOverride/);
    const logGroupId = JSON.stringify(stage.AccessLogSetting.DestinationArn).match(
      /"Ref":"(ApiAccessLogs[A-Z0-9]+)"/,
    )?.[1];
    expect(propertiesOf(synthesized.template, logGroupId!)).toMatchObject({ RetentionInDays: 30 });
  });

  it("answers API Gateway's own errors with the contract's error body and JSON content type", () => {
    // Assess
    expect(gatewayResponses.length).toBeGreaterThan(0);
    for (const response of gatewayResponses) {
      const body = bodyOf(response);
      expect(ERROR_CODES).toContain(body.code);
      expect(body.message.length).toBeGreaterThan(0);
      expect(Object.keys(body).sort()).toEqual(['code', 'message']);
      expect(response.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(
        "'application/json; charset=utf-8'",
      );
    }
  });

  it('answers a refused, missing or denied API key with 401 unauthorized', () => {
    // Assess
    for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED']) {
      const response = gatewayResponse(type);
      expect(bodyOf(response).code).toBe('unauthorized');
      expect(response.StatusCode ?? '401').toBe('401');
    }
  });

  it('answers throttling with 429 rate_limited and a Retry-After header', () => {
    // Act
    const throttled = gatewayResponse('THROTTLED');

    // Assess
    expect(bodyOf(throttled).code).toBe('rate_limited');
    expect(throttled.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
    expect(bodyOf(gatewayResponse('QUOTA_EXCEEDED')).code).toBe('rate_limited');
  });

  it('carries Retry-After on every 429 the gateway answers', () => {
    // Act
    const tooMany = gatewayResponses.filter((response) => response.StatusCode === '429');

    // Assess
    expect(tooMany.map((response) => response.ResponseType).sort()).toEqual(['QUOTA_EXCEEDED', 'THROTTLED']);
    for (const response of tooMany) {
      expect(response.ResponseParameters['gatewayresponse.header.Retry-After']).toMatch(/^'[1-9]\d*'$/);
    }
  });

  it('answers an unknown route with 404 not_found instead of 403 "Missing Authentication Token"', () => {
    // Act
    const response = gatewayResponse('MISSING_AUTHENTICATION_TOKEN');

    // Assess
    expect(response.StatusCode).toBe('404');
    expect(bodyOf(response).code).toBe('not_found');
  });

  it('maps too large bodies, wrong media types, other 4xx and every 5xx to contract codes', () => {
    // Assess
    expect(bodyOf(gatewayResponse('REQUEST_TOO_LARGE')).code).toBe('payload_too_large');
    expect(bodyOf(gatewayResponse('UNSUPPORTED_MEDIA_TYPE')).code).toBe('unsupported_media_type');
    expect(bodyOf(gatewayResponse('DEFAULT_4XX')).code).toBe('validation_error');
    expect(bodyOf(gatewayResponse('DEFAULT_5XX')).code).toBe('internal_error');
  });

  it('lets accept start executions of the waterfall and no other state machine action', () => {
    // Arrange
    const accept = synthesized.stack.functionNamed('accept');
    const stateMachineId = synthesized.logicalId(synthesized.stack.workflow.stateMachine);

    // Act
    const env = (
      propertiesOf(synthesized.template, synthesized.logicalId(accept)).Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;

    // Assess
    expect(env.STATE_MACHINE_ARN).toEqual({ Ref: stateMachineId });
    expect(env.ALLOW_PRIVATE_WEBHOOK_TARGETS).toBe('false');
    synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: synthesized.logicalId(accept.role!) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stateMachineId } },
        ]),
      },
    });
  });

  it('puts no web ACL in front of the API unless the deployment asks for one', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('gives the API URL as a stack output', () => {
    // Assess
    synthesized.template.hasOutput('ApiUrl', { Value: Match.anyValue() });
  });
});
